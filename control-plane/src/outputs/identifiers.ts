/**
 * Values that point at one person: the project's pseudonyms (32 lowercase hex characters, the first
 * 128 bits of an HMAC-SHA256), anything shaped like one, and CPR numbers (DDMMYY-SSSS or ten digits
 * whose first six are a real date in the century the seventh digit gives).
 */
import { isCalendarDate } from './values.js';

/** Shortest hex run compared with pseudonym prefixes: shorter runs match by chance too often. */
const PREFIX_MIN = 12;

export interface PseudonymIndex {
  /** Why `token` (a hex run) identifies a person, or null. */
  match(token: string): string | null;
}

export function pseudonymIndex(pseudonyms: ReadonlySet<string> | undefined): PseudonymIndex {
  // Built on the first hex run that could be a prefix: most outputs have none, and a cohort's list
  // is hundreds of thousands long.
  let byPrefix: Map<string, string[]> | undefined;
  const prefixes = () => {
    if (byPrefix) return byPrefix;
    byPrefix = new Map();
    for (const p of pseudonyms ?? []) {
      const key = p.slice(0, PREFIX_MIN);
      const list = byPrefix.get(key);
      if (list) list.push(p);
      else byPrefix.set(key, [p]);
    }
    return byPrefix;
  };
  return {
    match(token) {
      const t = token.toLowerCase();
      if (t.length === 32) {
        return pseudonyms?.has(t)
          ? "one of the project's pseudonyms"
          : 'shaped like a pseudonym (32 hex characters)';
      }
      if (!pseudonyms || t.length < PREFIX_MIN || t.length > 32) return null;
      const candidates = prefixes().get(t.slice(0, PREFIX_MIN));
      return candidates?.some((p) => p.startsWith(t))
        ? "the beginning of one of the project's pseudonyms"
        : null;
    },
  };
}

const CPR = /^(\d{2})(\d{2})(\d{2})-?(\d)\d{3}$/;

/** Full year from the two-digit year and the first serial digit (CPR office's century table). */
function cprYear(yy: number, seventh: number): number {
  if (seventh <= 3) return 1900 + yy;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;
}

/** DDMMYY-SSSS or DDMMYYSSSS with a calendar-valid date. The modulus-11 check is not required. */
export function isCprShaped(raw: string): boolean {
  const m = CPR.exec(raw);
  if (!m) return false;
  const year = cprYear(Number(m[3]), Number(m[4]));
  return isCalendarDate(year, Number(m[2]), Number(m[1]));
}

/** A hit inside a cell or a line: the token and why it identifies someone. */
export interface IdentifierHit {
  token: string;
  reason: string;
}

const HEX_RUN = /(?<![0-9A-Za-z])[0-9a-fA-F]{12,32}(?![0-9A-Za-z])/g;
/** A run of ten digits, optionally DDMMYY-SSSS, standing on its own. */
export const CPR_RUN = /(?<![\d-])\d{6}-?\d{4}(?![\d-])/g;

function longestHexRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A hyphen continues a run: DDMMYY-SSSS is one token.
    const hex = (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102) || c === 45;
    run = hex ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/** Every pseudonym-like and CPR-shaped token in a piece of text (a cell, a line, a file). */
export function scanIdentifiers(text: string, index: PseudonymIndex): IdentifierHit[] {
  const hits: IdentifierHit[] = [];
  // Without a run of ten hex characters (digits included) there is neither a CPR number nor a
  // pseudonym prefix: one pass over the characters spares most cells the expressions.
  if (longestHexRun(text) < 10) return hits;
  for (const m of text.matchAll(HEX_RUN)) {
    const reason = index.match(m[0]);
    if (reason) hits.push({ token: m[0], reason });
  }
  for (const m of text.matchAll(CPR_RUN)) {
    if (isCprShaped(m[0])) hits.push({ token: m[0], reason: 'shaped like a CPR number' });
  }
  return hits;
}
