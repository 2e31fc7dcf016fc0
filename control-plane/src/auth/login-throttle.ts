import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Counts failed logins per client address and per username in a sliding window, in PostgreSQL so
 * that every replica sees the same counts. Keyed on both, so neither one address guessing many
 * accounts nor many addresses guessing one account gets far. An address gets a few times the
 * account limit, since a whole institution may sit behind one NAT.
 */
const ADDRESS_FACTOR = 4;

export class LoginThrottle {
  constructor(
    private readonly pool: pg.Pool,
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the caller may try again, or 0 when allowed. */
  async retryAfter(ip: string, username: string): Promise<number> {
    const now = this.now();
    // The failure that completed a block is the max-th most recent one inside the window.
    const { rows } = await this.pool.query<{ since: Date | null }>({
      name: 'login_blocked_since',
      text: `SELECT (SELECT f.failed_at FROM login_failures f
                     WHERE f.key = k.key AND f.failed_at > $5
                     ORDER BY f.failed_at DESC OFFSET k.max - 1 LIMIT 1) AS since
             FROM (VALUES ($1::bytea, $2::int), ($3::bytea, $4::int)) AS k (key, max)`,
      values: [
        keyOf('ip', ip),
        this.maxFailures * ADDRESS_FACTOR,
        keyOf('user', username),
        this.maxFailures,
        new Date(now - this.windowMs),
      ],
    });
    return retryAfterSeconds(
      rows.flatMap((r) => (r.since ? [r.since.getTime()] : [])),
      this.windowMs,
      now,
    );
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    const now = this.now();
    await this.pool.query({
      name: 'login_failure',
      text: `WITH expired AS (DELETE FROM login_failures WHERE failed_at <= $3)
             INSERT INTO login_failures (key, failed_at) VALUES ($1, $4), ($2, $4)`,
      values: [keyOf('ip', ip), keyOf('user', username), new Date(now - this.windowMs), new Date(now)],
    });
  }

  /** A success clears the account's count, not the address's: one valid login does not reset a guesser. */
  async recordSuccess(username: string): Promise<void> {
    await this.pool.query({
      name: 'login_success',
      text: 'DELETE FROM login_failures WHERE key = $1',
      values: [keyOf('user', username)],
    });
  }
}

/** Seconds until the latest block (given when each block began) ends; 0 when nothing blocks. */
export function retryAfterSeconds(blockedSince: readonly number[], windowMs: number, now: number): number {
  if (blockedSince.length === 0) return 0;
  return Math.ceil((Math.max(...blockedSince) + windowMs - now) / 1000);
}

function keyOf(kind: 'ip' | 'user', value: string): Buffer {
  return createHash('sha256').update(`${kind}:${value}`).digest();
}
