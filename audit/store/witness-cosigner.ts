import type pg from 'pg';
import { verifyCheckpoint } from '../checkpoint.js';
import { AuditError } from '../errors.js';
import { parseVerifierKey, type VerifierKey } from '../note/keys.js';
import { formatSignatureLine } from '../note/signature.js';
import { formatAddCheckpointRequest } from '../witness.js';
import type { LogReader } from './log-reader.js';

export interface Witness {
  /** Submission prefix: the witness answers POST <url>/add-checkpoint. */
  url: string;
  /** Its cosignature/v1 verifier key. */
  verifierKey: string;
}

type Post = (url: string, body: string) => Promise<{ status: number; text(): Promise<string> }>;

export interface WitnessCosignerOptions {
  /** The log's own verifier key, to check what is being cosigned. */
  logKey: string;
  post?: Post;
  onError?: (error: unknown, witness: Witness) => void;
}

/**
 * Asks each witness (C2SP tlog-witness) to cosign the latest checkpoint and stores the verified
 * cosignature lines; the log reader publishes only checkpoints with a quorum of them. The size
 * each witness last cosigned is learnt from its 409 answers, so nothing needs to be kept.
 */
export class WitnessCosigner {
  private readonly cosigned = new Map<string, number>();
  private readonly keys: Map<string, VerifierKey>;
  private readonly post: Post;
  private loop: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly reader: LogReader,
    private readonly witnesses: readonly Witness[],
    private readonly options: WitnessCosignerOptions,
  ) {
    this.keys = new Map(witnesses.map((w) => [w.url, parseVerifierKey(w.verifierKey)]));
    this.post =
      options.post ??
      ((url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body }));
  }

  /** One round: every witness that has not cosigned the latest checkpoint is asked to. */
  async cosignLatest(): Promise<void> {
    const { rows } = await this.pool.query<{ size: string; note: string }>(
      'SELECT size, note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1',
    );
    const latest = rows[0];
    if (!latest) return;
    await Promise.all(
      this.witnesses.map((w) =>
        this.cosignWith(w, Number(latest.size), latest.note).catch((e) => this.options.onError?.(e, w)),
      ),
    );
  }

  /** Cosigns the latest checkpoint every `everyMs` until stopped. */
  start(everyMs = 500): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.cosignLatest().catch((e) => this.options.onError?.(e, { url: '', verifierKey: '' }));
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async cosignWith(witness: Witness, size: number, note: string): Promise<void> {
    const key = this.keys.get(witness.url) as VerifierKey;
    for (let attempt = 0; attempt < 2; attempt++) {
      const old = this.cosigned.get(witness.url) ?? 0;
      if (old === size && attempt === 0 && (await this.stored(size, key))) return;
      const proof = old > 0 && old < size ? await this.reader.consistencyProof(old, size) : [];
      const res = await this.post(
        `${witness.url.replace(/\/+$/, '')}/add-checkpoint`,
        formatAddCheckpointRequest({ oldSize: old, proof, checkpoint: note }),
      );
      const body = await res.text();
      if (res.status === 409 && /^\d+\n$/.test(body)) {
        this.cosigned.set(witness.url, Number(body));
        continue;
      }
      if (res.status !== 200) {
        throw new AuditError('unavailable', `witness ${key.name} answered ${res.status}: ${body.trim()}`);
      }
      const cp = verifyCheckpoint(note + body, [this.options.logKey], {
        witnesses: { witnesses: [key], quorum: 1 },
      });
      await this.pool.query(
        'INSERT INTO tlog_cosignatures (size, witness, line) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [size, key.text, formatSignatureLine(cp.cosignatures[0] as (typeof cp.cosignatures)[0])],
      );
      this.cosigned.set(witness.url, size);
      return;
    }
  }

  private async stored(size: number, key: VerifierKey): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM tlog_cosignatures WHERE size = $1 AND witness = $2',
      [size, key.text],
    );
    return (rowCount ?? 0) > 0;
  }
}
