import { type VerifiedCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { bytesEqual, fromBase64, toBase64 } from './encoding.js';
import { AuditError } from './errors.js';
import { CompactRange } from './merkle/compact-range.js';
import { leafHash } from './merkle/hash.js';
import { verifyConsistency } from './merkle/verify.js';
import type { VerifierKey } from './note/keys.js';
import type { WitnessPolicy } from './witness-policy.js';

/**
 * A monitor run: verify the latest checkpoint, prove it extends the one seen last time, and
 * re-hash every new entry into the tree. No I/O of its own; the caller passes a client that
 * fetches and keeps the returned state for the next run.
 */
export interface LogClient {
  /** The latest signed checkpoint note. */
  checkpoint(): Promise<string>;
  /** Raw entries [start, end), in index order; a missing entry ends the list early. */
  entries(start: number, end: number): Promise<Uint8Array[]>;
  consistencyProof(size1: number, size2: number): Promise<Uint8Array[]>;
}

/** What a monitor keeps between runs (JSON-serialisable). */
export interface MonitorState {
  origin: string;
  verifierKeys: string[];
  size: number;
  /** base64 root hash */
  root: string;
  /** The signed checkpoint note of `size`, kept as evidence. */
  checkpoint: string;
  /** Compact range of the tree at `size`, base64 hashes. */
  range: string[];
}

export interface MonitorOptions {
  verifierKeys: readonly (string | VerifierKey)[];
  origin?: string;
  witnesses?: WitnessPolicy;
  state?: MonitorState;
  /** Re-hash every entry from index 0, not only those added since `state`. */
  full?: boolean;
  batchSize?: number;
  onProgress?: (checked: number, total: number) => void;
}

export interface MonitorResult {
  state: MonitorState;
  checkpoint: VerifiedCheckpoint;
  previousSize: number;
  checked: number;
}

export async function monitorLog(client: LogClient, options: MonitorOptions): Promise<MonitorResult> {
  const prev = options.state;
  const note = await client.checkpoint();
  const cp = verifyCheckpoint(note, options.verifierKeys, {
    origin: options.origin ?? prev?.origin,
    ...(options.witnesses ? { witnesses: options.witnesses } : {}),
  });
  const prevRoot = prev ? decodeHash(prev.root) : undefined;
  if (prev && prevRoot) await checkExtends(client, prev, prevRoot, cp, note);

  const from = options.full || !prev ? 0 : prev.size;
  const base = from === 0 ? CompactRange.empty() : CompactRange.from(prev!.size, prev!.range.map(decodeHash));
  const range = base.clone();
  const leaves: Uint8Array[] = [];
  const batch = options.batchSize ?? 1000;
  const locate = (bad: number) => firstBadEntry(client, base, from, leaves, cp, bad, note);

  for (let start = from; start < cp.size; start += batch) {
    const end = Math.min(cp.size, start + batch);
    const data = await client.entries(start, end);
    for (const entry of data.slice(0, end - start)) {
      const hash = leafHash(entry);
      leaves.push(hash);
      range.append(hash);
      // A full re-check also proves the entries already covered by the saved state.
      if (prev && prevRoot && range.size === prev.size && !bytesEqual(range.root(), prevRoot)) {
        throw await locate(prev.size);
      }
    }
    // A missing entry: the search below names it, or an earlier bad one.
    if (data.length < end - start) throw await locate(cp.size);
    options.onProgress?.(end - from, cp.size - from);
  }
  if (!bytesEqual(range.root(), cp.root)) throw await locate(cp.size);

  return {
    state: {
      origin: cp.origin,
      verifierKeys: cp.signatures.map((s) => s.key.text),
      size: cp.size,
      root: toBase64(cp.root),
      checkpoint: note,
      range: range.nodes.map(toBase64),
    },
    checkpoint: cp,
    previousSize: prev?.size ?? 0,
    checked: leaves.length,
  };
}

async function checkExtends(
  client: LogClient,
  prev: MonitorState,
  prevRoot: Uint8Array,
  cp: VerifiedCheckpoint,
  note: string,
): Promise<void> {
  const evidence = { previous: prev.checkpoint, latest: note };
  if (cp.size < prev.size) {
    throw new AuditError('rollback', `log shrank from ${prev.size} to ${cp.size} entries`, { evidence });
  }
  const proof = prev.size > 0 && cp.size > prev.size ? await client.consistencyProof(prev.size, cp.size) : [];
  const consistent = prev.size === 0 || verifyConsistency(prev.size, cp.size, proof, prevRoot, cp.root);
  if (!consistent) {
    throw new AuditError(
      'inconsistent_checkpoints',
      `checkpoint ${cp.size} does not extend checkpoint ${prev.size}`,
      {
        evidence: { ...evidence, proof: proof.map(toBase64) },
      },
    );
  }
}

/**
 * Binary search for the first entry that breaks the signed tree: a prefix of m entries is good
 * when the server proves the tree of those m leaves (as re-hashed here) is a prefix of the
 * signed tree, and bad when entries are missing. `bad` is a size known to be wrong; `from` one
 * known to be right.
 */
async function firstBadEntry(
  client: LogClient,
  base: CompactRange,
  from: number,
  leaves: readonly Uint8Array[],
  cp: VerifiedCheckpoint,
  bad: number,
  note: string,
): Promise<AuditError> {
  const rootOf = (m: number) => {
    const r = base.clone();
    for (const h of leaves.slice(0, m - from)) r.append(h);
    return r.root();
  };
  const good = async (m: number) =>
    m - from > leaves.length
      ? false
      : m === cp.size
        ? bytesEqual(rootOf(m), cp.root)
        : verifyConsistency(m, cp.size, await client.consistencyProof(m, cp.size), rootOf(m), cp.root);
  let lo = from;
  let hi = bad;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (await good(mid)) lo = mid;
    else hi = mid;
  }
  return mismatch(hi - 1, `entry ${hi - 1} does not match the signed tree`, note);
}

function mismatch(index: number, message: string, checkpoint: string): AuditError {
  return new AuditError('entry_mismatch', message, { evidence: { index, checkpoint } });
}

function decodeHash(b64: string): Uint8Array {
  const h = fromBase64(b64);
  if (h?.length !== 32) throw new AuditError('invalid_argument', 'monitor state holds a malformed hash');
  return h;
}
