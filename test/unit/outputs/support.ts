/** Shared helpers for the output-control tests: profiles, files from text, synthetic persons. */
import { createHmac } from 'node:crypto';
import { checkOutputs } from '../../../control-plane/src/outputs/check.js';
import { type OutputsMetadata, parseOutputsMetadata } from '../../../control-plane/src/outputs/metadata.js';
import type {
  CheckContext,
  CheckReport,
  FileReport,
  OutputFile,
} from '../../../control-plane/src/outputs/model.js';
import type { OutputProfile } from '../../../control-plane/src/outputs/profile.js';
import { loadProfile } from '../../../control-plane/src/outputs/profile-files.js';

export const PROFILES = {
  sds: loadProfile('sds'),
  dst: loadProfile('dst'),
  acro: loadProfile('acro'),
  opensafely: loadProfile('opensafely'),
} satisfies Record<string, OutputProfile>;

export const file = (path: string, text: string): OutputFile => ({
  path,
  bytes: new TextEncoder().encode(text),
});

/** Checks files with an outputs.yaml given as YAML text (or none). */
export function check(
  files: OutputFile[],
  options: {
    yaml?: string;
    metadata?: OutputsMetadata;
    profile?: OutputProfile;
    context?: CheckContext;
  } = {},
): CheckReport {
  const metadata = options.metadata ?? (options.yaml ? parseOutputsMetadata(options.yaml) : undefined);
  return checkOutputs({
    files,
    ...(metadata ? { metadata } : {}),
    profile: options.profile ?? PROFILES.sds,
    ...(options.context ? { context: options.context } : {}),
  });
}

/** One file's report from a check of that file alone. */
export function checkOne(
  path: string,
  text: string,
  options: { yaml?: string; profile?: OutputProfile; context?: CheckContext } = {},
): FileReport {
  return check([file(path, text)], options).files[0] as FileReport;
}

export const rules = (report: FileReport): string[] =>
  [...new Set(report.findings.map((f) => f.rule))].sort();

export const frequency = (path: string, dimensions: string[], counts: string[]): string =>
  `files:\n  - path: ${path}\n    kind: frequency\n    dimensions: [${dimensions.join(', ')}]\n    counts: [${counts.join(', ')}]\n`;

/** A synthetic person: a calendar-valid CPR number and the project's pseudonym of it. */
export interface Person {
  cpr: string;
  pseudonym: string;
  birthDate: string;
  sex: 'F' | 'M';
  region: string;
  ageGroup: string;
  firstRedemption: string;
}

const KEY = Buffer.from('klarsyn test project key, not a secret');
const REGIONS = ['Hovedstaden', 'Sjælland', 'Syddanmark', 'Midtjylland', 'Nordjylland'];
const AGE_GROUPS = ['18-39', '40-59', '60-79', '80+'];

/** The pseudonymiser's output shape: the first 128 bits of HMAC-SHA256(key, CPR), hex. */
export const pseudonymOf = (cpr: string) => createHmac('sha256', KEY).update(cpr).digest('hex').slice(0, 32);

/** `n` deterministic synthetic persons (no real CPR number: serials are drawn from a test range). */
export function persons(n: number): Person[] {
  return Array.from({ length: n }, (_, i) => {
    const day = (i % 28) + 1;
    const month = (i % 12) + 1;
    const year = 40 + (i % 50);
    const dd = String(day).padStart(2, '0');
    const mm = String(month).padStart(2, '0');
    const cpr = `${dd}${mm}${year}${String(1000 + i * 7).slice(-4)}`;
    return {
      cpr,
      pseudonym: pseudonymOf(cpr),
      birthDate: `19${year}-${mm}-${dd}`,
      sex: i % 2 === 0 ? 'F' : 'M',
      region: REGIONS[i % REGIONS.length] as string,
      ageGroup: AGE_GROUPS[i % AGE_GROUPS.length] as string,
      firstRedemption: `2023-${mm}-${String(((i * 3) % 28) + 1).padStart(2, '0')}`,
    };
  });
}

export const csv = (header: string[], rows: (string | number)[][]): string =>
  `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`;
