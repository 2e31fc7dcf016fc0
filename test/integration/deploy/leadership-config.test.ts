// Leadership without a cluster: configuration and defaults (no API call is made), and the leader
// tasks' lifecycle on the sole leader of the embedded mode.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { loadConfig } from '../../../control-plane/src/config/load.js';
import { isKlarsynError } from '../../../control-plane/src/errors.js';
import { LeaderTasks } from '../../../control-plane/src/leadership/leader-tasks.js';
import { SoleLeader } from '../../../control-plane/src/leadership/leadership.js';
import { LeaseElector } from '../../../control-plane/src/leadership/lease-elector.js';
import { openLeadership } from '../../../control-plane/src/leadership/open-leadership.js';
import { createLogger } from '../../../control-plane/src/logger.js';

const logger = createLogger('silent');

function kubeconfigFile(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-leadership-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'kubeconfig');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'u', user: { token: 'x' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'c',
    }),
  );
  return path;
}

t.test('configuration: off by default, defaults from the pod, timings checked', async (t) => {
  const off = loadConfig({ env: {} });
  t.same(off.leaderElection, {
    enabled: false,
    leaseName: 'klarsyn-control-plane',
    leaseDurationSeconds: 15,
    renewDeadlineSeconds: 10,
    retryPeriodSeconds: 2,
  });
  t.ok(openLeadership(off, logger) instanceof SoleLeader, 'embedded: the sole leader');

  const kubeconfig = kubeconfigFile(t);
  const on = loadConfig({
    env: { KLARSYN_LEADER_ELECTION__ENABLED: 'true', KLARSYN_LEADER_ELECTION__KUBECONFIG: kubeconfig },
  });
  const elector = openLeadership(on, logger, {
    POD_NAME: 'klarsyn-control-plane-7d9f-abcde',
    POD_NAMESPACE: 'kl',
  });
  t.ok(elector instanceof LeaseElector);
  t.equal(elector.identity, 'klarsyn-control-plane-7d9f-abcde', 'identity from POD_NAME');
  const unnamed = openLeadership(on, logger, {});
  const other = openLeadership(on, logger, {});
  t.not(unnamed.identity, other.identity, 'without a pod name, identities are still unique');

  const bad = loadConfig({
    env: {},
    overrides: {
      'leaderElection.enabled': true,
      'leaderElection.kubeconfig': kubeconfig,
      'leaderElection.renewDeadlineSeconds': 20,
    },
  });
  const error = (() => {
    try {
      openLeadership(bad, logger);
    } catch (e) {
      return e;
    }
  })();
  t.ok(
    isKlarsynError(error) && error.code === 'config_invalid',
    'renew deadline beyond the lease is refused',
  );
  t.throws(
    () => loadConfig({ env: {}, overrides: { 'leaderElection.leaseName': 'Not A Name' } }),
    'lease names are DNS names',
  );
});

t.test('leader tasks run only while leading and after open, never after close', async (t) => {
  const leader = new SoleLeader();
  const tasks = new LeaderTasks(leader, logger);
  const events: string[] = [];
  const task = (name: string) => ({
    name,
    start: () => {
      events.push(`start ${name}`);
    },
    stop: async () => {
      events.push(`stop ${name}`);
    },
  });
  tasks.add(task('a'));
  await leader.start();
  t.same(tasks.running(), [], 'not before the app is ready');
  await tasks.open();
  t.same(tasks.running(), ['a']);
  tasks.add(task('b'));
  await tasks.open();
  t.same(tasks.running(), ['a', 'b'], 'a task added later starts at once when leading');
  tasks.add({
    name: 'broken',
    start: () => {
      throw new Error('no');
    },
    stop: async () => {},
  });
  await tasks.open();
  t.same(tasks.running(), ['a', 'b'], 'a task that fails to start is left out, the others run');
  await leader.stop();
  t.same(tasks.running(), [], 'losing leadership stops them');
  await leader.start();
  t.same(tasks.running(), ['a', 'b']);
  await tasks.close();
  await leader.start();
  t.same(tasks.running(), [], 'closed for good');
  t.same(events, ['start a', 'start b', 'stop a', 'stop b', 'start a', 'start b', 'stop a', 'stop b']);
});
