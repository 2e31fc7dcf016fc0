/**
 * One coded error for everything the audit library rejects. Callers and tests branch on `code`,
 * never on the message. Errors about log misbehaviour carry the evidence (checkpoints, proofs,
 * the index of the first bad entry) so a monitor can publish it.
 */
export type AuditErrorCode =
  | 'invalid_argument'
  | 'malformed_key'
  | 'malformed_note'
  | 'malformed_checkpoint'
  | 'malformed_event'
  | 'malformed_request'
  | 'malformed_response'
  | 'unavailable'
  | 'ambiguous_key'
  | 'invalid_signature'
  | 'no_verified_signature'
  | 'origin_mismatch'
  | 'witness_quorum'
  | 'rollback'
  | 'inconsistent_checkpoints'
  | 'inclusion_failed'
  | 'entry_mismatch';

export class AuditError extends Error {
  readonly code: AuditErrorCode;
  readonly evidence: Record<string, unknown> | undefined;

  constructor(
    code: AuditErrorCode,
    message: string,
    options: { evidence?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AuditError';
    this.code = code;
    this.evidence = options.evidence;
  }
}

export function isAuditError(e: unknown, code?: AuditErrorCode): e is AuditError {
  return e instanceof AuditError && (code === undefined || e.code === code);
}
