import { parseCheckpointText } from './checkpoint.js';
import { bytesEqual, fromBase64, toBase64 } from './encoding.js';
import { AuditError, isAuditError } from './errors.js';
import { HASH_SIZE } from './merkle/hash.js';
import { verifyConsistency } from './merkle/verify.js';
import type { SignerKey, VerifierKey } from './note/keys.js';
import { openNote } from './note/note.js';
import { cosignCheckpoint } from './witness-policy.js';

/**
 * The C2SP tlog-witness add-checkpoint exchange as pure functions: the log formats a request,
 * the witness decides on it given its stored view. The caller must read the stored view and
 * write the new one atomically (compare-and-swap on the old size).
 */
export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint note. */
  checkpoint: string;
}

/** What a witness last cosigned for one origin. */
export interface WitnessView {
  size: number;
  root: Uint8Array;
}

export type WitnessDecision =
  | { status: 200; body: string; view: WitnessView & { origin: string } }
  | { status: 400 | 403 | 404 | 409 | 422; body: string; contentType?: 'text/x.tlog.size' };

/** The spec's bound on consistency proof lines. */
export const MAX_PROOF_LINES = 63;

export function formatAddCheckpointRequest(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${req.checkpoint}`;
}

export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw malformed('request has no blank line before the checkpoint');
  const [old, ...proofLines] = body.slice(0, blank).split('\n');
  const m = /^old (0|[1-9][0-9]*)$/.exec(old ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw malformed('first line must be "old <size>"');
  if (proofLines.length > MAX_PROOF_LINES) throw malformed(`more than ${MAX_PROOF_LINES} proof lines`);
  const proof = proofLines.map((line) => {
    const hash = fromBase64(line);
    if (!hash || hash.length !== HASH_SIZE) throw malformed('proof lines must be base64 hashes');
    return hash;
  });
  return { oldSize: Number(m[1]), proof, checkpoint: body.slice(blank + 2) };
}

/**
 * Decides an add-checkpoint request. `logKeys` maps each known origin to its trusted keys;
 * `latest` is the stored view for the checkpoint's origin, if any.
 */
export function decideAddCheckpoint(
  req: AddCheckpointRequest,
  logKeys: ReadonlyMap<string, readonly VerifierKey[]>,
  latest: WitnessView | undefined,
  witness: SignerKey,
  now = Math.floor(Date.now() / 1000),
): WitnessDecision {
  let text: string;
  let cp: ReturnType<typeof parseCheckpointText>;
  try {
    const origin = req.checkpoint.slice(0, req.checkpoint.indexOf('\n'));
    const keys = logKeys.get(origin);
    if (!keys) return { status: 404, body: `unknown log origin\n` };
    try {
      text = openNote(req.checkpoint, keys).text;
    } catch (e) {
      if (isAuditError(e, 'malformed_note')) throw e;
      return { status: 403, body: 'checkpoint is not signed by a trusted log key\n' };
    }
    cp = parseCheckpointText(text);
  } catch (e) {
    if (isAuditError(e)) return { status: 400, body: `${e.message}\n` };
    throw e;
  }
  if (req.oldSize > cp.size) return { status: 400, body: 'old size is larger than the checkpoint size\n' };
  const stored = latest?.size ?? 0;
  if (req.oldSize !== stored) return { status: 409, body: `${stored}\n`, contentType: 'text/x.tlog.size' };
  if (req.oldSize === 0 && req.proof.length > 0)
    return { status: 400, body: 'proof must be empty from size 0\n' };
  if (latest && req.oldSize === cp.size && !bytesEqual(latest.root, cp.root)) {
    return { status: 409, body: `${stored}\n`, contentType: 'text/x.tlog.size' };
  }
  if (latest && req.oldSize > 0 && req.oldSize < cp.size) {
    if (!verifyConsistency(req.oldSize, cp.size, req.proof, latest.root, cp.root)) {
      return { status: 422, body: 'consistency proof does not verify\n' };
    }
  }
  return {
    status: 200,
    body: cosignCheckpoint(text, witness, now),
    view: { origin: cp.origin, size: cp.size, root: cp.root },
  };
}

function malformed(message: string): AuditError {
  return new AuditError('malformed_request', message);
}
