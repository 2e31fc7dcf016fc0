import { ed25519 } from '@noble/curves/ed25519.js';
import { concat, fromBase64, readUint32BE, toBase64, uint32BE, utf8 } from '../encoding.js';
import { isValidKeyName, SIGNATURE_TYPE, type SignerKey, type VerifierKey } from './keys.js';

/** One signature line of a signed note: `— <name> base64(key ID || signature)`. */
export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  signature: Uint8Array;
}

const EM_DASH = '\u2014';
const RFC8032 = { zip215: false } as const;

export function formatSignatureLine(sig: NoteSignature): string {
  return `${EM_DASH} ${sig.name} ${toBase64(concat(uint32BE(sig.keyId), sig.signature))}\n`;
}

/** Parses one line without its newline; undefined if malformed. */
export function parseSignatureLine(line: string): NoteSignature | undefined {
  if (!line.startsWith(`${EM_DASH} `)) return undefined;
  const rest = line.slice(2);
  const space = rest.indexOf(' ');
  if (space < 0) return undefined;
  const name = rest.slice(0, space);
  const bytes = fromBase64(rest.slice(space + 1));
  if (!isValidKeyName(name) || !bytes || bytes.length < 5) return undefined;
  return { name, keyId: readUint32BE(bytes), signature: bytes.subarray(4) };
}

/** tlog-cosignature/v1 signed message: header line, time line, then the checkpoint body. */
export function cosignatureMessage(text: string, timestamp: number): Uint8Array {
  return utf8(`cosignature/v1\ntime ${timestamp}\n${text}`);
}

/** Signs note text with a signer key of either type; cosignatures carry `timestamp` (seconds). */
export function signText(
  key: SignerKey,
  text: string,
  timestamp = Math.floor(Date.now() / 1000),
): NoteSignature {
  if (key.type === SIGNATURE_TYPE.cosignatureV1) {
    const ts = new Uint8Array(8);
    new DataView(ts.buffer).setBigUint64(0, BigInt(timestamp));
    const sig = ed25519.sign(cosignatureMessage(text, timestamp), key.seed);
    return { name: key.name, keyId: key.keyId, signature: concat(ts, sig) };
  }
  return { name: key.name, keyId: key.keyId, signature: ed25519.sign(utf8(text), key.seed) };
}

/** Checks one signature by a key whose name and key ID already match the line. */
export function verifySignature(
  key: VerifierKey,
  text: string,
  sig: Uint8Array,
): { ok: boolean; timestamp?: number } {
  if (key.type === SIGNATURE_TYPE.cosignatureV1) {
    if (sig.length !== 72) return { ok: false };
    const timestamp = new DataView(sig.buffer, sig.byteOffset, 8).getBigUint64(0);
    if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false };
    const ok = ed25519.verify(
      sig.subarray(8),
      cosignatureMessage(text, Number(timestamp)),
      key.publicKey,
      RFC8032,
    );
    return { ok, timestamp: Number(timestamp) };
  }
  if (sig.length !== 64) return { ok: false };
  return { ok: ed25519.verify(sig, utf8(text), key.publicKey, RFC8032) };
}
