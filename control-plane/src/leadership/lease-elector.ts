import {
  ApiException,
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
  V1MicroTime,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ListenedLeadership } from './leadership.js';

export interface LeaseElectorOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  leaseName: string;
  identity: string;
  /** How long followers honour a lease that is not renewed (written into the Lease). */
  leaseDurationMs: number;
  /** The leader steps down when it could not renew for this long; below leaseDurationMs. */
  renewDeadlineMs: number;
  /** Pause between attempts to acquire or renew; below renewDeadlineMs. */
  retryPeriodMs: number;
  logger: Logger;
}

type Attempt = 'leader' | 'follower';

/** A lease's holder and renew time as last read, and when (local clock) they last changed. */
interface Observed {
  holder: string;
  renewTime: string;
  since: number;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, the algorithm of client-go's leaderelection:
 * every write is a replace conditional on the resourceVersion just read (optimistic concurrency),
 * so of two candidates only one wins; a lease counts as expired when its holder and renew time have
 * not changed for leaseDuration on *our* clock (no trust in the other replica's clock); the leader
 * renews every retryPeriod and steps down if renewing failed for renewDeadline, which is shorter
 * than leaseDuration, so it has stopped before anyone else may take over. On stop it releases the
 * lease (empty holder) so the successor takes over at once.
 */
export class LeaseElector extends ListenedLeadership {
  readonly identity: string;
  private readonly api: CoordinationV1Api;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private observed: Observed | undefined;
  private lastRenewed = 0;

  constructor(private readonly options: LeaseElectorOptions) {
    super();
    if (
      !(options.retryPeriodMs < options.renewDeadlineMs && options.renewDeadlineMs < options.leaseDurationMs)
    ) {
      throw new RangeError('leader election needs retryPeriod < renewDeadline < leaseDuration');
    }
    this.identity = options.identity;
    this.api = options.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.leading) {
      await this.setLeading(false);
      await this.release().catch((err) =>
        this.options.logger.warn(
          { err, lease: this.options.leaseName },
          'could not release the leader lease',
        ),
      );
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let outcome: Attempt | 'failed';
      try {
        outcome = await this.tryAcquireOrRenew();
      } catch (err) {
        // Conflicts (another candidate wrote first) and API server hiccups alike: try again.
        if (!(err instanceof ApiException && err.code === 409)) {
          this.options.logger.warn({ err, lease: this.options.leaseName }, 'leader lease attempt failed');
        }
        outcome = 'failed';
      }
      if (!this.running) break;
      if (outcome === 'leader') {
        this.lastRenewed = Date.now();
        if (!this.leading) await this.setLeading(true);
      } else if (this.leading) {
        // Someone else holds it, or renewing failed for too long: stop before the lease can expire.
        const tooLong = Date.now() - this.lastRenewed >= this.options.renewDeadlineMs;
        if (outcome === 'follower' || tooLong) await this.setLeading(false);
      }
      // Candidates spread their attempts a little so they do not collide every round.
      const jitter = this.leading ? 1 : 1 + Math.random() * 0.2;
      await this.sleep(this.options.retryPeriodMs * jitter);
    }
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, leaseName: name, identity } = this.options;
    const now = Date.now();
    const durationSeconds = Math.ceil(this.options.leaseDurationMs / 1000);
    const lease = await this.read();
    if (!lease) {
      await this.api.createNamespacedLease({
        namespace,
        body: {
          metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'klarsyn' } },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: durationSeconds,
            acquireTime: new V1MicroTime(now),
            renewTime: new V1MicroTime(now),
            leaseTransitions: 0,
          },
        },
      });
      return 'leader';
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewTime = String(spec.renewTime ?? '');
    if (!this.observed || this.observed.holder !== holder || this.observed.renewTime !== renewTime) {
      this.observed = { holder, renewTime, since: now };
    }
    const honouredMs = (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== '' && holder !== identity && now < this.observed.since + honouredMs) return 'follower';

    const mine = holder === identity;
    await this.api.replaceNamespacedLease({
      namespace,
      name,
      // metadata carries the resourceVersion we read: a write by anyone since then fails with 409.
      body: {
        ...lease,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: mine && spec.acquireTime ? spec.acquireTime : new V1MicroTime(now),
          renewTime: new V1MicroTime(now),
          leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
        },
      },
    });
    if (!mine) {
      this.options.logger.info(
        { lease: name, identity, previous: holder || undefined },
        'acquired the leader lease',
      );
    }
    return 'leader';
  }

  /** Gives the lease up if we still hold it: empty holder, shortest duration. */
  private async release(): Promise<void> {
    const lease = await this.read();
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const now = new V1MicroTime(Date.now());
    await this.api.replaceNamespacedLease({
      namespace: this.options.namespace,
      name: this.options.leaseName,
      body: {
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
        },
      },
    });
    this.options.logger.info(
      { lease: this.options.leaseName, identity: this.identity },
      'released the leader lease',
    );
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({
        namespace: this.options.namespace,
        name: this.options.leaseName,
      });
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return undefined;
      throw err;
    }
  }

  private async setLeading(leading: boolean): Promise<void> {
    this.leading = leading;
    const fields = { lease: this.options.leaseName, identity: this.identity };
    if (leading) this.options.logger.info(fields, 'leading: starting leader-only work');
    else this.options.logger.info(fields, 'no longer leading: stopping leader-only work');
    for (const listener of this.listeners) {
      try {
        await listener(leading);
      } catch (err) {
        this.options.logger.error({ err }, 'leadership listener failed');
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
