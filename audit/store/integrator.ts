import type pg from 'pg';
import { parseCheckpoint, signCheckpoint, verifyCheckpoint } from '../checkpoint.js';
import { AuditError } from '../errors.js';
import type { SignerKey } from '../note/keys.js';
import { integrate } from '../tiles/integrate.js';
import { tilesForRoot } from '../tiles/tile-set.js';
import { readTiles, writeTiles } from './tile-store.js';

export interface IntegratorOptions {
  /** The log's origin line; the signer's key name should match it. */
  origin: string;
  signer: SignerKey;
  /** Most entries per checkpoint (bounds the transaction and the lock time). */
  batchSize?: number;
  /** Pause between polls when nothing is pending. */
  idleMs?: number;
  onCheckpoint?: (checkpoint: IntegratedBatch) => void;
  onError?: (error: unknown) => void;
}

export interface IntegratedBatch {
  size: number;
  added: number;
  root: Uint8Array;
  /** The signed checkpoint note. */
  note: string;
}

/**
 * Moves committed pending events into the log in batches: contiguous indices under the lock on
 * tlog_tree, the changed tiles, and a signed checkpoint, all in one transaction. Any number may
 * run (they serialise on the lock); one per deployment is enough.
 */
export class Integrator {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private loop: Promise<void> | undefined;
  private running = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: IntegratorOptions,
  ) {
    this.batchSize = options.batchSize ?? 20_000;
    this.idleMs = options.idleMs ?? 50;
  }

  /** Integrates at most one batch; undefined when nothing was pending. */
  async integrateOnce(): Promise<IntegratedBatch | undefined> {
    const batch = await this.inTransaction(async (tx) => {
      const { rows } = await tx.query<{ idx: string; leaf_hash: Buffer }>({
        name: 'tlog_take_pending',
        text: 'SELECT idx, leaf_hash FROM tlog_take_pending($1)',
        values: [this.batchSize],
      });
      if (rows.length === 0) return undefined;
      const from = Number((rows[0] as { idx: string }).idx);
      return this.publish(
        tx,
        from,
        rows.map((r) => r.leaf_hash),
      );
    });
    if (batch) this.options.onCheckpoint?.(batch);
    return batch;
  }

  /**
   * Checks that the stored log is this origin's and was signed with this key, then signs the
   * current tree if its size has no checkpoint yet (the empty log at first start).
   */
  async ensureCheckpoint(): Promise<void> {
    const batch = await this.inTransaction(async (tx) => {
      // Lock first: the next statement's snapshot then sees every committed checkpoint.
      const locked = await tx.query<{ size: string }>('SELECT tlog_lock_tree() AS size');
      const size = Number(locked.rows[0]?.size);
      const { rows } = await tx.query<{ latest: string | null; signed: boolean }>(
        `SELECT (SELECT note FROM tlog_checkpoints ORDER BY size DESC LIMIT 1) AS latest,
                EXISTS (SELECT 1 FROM tlog_checkpoints WHERE size = $1) AS signed`,
        [size],
      );
      const row = rows[0] as { latest: string | null; signed: boolean };
      // One log, one key: a replica started with another origin or key must not sign.
      if (row.latest !== null) {
        const stored = parseCheckpoint(row.latest).origin;
        if (stored !== this.options.origin) {
          throw new AuditError('origin_mismatch', `the stored log is ${stored}, not ${this.options.origin}`);
        }
        verifyCheckpoint(row.latest, [this.options.signer.text]);
      }
      return row.signed ? undefined : this.publish(tx, size, []);
    });
    if (batch) this.options.onCheckpoint?.(batch);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Integrates until nothing is pending (tests, shutdown). */
  async drain(): Promise<void> {
    while (await this.integrateOnce()) {}
  }

  private async run(): Promise<void> {
    let checked = false;
    while (this.running) {
      // Nothing is signed until the stored log is known to be this origin's and this key's.
      if (!checked) {
        checked = (await this.guard(() => this.ensureCheckpoint())) !== null;
        if (!checked) await this.sleep(this.idleMs * 20);
        continue;
      }
      const batch = await this.guard(() => this.integrateOnce());
      if (batch === undefined || batch === null)
        await this.sleep(batch === null ? this.idleMs * 20 : this.idleMs);
    }
  }

  private async publish(tx: pg.PoolClient, from: number, leafHashes: Buffer[]): Promise<IntegratedBatch> {
    const edge = await readTiles(tx, tilesForRoot(from));
    const result = integrate(from, leafHashes, edge);
    await writeTiles(tx, result.tiles);
    const note = signCheckpoint(
      { origin: this.options.origin, size: result.size, root: result.root },
      this.options.signer,
    );
    await tx.query({
      name: 'tlog_publish',
      text: 'SELECT tlog_publish($1, $2, $3)',
      values: [result.size, result.root, note],
    });
    return { size: result.size, added: leafHashes.length, root: result.root, note };
  }

  private async inTransaction<T>(fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
    const tx = await this.pool.connect();
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (e) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      tx.release();
    }
  }

  /** Errors are reported and retried after a pause; null marks a failed round. */
  private async guard<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (e) {
      this.options.onError?.(e);
      return null;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
