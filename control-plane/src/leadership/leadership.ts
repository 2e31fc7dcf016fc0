/**
 * Who runs the periodic writers (transparency-log integrator, workspace reconciler, project expiry)
 * in a deployment of several replicas. HTTP is served by every replica; leader-only work starts
 * when a replica becomes leader and stops when it stops being one.
 *
 * Leadership is an efficiency and tidiness guarantee, not the safety one: the state those writers
 * change lives in PostgreSQL and each of them serialises on its own locks (the integrator on the
 * lock of tlog_tree, the reconciler on the workspace rows), so a short overlap of two leaders, or a
 * leader killed mid-operation, loses and duplicates nothing.
 */
export interface Leadership {
  /** This replica's name in the Lease (the pod name in Kubernetes). */
  readonly identity: string;
  isLeader(): boolean;
  /** Called with true on gaining leadership and false on losing it; returns an unsubscribe function. */
  onChange(listener: (leading: boolean) => void | Promise<void>): () => void;
  /** Starts campaigning (the embedded leader is leader at once). */
  start(): Promise<void>;
  /** Stops campaigning and gives the lease up, so a successor need not wait for it to expire. */
  stop(): Promise<void>;
}

/** The leading flag and its listeners, as every implementation keeps them. */
export abstract class ListenedLeadership implements Leadership {
  abstract readonly identity: string;
  protected leading = false;
  protected readonly listeners = new Set<(leading: boolean) => void | Promise<void>>();

  isLeader(): boolean {
    return this.leading;
  }

  onChange(listener: (leading: boolean) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
}

/** Embedded mode (no Kubernetes configured): the single process is always the leader. */
export class SoleLeader extends ListenedLeadership {
  constructor(readonly identity = 'embedded') {
    super();
  }

  async start(): Promise<void> {
    if (this.leading) return;
    this.leading = true;
    for (const listener of this.listeners) await listener(true);
  }

  async stop(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    for (const listener of this.listeners) await listener(false);
  }
}
