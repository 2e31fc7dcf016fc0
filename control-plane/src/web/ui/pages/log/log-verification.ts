import {
  AuditError,
  decodeEvent,
  fromBase64,
  type HttpLogClient,
  type LogEvent,
  leafHash,
  toBase64,
  type VerifiedCheckpoint,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../../../../../../audit/index.js';

/**
 * The log checked in the browser with klarsyn/audit, trusting nothing the server says: the
 * checkpoint's signature against the key this browser first saw, the new checkpoint against the
 * one it saw last time, and every entry on screen against the checkpoint.
 */

/** The log's identity as this browser first met it (trust on first use). */
export interface LogTrust {
  origin: string;
  verifierKey: string;
}

/** The last checkpoint this browser verified, so the next visit can prove the log only grew. */
export interface SeenCheckpoint {
  size: number;
  root: string;
  note: string;
}

export interface CheckedCheckpoint {
  checkpoint: VerifiedCheckpoint;
  /** The size of the checkpoint seen on the previous visit that this one was proven to extend. */
  extends?: number;
  seen: SeenCheckpoint;
}

export async function checkLatest(
  client: HttpLogClient,
  trust: LogTrust,
  previous: SeenCheckpoint | undefined,
): Promise<CheckedCheckpoint> {
  const note = await client.checkpoint();
  const checkpoint = verifyCheckpoint(note, [trust.verifierKey], { origin: trust.origin });
  const seen = { size: checkpoint.size, root: toBase64(checkpoint.root), note };
  if (!previous) return { checkpoint, seen };
  const evidence = { previous: previous.note, latest: note };
  if (checkpoint.size < previous.size) {
    throw new AuditError('rollback', `the log shrank from ${previous.size} to ${checkpoint.size} entries`, {
      evidence,
    });
  }
  const previousRoot = fromBase64(previous.root) ?? new Uint8Array();
  const proof =
    previous.size > 0 && checkpoint.size > previous.size
      ? await client.consistencyProof(previous.size, checkpoint.size)
      : [];
  const consistent =
    previous.size === 0 ||
    verifyConsistency(previous.size, checkpoint.size, proof, previousRoot, checkpoint.root);
  if (!consistent) {
    throw new AuditError(
      'inconsistent_checkpoints',
      `checkpoint ${checkpoint.size} does not extend checkpoint ${previous.size}`,
      { evidence },
    );
  }
  return { checkpoint, extends: previous.size, seen };
}

export type CheckedEntry =
  | { index: number; verified: true; event: LogEvent }
  | { index: number; verified: false; reason: string };

/** One entry and its inclusion proof in the verified checkpoint; shown only if the proof holds. */
export async function checkEntry(
  client: HttpLogClient,
  index: number,
  checkpoint: VerifiedCheckpoint,
): Promise<CheckedEntry> {
  try {
    const { data, proof } = await client.inclusion(index, checkpoint.size);
    if (!verifyInclusion(leafHash(data), index, checkpoint.size, proof, checkpoint.root)) {
      return { index, verified: false, reason: 'inclusion_failed' };
    }
    return { index, verified: true, event: decodeEvent(data) };
  } catch (e) {
    return { index, verified: false, reason: e instanceof AuditError ? e.code : 'unavailable' };
  }
}
