import t from 'tap';
import {
  job,
  limitRange,
  namespace,
  networkPolicies,
  pod,
  storageSecret,
} from '../../../control-plane/src/workspaces/kubernetes/manifests.js';
import { kubeSettings, workspaceSpec } from '../../support/workspace-spec.js';

const settings = kubeSettings();
const spec = (template: string, script: string | null = null) => workspaceSpec(template, { script });

t.test('invariant 6: every workload the driver builds is restricted, tokenless and bounded', async (t) => {
  const workloads = {
    jupyter: pod(settings, spec('jupyter'), 'img').spec,
    rstudio: pod(settings, spec('rstudio'), 'img').spec,
    batch: job(settings, spec('batch', '#!/bin/sh\n'), 'img').spec?.template.spec,
  };
  for (const [name, podSpec] of Object.entries(workloads)) {
    const container = podSpec?.containers[0];
    t.equal(podSpec?.automountServiceAccountToken, false, `${name}: no API token`);
    t.equal(podSpec?.enableServiceLinks, false, `${name}: no service discovery variables`);
    t.notOk(podSpec?.hostNetwork || podSpec?.hostPID || podSpec?.hostIPC, `${name}: no host namespaces`);
    t.match(
      podSpec?.securityContext,
      { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      name,
    );
    t.match(
      container?.securityContext,
      {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
      name,
    );
    t.same(container?.resources?.requests, container?.resources?.limits, `${name}: guaranteed resources`);
    t.ok(
      podSpec?.volumes?.every((v) => v.emptyDir || v.secret || v.configMap),
      `${name}: only emptyDir, secret and configMap volumes`,
    );
    t.ok(
      podSpec?.volumes?.filter((v) => v.emptyDir).every((v) => v.emptyDir?.sizeLimit === '10Gi'),
      `${name}: bounded scratch`,
    );
  }
  const batch = job(settings, spec('batch', '#!/bin/sh\n'), 'img').spec;
  t.equal(batch?.backoffLimit, 0, 'a batch run is one attempt');
  t.equal(batch?.activeDeadlineSeconds, 240 * 60, 'bounded by the template');
  t.equal(batch?.template.spec?.restartPolicy, 'Never');
});

t.test('optional runtime class and node binding come from configuration', async (t) => {
  t.notOk(pod(settings, spec('jupyter'), 'img').spec?.runtimeClassName);
  const gvisor = pod(
    { ...settings, runtimeClassName: 'gvisor', nodeName: 'n1' },
    spec('jupyter'),
    'img',
  ).spec;
  t.equal(gvisor?.runtimeClassName, 'gvisor');
  t.equal(gvisor?.nodeName, 'n1');
});

t.test('the namespace pins Pod Security restricted to a version', async (t) => {
  t.match(namespace({ ...settings, podSecurityVersion: 'v1.35' }, spec('jupyter')).metadata?.labels, {
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'v1.35',
    'klarsyn.dk/installation': 'klarsyn',
  });
});

t.test(
  'invariant 6: network policy denies all but the proxy and, when configured, the object store',
  async (t) => {
    const without = networkPolicies(settings, spec('jupyter'));
    t.same(
      without.map((p) => p.metadata?.name),
      ['default-deny', 'allow-proxy', 'allow-outbox-service'],
    );
    const withStore = networkPolicies(
      { ...settings, objectStoreCidr: '10.0.0.5/32', objectStorePort: 9000 },
      spec('rstudio'),
    );
    t.match(withStore[2]?.spec?.egress, [{ ports: [{ port: 8443 }] }], 'the outbox service');
    t.match(withStore[3]?.spec?.egress, [
      { to: [{ ipBlock: { cidr: '10.0.0.5/32' } }], ports: [{ port: 9000 }] },
    ]);
    t.match(withStore[1]?.spec?.ingress, [{ ports: [{ port: 8787 }] }], 'RStudio’s port for RStudio');
  },
);

t.test('limits and credentials', async (t) => {
  t.match(limitRange(settings, spec('jupyter')).spec?.limits?.[0], {
    _default: { cpu: '2', memory: '8Gi' },
    max: { cpu: '2', memory: '8Gi', 'ephemeral-storage': '10Gi' },
  });
  const secret = storageSecret(settings, spec('jupyter'), {
    endpoint: 'https://s3.example',
    region: 'eu-north-1',
    bucket: 'klarsyn',
    accessKey: 'AK',
    secretKey: 'SK',
    sessionToken: 'ST',
    expiresAt: new Date('2030-01-01T00:00:00Z'),
  });
  t.match(secret.stringData?.credentials, /aws_session_token = ST/);
  t.match(secret.stringData?.config, /endpoint_url = https:\/\/s3\.example/);
  t.equal(secret.metadata?.annotations?.['klarsyn.dk/expires-at'], '2030-01-01T00:00:00.000Z');
});
