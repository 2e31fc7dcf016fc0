import type pg from 'pg';
import { touchActivity } from '../store.js';

/**
 * Browser traffic through the proxy keeps a workspace from counting as idle. Seen workspaces are
 * collected in memory and written once per reconciliation pass, not once per request.
 */
export class ActivityTracker {
  private seen = new Set<string>();

  constructor(private readonly pool: pg.Pool) {}

  touch(workspaceId: string): void {
    this.seen.add(workspaceId);
  }

  async flush(): Promise<void> {
    const ids = [...this.seen];
    this.seen = new Set();
    await touchActivity(this.pool, ids);
  }
}
