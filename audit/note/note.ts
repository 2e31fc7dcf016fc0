import { fromUtf8, hasControlCharacter } from '../encoding.js';
import { AuditError } from '../errors.js';
import type { SignerKey, VerifierKey } from './keys.js';
import {
  formatSignatureLine,
  type NoteSignature,
  parseSignatureLine,
  signText,
  verifySignature,
} from './signature.js';

/**
 * C2SP signed-note: text ending in a newline, a blank line, then one or more signature lines.
 * Parsing is strict; verification ignores unknown keys, rejects the whole note when a known key's
 * signature is bad, and requires at least one good signature by a known key.
 */
export interface Note {
  /** The signed text, including its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifiedSignature extends NoteSignature {
  key: VerifierKey;
  /** Seconds since the epoch, for cosignatures. */
  timestamp?: number;
}

export interface OpenedNote {
  text: string;
  verified: VerifiedSignature[];
  unverified: NoteSignature[];
}

/** More than the spec's minimum of 16; the same bound as the Go reference implementation. */
export const MAX_SIGNATURES = 100;

export function parseNote(note: string | Uint8Array): Note {
  let text: string;
  try {
    text = typeof note === 'string' ? note : fromUtf8(note);
  } catch (e) {
    throw malformed('note is not valid UTF-8', e);
  }
  if (hasControlCharacter(text, true)) throw malformed('note contains control characters');
  const split = text.lastIndexOf('\n\n');
  if (split < 0) throw malformed('note has no blank line before its signatures');
  const block = text.slice(split + 2);
  if (!block.endsWith('\n')) throw malformed('signature block must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    const sig = parseSignatureLine(line);
    if (!sig) throw malformed(`malformed signature line ${JSON.stringify(line)}`);
    return sig;
  });
  return { text: text.slice(0, split + 1), signatures };
}

/** Signs text (which must end in a newline) with Ed25519 note keys. */
export function signNote(text: string, signers: readonly SignerKey[]): string {
  if (!text.endsWith('\n') || hasControlCharacter(text, true))
    throw malformed('note text must end in a newline');
  return `${text}\n${signers.map((k) => formatSignatureLine(signText(k, text))).join('')}`;
}

export function openNote(note: string | Uint8Array, keys: readonly VerifierKey[]): OpenedNote {
  const { text, signatures } = parseNote(note);
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const sig of signatures) {
    const line = formatSignatureLine(sig);
    if (seen.has(line)) continue;
    seen.add(line);
    const key = findKey(keys, sig);
    if (!key) {
      unverified.push(sig);
      continue;
    }
    const result = verifySignature(key, text, sig.signature);
    if (!result.ok) {
      throw new AuditError('invalid_signature', `invalid signature for key ${key.name}+${hex8(key.keyId)}`, {
        evidence: { note: typeof note === 'string' ? note : fromUtf8(note), key: key.text },
      });
    }
    verified.push(
      result.timestamp === undefined ? { ...sig, key } : { ...sig, key, timestamp: result.timestamp },
    );
  }
  if (verified.length === 0) {
    throw new AuditError('no_verified_signature', 'note has no signature by a known key', {
      evidence: { signers: unverified.map((s) => `${s.name}+${hex8(s.keyId)}`) },
    });
  }
  return { text, verified, unverified };
}

/** A key matches on both name and ID; two different keys matching one line is a configuration error. */
function findKey(keys: readonly VerifierKey[], sig: NoteSignature): VerifierKey | undefined {
  const matches = keys.filter((k) => k.name === sig.name && k.keyId === sig.keyId);
  if (new Set(matches.map((k) => k.text)).size > 1) {
    throw new AuditError('ambiguous_key', `ambiguous key ${sig.name}+${hex8(sig.keyId)}`);
  }
  return matches[0];
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function malformed(message: string, cause?: unknown): AuditError {
  return new AuditError('malformed_note', message, { cause });
}
