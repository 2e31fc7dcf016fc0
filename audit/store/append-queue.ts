import type pg from 'pg';
import { APPEND_SQL, type Appended, type NewEvent, type TransparencyLog } from './transparency-log.js';

export interface AppendQueueOptions {
  /** Most events per INSERT. */
  maxBatch?: number;
  /** Concurrent INSERTs in flight. */
  maxInFlight?: number;
}

interface Waiting {
  prepared: Appended;
  resolve: (a: Appended) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit for events that have no transaction of their own (a file read, a login): callers
 * wait until their event is durably committed, and concurrent callers share one INSERT and one
 * commit. Events that record a database change use TransparencyLog.append in that transaction.
 */
export class AppendQueue {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: TransparencyLog,
    options: AppendQueueOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  /** Resolves once the event is committed (it survives a crash from then on). */
  append(event: NewEvent): Promise<Appended> {
    // Validation errors reach this caller alone, before anything is queued.
    const prepared = this.log.prepare(event);
    return new Promise((resolve, reject) => {
      this.queue.push({ prepared, resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.pool
        .query({
          ...APPEND_SQL,
          values: [batch.map((w) => w.prepared.data)],
        })
        .then(
          () => {
            for (const w of batch) w.resolve(w.prepared);
          },
          (e) => {
            for (const w of batch) w.reject(e);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.flush();
        });
    }
  }
}
