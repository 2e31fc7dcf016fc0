import { type ErrorCode, KlarsynError } from '../errors.js';

/** Why a pseudonymisation step refused to go on; tests assert the reason, not the message. */
export type PseudonymFailure =
  | 'master_key_missing'
  | 'master_key_malformed'
  | 'key_unwrap_failed'
  | 'key_file_invalid'
  | 'pseudonym_collision'
  | 'extension_missing'
  | 'input_unreadable'
  | 'cpr_column_missing'
  | 'output_unwritable';

const CODE: Record<PseudonymFailure, ErrorCode> = {
  master_key_missing: 'config_invalid',
  master_key_malformed: 'config_invalid',
  key_unwrap_failed: 'config_invalid',
  key_file_invalid: 'bad_request',
  pseudonym_collision: 'internal',
  extension_missing: 'config_invalid',
  input_unreadable: 'bad_request',
  cpr_column_missing: 'bad_request',
  output_unwritable: 'bad_request',
};

export class PseudonymError extends KlarsynError {
  readonly reason: PseudonymFailure;

  constructor(
    reason: PseudonymFailure,
    message: string,
    options: { cause?: unknown; details?: unknown } = {},
  ) {
    super(CODE[reason], message, options);
    this.name = 'PseudonymError';
    this.reason = reason;
  }
}
