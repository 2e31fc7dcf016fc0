// The inputs of the workspace driver tests: a spec as the control plane hands it to a runtime, and
// the Kubernetes driver's settings as it derives them from the default configuration.
import { loadConfig } from '../../control-plane/src/config/load.js';
import type { KubeSettings } from '../../control-plane/src/workspaces/kubernetes/manifests.js';
import type { WorkspaceSpec } from '../../control-plane/src/workspaces/runtime.js';
import {
  loadTemplates,
  shippedTemplatesDir,
  templateOf,
} from '../../control-plane/src/workspaces/templates.js';

const templates = loadTemplates(shippedTemplatesDir());

/** A workspace of a shipped template; `fields` replace the defaults, and the base path follows the id. */
export function workspaceSpec(template: string, fields: Partial<WorkspaceSpec> = {}): WorkspaceSpec {
  const id = fields.id ?? '11111111-1111-4111-8111-111111111111';
  return {
    id,
    projectId: '22222222-2222-4222-8222-222222222222',
    template: templateOf(templates, template),
    extractVersion: 1,
    script: null,
    appToken: 'secret-token',
    basePath: `/workspaces/${id}/`,
    notAfter: new Date('2031-12-31T00:00:00Z'),
    identity: {
      certificatePem: 'CERT',
      privateKeyPem: 'KEY',
      caPem: 'CA',
      serial: '01',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    },
    ...fields,
  };
}

/** The Kubernetes driver's settings under the default configuration, with an outbox service on 8443. */
export function kubeSettings(): KubeSettings {
  const config = loadConfig({ env: {}, overrides: { dataDir: '/nonexistent' } });
  return {
    ...config.workspaces.kubernetes,
    bucket: 'klarsyn',
    outbox: { url: 'https://klarsyn-outbox:8443', port: 8443 },
  };
}
