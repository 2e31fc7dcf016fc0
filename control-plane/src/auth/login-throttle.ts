/**
 * Counts failed logins per client address and per username in a sliding window. Keyed on both, so
 * neither one address guessing many accounts nor many addresses guessing one account gets far. An
 * address gets a few times the account limit, since a whole institution may sit behind one NAT.
 */
const ADDRESS_FACTOR = 4;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the caller may try again, or 0 when allowed. */
  retryAfter(ip: string, username: string): number {
    const since = [
      this.blockedSince(`ip:${ip}`, this.maxFailures * ADDRESS_FACTOR),
      this.blockedSince(`user:${username}`, this.maxFailures),
    ].filter((t): t is number => t !== undefined);
    return since.length > 0 ? Math.ceil((Math.max(...since) + this.windowMs - this.now()) / 1000) : 0;
  }

  recordFailure(ip: string, username: string): void {
    for (const key of [`ip:${ip}`, `user:${username}`]) {
      const list = this.recent(key);
      list.push(this.now());
      this.failures.set(key, list);
    }
  }

  /** A success clears the account's count, not the address's: one valid login does not reset a guesser. */
  recordSuccess(username: string): void {
    this.failures.delete(`user:${username}`);
  }

  /** When the failure that completed the block happened, or undefined when not blocked. */
  private blockedSince(key: string, max: number): number | undefined {
    const list = this.recent(key);
    return list.length >= max ? list[list.length - max] : undefined;
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }
}
