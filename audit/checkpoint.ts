import { fromBase64, toBase64 } from './encoding.js';
import { AuditError } from './errors.js';
import { HASH_SIZE } from './merkle/hash.js';
import {
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE,
  type SignerKey,
  type VerifierKey,
} from './note/keys.js';
import { type OpenedNote, openNote, parseNote, signNote, type VerifiedSignature } from './note/note.js';
import type { NoteSignature } from './note/signature.js';
import { checkWitnessQuorum, type WitnessPolicy } from './witness-policy.js';

/**
 * C2SP tlog-checkpoint: a signed note whose text is the origin line, the decimal tree size and the
 * base64 root hash, then optional extension lines. Sizes are numbers: a log of 2^53 entries is
 * out of reach, and a checkpoint claiming more is rejected as malformed.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

export interface ParsedCheckpoint extends Checkpoint {
  /** The signed body, ending in a newline. */
  text: string;
  /** Signature lines, not verified. */
  signatures: NoteSignature[];
}

export interface VerifiedCheckpoint extends Checkpoint {
  text: string;
  /** Good signatures by the log's keys. */
  signatures: VerifiedSignature[];
  /** Good cosignatures by witnesses the policy names. */
  cosignatures: VerifiedSignature[];
}

export interface VerifyCheckpointOptions {
  /** Reject checkpoints of any other log. */
  origin?: string;
  /** Require a quorum of witness cosignatures. */
  witnesses?: WitnessPolicy;
}

export function formatCheckpoint(cp: {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions?: string[];
}): string {
  return [cp.origin, String(cp.size), toBase64(cp.root), ...(cp.extensions ?? [])]
    .map((l) => `${l}\n`)
    .join('');
}

export function parseCheckpointText(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('checkpoint text must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, size, root, ...extensions] = lines;
  if (lines.length < 3 || lines.some((l) => l.length === 0))
    throw malformed('checkpoint needs three non-empty lines');
  if (!/^(0|[1-9][0-9]*)$/.test(size as string) || !Number.isSafeInteger(Number(size))) {
    throw malformed(`tree size ${JSON.stringify(size)} is not a canonical decimal below 2^53`);
  }
  const hash = fromBase64(root as string);
  if (!hash || hash.length !== HASH_SIZE) throw malformed('root hash must be base64 of 32 bytes');
  return { origin: origin as string, size: Number(size), root: hash, extensions };
}

/** Parses a signed checkpoint without verifying any signature. */
export function parseCheckpoint(note: string | Uint8Array): ParsedCheckpoint {
  const { text, signatures } = parseNote(note);
  return { ...parseCheckpointText(text), text, signatures };
}

export function signCheckpoint(
  cp: { origin: string; size: number; root: Uint8Array; extensions?: string[] },
  signer: SignerKey | string,
): string {
  const key = typeof signer === 'string' ? parseSignerKey(signer) : signer;
  if (key.type !== SIGNATURE_TYPE.ed25519)
    throw new AuditError('malformed_key', 'logs sign with Ed25519 note keys');
  return signNote(formatCheckpoint(cp), [key]);
}

/**
 * Verifies a signed checkpoint against the log's verifier keys (vkey strings) and returns its
 * contents; throws an AuditError otherwise. Signatures by unknown keys are ignored.
 */
export function verifyCheckpoint(
  note: string | Uint8Array,
  verifierKeys: readonly (string | VerifierKey)[],
  options: VerifyCheckpointOptions = {},
): VerifiedCheckpoint {
  const logKeys = verifierKeys.map(asKey).filter((k) => k.type === SIGNATURE_TYPE.ed25519);
  if (logKeys.length === 0) throw new AuditError('invalid_argument', 'no Ed25519 log key given');
  const witnessKeys = (options.witnesses?.witnesses ?? []).map(asKey);
  const opened: OpenedNote = openNote(note, [...logKeys, ...witnessKeys]);
  const cp = parseCheckpointText(opened.text);
  const signatures = opened.verified.filter((s) => logKeys.includes(s.key));
  if (signatures.length === 0) {
    throw new AuditError('no_verified_signature', 'checkpoint is not signed by the log key', {
      evidence: { checkpoint: typeof note === 'string' ? note : undefined },
    });
  }
  if (options.origin !== undefined && cp.origin !== options.origin) {
    throw new AuditError('origin_mismatch', `checkpoint is for ${cp.origin}, expected ${options.origin}`);
  }
  const cosignatures = opened.verified.filter((s) => witnessKeys.includes(s.key));
  if (options.witnesses) checkWitnessQuorum(cosignatures, options.witnesses);
  return { ...cp, text: opened.text, signatures, cosignatures };
}

function asKey(key: string | VerifierKey): VerifierKey {
  return typeof key === 'string' ? parseVerifierKey(key) : key;
}

function malformed(message: string): AuditError {
  return new AuditError('malformed_checkpoint', message);
}
