// Leader election on a real coordination.k8s.io/v1 Lease (kube-apiserver from infra/dev): one leader
// among candidates, a partitioned leader steps down before its successor takes over, within the
// lease duration, and a stopping leader hands over at once.
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import t from 'tap';
import { LeaseElector } from '../../../control-plane/src/leadership/lease-elector.js';
import { createLogger } from '../../../control-plane/src/logger.js';
import { loadKubeConfig, uniqueName, waitFor } from '../../support/dev-services.js';
import { createNamespace, deleteNamespace } from '../../support/kube.js';
import { cuttableKubeConfig } from './support.js';

const admin = loadKubeConfig();
const core = admin.makeApiClient(CoreV1Api);
const coordination = admin.makeApiClient(CoordinationV1Api);
const logger = createLogger((process.env.KLARSYN_TEST_LOG as 'info' | undefined) ?? 'silent');

const TIMING = { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 500 };

t.test('one leader; a partitioned leader steps down and is replaced within the lease duration', async (t) => {
  const namespace = uniqueName('lease');
  await createNamespace(core, namespace);
  t.teardown(() => deleteNamespace(core, namespace));
  const leaseName = 'klarsyn-control-plane';
  const link = await cuttableKubeConfig(admin);
  t.teardown(() => link.close());

  const transitions: { who: string; leading: boolean; at: number }[] = [];
  const elector = (identity: string, kubeConfig = admin) => {
    const e = new LeaseElector({ kubeConfig, namespace, leaseName, identity, logger, ...TIMING });
    e.onChange((leading) => {
      transitions.push({ who: identity, leading, at: Date.now() });
    });
    return e;
  };
  const a = elector('replica-a', link.kubeConfig);
  const b = elector('replica-b');
  const c = elector('replica-c');
  t.teardown(() => Promise.all([a.stop(), b.stop(), c.stop()]));

  await a.start();
  await waitFor('replica-a to lead', async () => (a.isLeader() ? true : undefined));
  await Promise.all([b.start(), c.start()]);
  // Several rounds of all three trying: the holder renews, the others stay followers.
  const leaders = new Set<number>();
  for (let i = 0; i < 12; i++) {
    leaders.add([a, b, c].filter((e) => e.isLeader()).length);
    await new Promise((r) => setTimeout(r, 250));
  }
  t.same([...leaders], [1], 'exactly one leader at every sample');
  t.ok(a.isLeader(), 'the first holder keeps renewing');
  let lease = await coordination.readNamespacedLease({ namespace, name: leaseName });
  t.equal(lease.spec?.holderIdentity, 'replica-a', 'the Lease names the leader');
  t.equal(lease.spec?.leaseDurationSeconds, 4);

  // Partition the leader from the API server: it can no longer renew.
  const cutAt = Date.now();
  link.cut();
  const successor = await waitFor('a successor', async () => [b, c].find((e) => e.isLeader()), {
    timeoutMs: 20_000,
    intervalMs: 50,
  });
  const tookOverAfter = Date.now() - cutAt;
  t.notOk(a.isLeader(), 'the partitioned leader stepped down');
  const stepDown = transitions.find((x) => x.who === 'replica-a' && !x.leading);
  const takeOver = transitions.find((x) => x.who === successor.identity && x.leading);
  t.ok(stepDown && takeOver && stepDown.at <= takeOver.at, 'it stepped down before the successor took over');
  t.ok(
    tookOverAfter <= TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs * 1.2 + 500,
    `taken over ${tookOverAfter} ms after the partition (lease ${TIMING.leaseDurationMs} ms)`,
  );
  t.equal([a, b, c].filter((e) => e.isLeader()).length, 1, 'still exactly one leader');
  lease = await coordination.readNamespacedLease({ namespace, name: leaseName });
  t.equal(lease.spec?.holderIdentity, successor.identity);
  t.equal(lease.spec?.leaseTransitions, 1, 'one transition recorded');

  // The partitioned replica comes back: it follows, it does not grab the lease back.
  link.restore();
  await new Promise((r) => setTimeout(r, 4 * TIMING.retryPeriodMs));
  t.notOk(a.isLeader(), 'the returning replica follows');
  t.ok(successor.isLeader());

  // Graceful stop gives the lease up: another candidate leads within about one retry period.
  const stoppedAt = Date.now();
  await successor.stop();
  lease = await coordination.readNamespacedLease({ namespace, name: leaseName });
  t.equal(lease.spec?.holderIdentity, '', 'released on stop');
  const next = await waitFor('the next leader', async () => [a, b, c].find((e) => e.isLeader()), {
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  const handover = Date.now() - stoppedAt;
  t.not(next.identity, successor.identity);
  t.ok(handover < TIMING.leaseDurationMs, `handed over in ${handover} ms, without waiting for expiry`);
  t.comment(`partition takeover ${tookOverAfter} ms; graceful handover ${handover} ms`);
});

t.test('candidates racing for a fresh lease: optimistic concurrency lets exactly one win', async (t) => {
  const namespace = uniqueName('lease-race');
  await createNamespace(core, namespace);
  t.teardown(() => deleteNamespace(core, namespace));
  const electors = Array.from(
    { length: 5 },
    (_, i) =>
      new LeaseElector({
        kubeConfig: admin,
        namespace,
        leaseName: 'race',
        identity: `candidate-${i}`,
        logger,
        ...TIMING,
      }),
  );
  t.teardown(() => Promise.all(electors.map((e) => e.stop())));
  await Promise.all(electors.map((e) => e.start()));
  await waitFor('a leader', async () => (electors.some((e) => e.isLeader()) ? true : undefined));
  for (let i = 0; i < 8; i++) {
    t.equal(electors.filter((e) => e.isLeader()).length, 1, `one leader (sample ${i})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const lease = await coordination.readNamespacedLease({ namespace, name: 'race' });
  t.equal(lease.spec?.holderIdentity, electors.find((e) => e.isLeader())?.identity);
});
