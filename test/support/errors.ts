import { isKlarsynError } from '../../control-plane/src/errors.js';

/** The KlarsynError code a synchronous check throws: 'accepted' if it returns, 'foreign' for any other error. */
export function thrownCode(check: () => void): string {
  try {
    check();
  } catch (error) {
    return isKlarsynError(error) ? error.code : 'foreign';
  }
  return 'accepted';
}
