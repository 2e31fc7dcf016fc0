import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type Leadership, SoleLeader } from './leadership.js';

/** Periodic work that only the leader does: started on gaining leadership, stopped on losing it. */
export interface LeaderTask {
  name: string;
  start(): void | Promise<void>;
  /** Stops and waits for work under way; the task may be started again later. */
  stop(): Promise<void>;
}

/**
 * The leader-only tasks of one control plane. Domains add their tasks while the app is built; they
 * run from `open()` (the app is ready) while this replica leads, and never after `close()`.
 * Transitions are applied one after another, so a quick lose-then-regain never overlaps a task
 * with itself.
 */
export class LeaderTasks {
  private readonly tasks: LeaderTask[] = [];
  private readonly active = new Set<LeaderTask>();
  private opened = false;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    readonly leadership: Leadership,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = leadership.onChange(() => this.apply());
  }

  add(task: LeaderTask): void {
    this.tasks.push(task);
    void this.apply();
  }

  /** Names of the tasks running now. */
  running(): string[] {
    return [...this.active].map((t) => t.name);
  }

  open(): Promise<void> {
    this.opened = true;
    return this.apply();
  }

  /** Stops every task for good (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    await this.apply();
  }

  /** The app is ready: run the tasks whenever this replica leads, and start campaigning. */
  async openAndLead(): Promise<void> {
    await this.open();
    await this.leadership.start();
  }

  /** Shutdown: stop the tasks, then give the lease up so a successor takes over at once. */
  async closeAndResign(): Promise<void> {
    await this.close();
    await this.leadership.stop();
  }

  /** Brings the running set in line with leadership; resolves when done. */
  private apply(): Promise<void> {
    this.queue = this.queue.then(async () => {
      const wanted = this.opened && !this.closed && this.leadership.isLeader();
      for (const task of this.tasks) {
        if (wanted && !this.active.has(task)) {
          try {
            await task.start();
            this.active.add(task);
          } catch (err) {
            this.logger.error({ err, task: task.name }, 'leader task failed to start');
          }
        } else if (!wanted && this.active.has(task)) {
          this.active.delete(task);
          await task
            .stop()
            .catch((err) => this.logger.error({ err, task: task.name }, 'leader task failed to stop'));
        }
      }
    });
    return this.queue;
  }
}

/** A leader task that runs `run` at start and every `everyMs`, one run at a time. */
export function periodicLeaderTask(
  name: string,
  everyMs: number,
  run: () => Promise<unknown>,
  logger: Logger,
): LeaderTask {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    current = run()
      .catch((err) => logger.error({ err, task: name }, 'leader task run failed'))
      .finally(() => {
        busy = false;
      });
  };
  return {
    name,
    start() {
      tick();
      timer = setInterval(tick, everyMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    leaderTasks: LeaderTasks;
  }
}

/**
 * The app's leader tasks (decorated by buildApp). A domain plugin registered on its own (tests)
 * gets tasks of its own that always lead, started when the app is ready and stopped at close.
 */
export function leaderTasksOf(app: FastifyInstance): LeaderTasks {
  if (app.hasDecorator('leaderTasks')) return app.leaderTasks;
  const tasks = new LeaderTasks(new SoleLeader(), app.log as unknown as Logger);
  app.addHook('onReady', () => tasks.openAndLead());
  app.addHook('onClose', () => tasks.closeAndResign());
  return tasks;
}
