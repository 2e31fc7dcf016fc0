/**
 * Time from a launch request to a Running workspace, on the Kubernetes driver against the real
 * kube-apiserver with kwok (infra/dev), with the control plane's least-privilege identity and real
 * MinIO STS credentials; and the Kubernetes API requests one launch costs (counted at the client).
 * Env: BENCH_LAUNCHES (default 20). Needs the dev services (make dev-up, or KLARSYN_DEV_STATE).
 * Prints {"launch_p50_s", "launch_p95_s", "api_requests_per_launch"} on its last line.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Test } from 'tap';
import { buildKubeTestApp } from '../integration/workspaces/kube-support.js';
import { approvedProjectWithExtract, launch, seed } from '../integration/workspaces/support.js';
import { stopTestCluster } from '../support/postgres.js';

const launches = Number(process.env.BENCH_LAUNCHES ?? 20);

// Every request any KubeConfig sends authenticates through one of these two methods.
let apiRequests = 0;
for (const method of ['applySecurityAuthentication', 'applyToFetchOptions'] as const) {
  const original = KubeConfig.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  (KubeConfig.prototype as unknown as Record<string, unknown>)[method] = function (
    this: KubeConfig,
    ...args: unknown[]
  ) {
    apiRequests++;
    return original.apply(this, args);
  };
}

const teardown: (() => unknown)[] = [];
const t = { teardown: (fn: () => unknown) => teardown.push(fn) } as unknown as Test;
const ctx = await buildKubeTestApp(t, { 'workspaces.maxActivePerProject': launches + 1 });
const { app, pool, store } = ctx;
const people = await seed(ctx, store);
const projectId = await approvedProjectWithExtract(app, people.anna);

const seconds: number[] = [];
const requests: number[] = [];
for (let i = 0; i < launches; i++) {
  await app.workspaces.reconciler.settle();
  const before = apiRequests;
  const started = Date.now();
  const res = await launch(app, people.anna, projectId, { template: 'jupyter' });
  if (res.statusCode !== 202) throw new Error(`launch ${i} refused: ${res.body}`);
  await app.workspaces.reconciler.settle();
  const { rows } = await pool.query(
    'SELECT status, reason, status_changed_at AS at FROM workspaces WHERE id = $1',
    [res.json().id],
  );
  if (rows[0].status !== 'running') throw new Error(`launch ${i} ended ${rows[0].status}: ${rows[0].reason}`);
  seconds.push((new Date(rows[0].at).getTime() - started) / 1000);
  requests.push(apiRequests - before);
  process.stderr.write(`launch ${i + 1}: ${seconds.at(-1)?.toFixed(2)} s, ${requests.at(-1)} API requests\n`);
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
};
for (const fn of teardown.reverse()) await fn();
await stopTestCluster();
console.log(
  JSON.stringify({
    launch_p50_s: Number(quantile(seconds, 0.5).toFixed(2)),
    launch_p95_s: Number(quantile(seconds, 0.95).toFixed(2)),
    api_requests_per_launch: Number((requests.reduce((a, b) => a + b, 0) / requests.length).toFixed(1)),
  }),
);
