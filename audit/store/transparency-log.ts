import type pg from 'pg';
import type { LogEvent } from '../event.js';
import { leafHash } from '../merkle/hash.js';
import { type EventTypeRegistry, eventTypes } from './event-types.js';

/** What a domain supplies; the log stamps the time. */
export interface NewEvent {
  type: string;
  actor: string;
  project?: string | null;
  subject?: string | null;
  details: Record<string, unknown>;
}

export interface Appended {
  event: LogEvent;
  /** RFC 9162 leaf hash: identifies the entry before it has an index. */
  leafHash: Uint8Array;
}

/**
 * Appending is one INSERT into tlog_pending on the caller's connection, so the event commits or
 * rolls back with the caller's transaction (log before access, DESIGN.md invariant 4). The
 * integrator later gives committed events their index and a signed checkpoint.
 */
export class TransparencyLog {
  constructor(private readonly types: EventTypeRegistry = eventTypes) {}

  /** `tx` is the caller's transaction client; pass a pool only for an event with no other write. */
  async append(event: NewEvent, tx: pg.ClientBase | pg.Pool): Promise<Appended> {
    const full: LogEvent = {
      type: event.type,
      time: new Date().toISOString(),
      actor: event.actor,
      project: event.project ?? null,
      subject: event.subject ?? null,
      details: event.details,
    };
    const data = this.types.encode(full);
    const hash = leafHash(data);
    await tx.query({
      name: 'tlog_append',
      text: 'INSERT INTO tlog_pending (leaf_hash, data) VALUES ($1, $2)',
      values: [hash, data],
    });
    return { event: full, leafHash: hash };
  }
}
