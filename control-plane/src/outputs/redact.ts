import { CPR_RUN, isCprShaped } from './identifiers.js';
import type { Finding } from './model.js';

const MASK = '••••••-••••';

/** The text with every CPR-shaped number replaced by a mask. */
export function maskCprNumbers(text: string): string {
  return text.replace(CPR_RUN, (token) => (isCprShaped(token) ? MASK : token));
}

/**
 * Findings as the platform stores and shows them: a finding may quote a CPR number it found in a
 * file (that is why the file is blocked), but the number itself goes no further than the check.
 */
export function maskFindings(findings: readonly Finding[]): Finding[] {
  return findings.map((f) => ({
    ...f,
    message: maskCprNumbers(f.message),
    cells: f.cells.map((c) => ({ ...c, value: maskCprNumbers(c.value) })),
  }));
}
