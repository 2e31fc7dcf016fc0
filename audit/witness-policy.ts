import { AuditError } from './errors.js';
import { parseVerifierKey, SIGNATURE_TYPE, type SignerKey, type VerifierKey } from './note/keys.js';
import type { VerifiedSignature } from './note/note.js';
import { formatSignatureLine, signText } from './note/signature.js';

/**
 * Which witnesses a verifier trusts and how many of them must have cosigned (C2SP
 * tlog-cosignature/v1, signature type 0x04) before a checkpoint counts as seen by others.
 */
export interface WitnessPolicy {
  /** Witness vkeys with signature type 0x04. */
  witnesses: readonly (string | VerifierKey)[];
  quorum: number;
}

export function checkWitnessQuorum(cosignatures: readonly VerifiedSignature[], policy: WitnessPolicy): void {
  const keys = policy.witnesses.map((w) => (typeof w === 'string' ? parseVerifierKey(w) : w));
  if (keys.some((k) => k.type !== SIGNATURE_TYPE.cosignatureV1)) {
    throw new AuditError('invalid_argument', 'witness keys must be cosignature/v1 (type 0x04) keys');
  }
  if (!Number.isInteger(policy.quorum) || policy.quorum < 0 || policy.quorum > keys.length) {
    throw new AuditError('invalid_argument', `quorum ${policy.quorum} is not between 0 and ${keys.length}`);
  }
  const cosigners = new Set(
    cosignatures.filter((c) => keys.some((k) => k.text === c.key.text)).map((c) => c.key.text),
  );
  if (cosigners.size < policy.quorum) {
    throw new AuditError(
      'witness_quorum',
      `${cosigners.size} of ${policy.quorum} required witness cosignatures`,
      {
        evidence: { cosigners: [...cosigners] },
      },
    );
  }
}

/** A witness's cosignature line over a checkpoint body (the signed text, not the whole note). */
export function cosignCheckpoint(text: string, witness: SignerKey, timestamp?: number): string {
  if (witness.type !== SIGNATURE_TYPE.cosignatureV1) {
    throw new AuditError('malformed_key', 'witnesses cosign with cosignature/v1 (type 0x04) keys');
  }
  return formatSignatureLine(signText(witness, text, timestamp));
}
