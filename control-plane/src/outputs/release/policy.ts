import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../../errors.js';
import { readPolicyFile } from '../../policy-files.js';

export interface ReleasePolicy {
  /** Independent approvals each file needs (invariant 5: default 2). */
  approvalsPerFile: number;
}

export const RELEASE_POLICY_FILE = 'policies/release.yaml';

/** Parses `policies/release.yaml`; anything but a whole number of approvals from 1 to 10 is refused. */
export function parseReleasePolicy(text: string, source = RELEASE_POLICY_FILE): ReleasePolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new KlarsynError('config_invalid', `${source} is not valid YAML: ${(e as Error).message}`);
  }
  const keys = doc && typeof doc === 'object' ? Object.keys(doc) : [];
  const n = (doc as { approvalsPerFile?: unknown } | null)?.approvalsPerFile ?? 2;
  const unknown = keys.filter((k) => k !== 'approvalsPerFile');
  if (unknown.length > 0)
    throw new KlarsynError('config_invalid', `${source}: unknown keys ${unknown.join(', ')}`);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) {
    throw new KlarsynError(
      'config_invalid',
      `${source}: approvalsPerFile must be a whole number from 1 to 10`,
    );
  }
  return { approvalsPerFile: n };
}

export function loadReleasePolicy(): ReleasePolicy {
  return parseReleasePolicy(readPolicyFile(RELEASE_POLICY_FILE));
}
