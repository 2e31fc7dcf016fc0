import type { LogTrust, SeenCheckpoint } from './log-verification.js';

// Kept in this browser's storage: public values only (a key, a checkpoint), no secrets.
const TRUST = 'klarsyn.log.trust';
const SEEN = 'klarsyn.log.seen';

function read<T>(key: string): T | undefined {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

export const trustStore = {
  trust: () => read<LogTrust>(TRUST),
  rememberTrust: (trust: LogTrust) => localStorage.setItem(TRUST, JSON.stringify(trust)),
  seen: () => read<SeenCheckpoint>(SEEN),
  rememberSeen: (seen: SeenCheckpoint) => localStorage.setItem(SEEN, JSON.stringify(seen)),
};
