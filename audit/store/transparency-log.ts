import type pg from 'pg';
import type { LogEvent } from '../event.js';
import { type EventTypeRegistry, eventTypes } from './event-types.js';

/** One statement appends any number of events, in array order. */
export const APPEND_SQL = {
  name: 'tlog_append',
  text: 'INSERT INTO tlog_pending (data) SELECT * FROM unnest($1::bytea[])',
} as const;

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
  /** The entry's bytes (canonical JSON); leafHash(data) identifies it before it has an index. */
  data: Uint8Array;
}

/**
 * Appending is one INSERT into tlog_pending on the caller's connection, so the events commit or
 * roll back with the caller's transaction (log before access, DESIGN.md invariant 4). The
 * integrator later gives committed events their indices and a signed checkpoint.
 */
export class TransparencyLog {
  constructor(readonly types: EventTypeRegistry = eventTypes) {}

  /** `tx` is the caller's transaction client; pass a pool only for an event with no other write. */
  async append(event: NewEvent, tx: pg.ClientBase | pg.Pool): Promise<Appended> {
    const [appended] = await this.appendMany([event], tx);
    return appended as Appended;
  }

  /** Several events in one statement, in this order. Validation fails before anything is written. */
  async appendMany(events: readonly NewEvent[], tx: pg.ClientBase | pg.Pool): Promise<Appended[]> {
    const prepared = events.map((e) => this.prepare(e));
    if (prepared.length === 0) return [];
    await tx.query({ ...APPEND_SQL, values: [prepared.map((p) => p.data)] });
    return prepared;
  }

  /** Validates and encodes an event into its leaf bytes. */
  prepare(event: NewEvent): Appended {
    const full: LogEvent = {
      type: event.type,
      time: new Date().toISOString(),
      actor: event.actor,
      project: event.project ?? null,
      subject: event.subject ?? null,
      details: event.details,
    };
    return { event: full, data: this.types.encode(full) };
  }
}
