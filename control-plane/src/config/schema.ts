/** The configuration's JSON schema is the single source of its keys, defaults and documentation. */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataDir: { type: 'string', minLength: 1, description: 'Where the embedded database and keys live' },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        bodyLimit: { type: 'integer', minimum: 1024, maximum: 104857600, default: 1048576 },
        secureCookies: {
          type: 'boolean',
          default: false,
          description: 'Mark cookies Secure; turn on behind TLS',
        },
        trustProxy: { type: 'boolean', default: false },
      },
    },
    database: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: { type: 'string', pattern: '^postgres(ql)?://', description: 'Runtime connection (app role)' },
        migrationUrl: {
          type: 'string',
          pattern: '^postgres(ql)?://',
          description: 'Owner connection used for migrations; defaults to url',
        },
        migrateOnStart: {
          type: 'boolean',
          default: true,
          description:
            'Apply pending migrations at start; off where a migration Job applies them (the Kubernetes bundle): the server then waits for the schema its code needs',
        },
        poolSize: { type: 'integer', minimum: 1, maximum: 200, default: 10 },
        embeddedPort: { type: 'integer', minimum: 1024, maximum: 65535, default: 54329 },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        issuer: { type: 'string', default: 'klarsyn' },
        audience: { type: 'string', default: 'klarsyn-api' },
        accessTokenTtlSeconds: { type: 'integer', minimum: 30, maximum: 3600, default: 600 },
        refreshTokenTtlSeconds: { type: 'integer', minimum: 300, maximum: 2592000, default: 43200 },
        signingKeyDir: {
          type: 'string',
          description: 'Token signing keys (JWK files); default dataDir/keys',
        },
        loginMaxFailures: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
        loginWindowSeconds: { type: 'integer', minimum: 1, maximum: 86400, default: 900 },
        oidc: {
          type: 'object',
          additionalProperties: false,
          required: ['issuer', 'audience'],
          properties: {
            issuer: { type: 'string', minLength: 1 },
            jwksUrl: { type: 'string', pattern: '^https?://' },
            audience: { type: 'string', minLength: 1 },
            roleClaim: { type: 'string', default: 'roles' },
            authorityClaim: { type: 'string', default: 'authority' },
            roleMap: {
              type: 'object',
              additionalProperties: { enum: ['researcher', 'steward', 'reviewer', 'admin'] },
              default: {},
              description: 'Maps the issuer role names to Klarsyn roles',
            },
          },
        },
      },
    },
    keys: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        masterKeyFile: {
          type: 'string',
          minLength: 1,
          description:
            'Master key-encryption key (hex) wrapping every project key; also KLARSYN_MASTER_KEY. Embedded mode creates dataDir/keys/master.key',
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
      },
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        driver: {
          enum: ['directory', 's3'],
          default: 'directory',
          description: 'Object storage: a directory on disk (embedded) or MinIO / S3',
        },
        root: {
          type: 'string',
          minLength: 1,
          description: 'directory driver: where objects live; default dataDir/objects',
        },
        endpoint: {
          type: 'string',
          pattern: '^https?://[^/]+/?$',
          description: 's3 driver: base URL, e.g. https://minio.example.org:9000 (https means TLS)',
        },
        accessKey: { type: 'string', minLength: 1 },
        secretKey: {
          type: 'string',
          minLength: 1,
          description: 'also signs STS requests for workspace credentials',
        },
        bucket: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', default: 'klarsyn' },
        region: { type: 'string', minLength: 1, default: 'us-east-1' },
      },
      if: { required: ['driver'], properties: { driver: { const: 's3' } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
      then: { required: ['endpoint', 'accessKey', 'secretKey'] },
    },
    leaderElection: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description:
        'Several replicas: periodic writers (log integrator, workspace reconciler, expiry) run on the holder of a Kubernetes Lease',
      properties: {
        enabled: {
          type: 'boolean',
          default: false,
          description: 'Off: this process is the only one and always leads (embedded, single replica)',
        },
        kubeconfig: { type: 'string', minLength: 1, description: 'Default: the in-cluster service account' },
        namespace: {
          type: 'string',
          pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
          description: 'Where the Lease lives; default POD_NAMESPACE, else klarsyn-system',
        },
        leaseName: {
          type: 'string',
          pattern: '^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$',
          default: 'klarsyn-control-plane',
        },
        identity: {
          type: 'string',
          minLength: 1,
          maxLength: 253,
          description: 'This replica in the Lease; default POD_NAME, else hostname and a random suffix',
        },
        leaseDurationSeconds: { type: 'number', minimum: 1, maximum: 300, default: 15 },
        renewDeadlineSeconds: { type: 'number', minimum: 0.2, maximum: 300, default: 10 },
        retryPeriodSeconds: { type: 'number', minimum: 0.1, maximum: 60, default: 2 },
      },
    },
    workspaces: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        runtime: {
          enum: ['local', 'kubernetes'],
          default: 'local',
          description: 'Where workspaces run: a local sandbox (bubblewrap, embedded) or Kubernetes',
        },
        templatesDir: {
          type: 'string',
          minLength: 1,
          description: 'Workspace templates (*.yaml); default the shipped policies/workspaces',
        },
        maxActivePerProject: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
        reconcileIntervalSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 30 },
        provisionTimeoutSeconds: { type: 'integer', minimum: 10, maximum: 3600, default: 600 },
        credentialTtlSeconds: {
          type: 'integer',
          minimum: 900,
          maximum: 43200,
          default: 3600,
          description: 'Lifetime of the STS credentials a workspace gets; renewed before they expire',
        },
        images: {
          type: 'object',
          additionalProperties: { type: 'string', minLength: 1 },
          default: { analysis: 'ghcr.io/klarsyn/workspace-analysis:0.1.0' },
          description: "Image references by the templates' logical image names",
        },
        outbox: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'The mutual-TLS service klarsyn-outbox talks to from inside workspaces',
          properties: {
            caDir: {
              type: 'string',
              minLength: 1,
              description: 'The workspace CA; default dataDir/keys/workspace-ca',
            },
            host: { type: 'string', default: '0.0.0.0', description: 'Kubernetes runtime: listen address' },
            port: {
              type: 'integer',
              minimum: 1,
              maximum: 65535,
              default: 8443,
              description: 'Kubernetes runtime: listen port, also opened in every workspace NetworkPolicy',
            },
            url: {
              type: 'string',
              pattern: '^https://',
              default: 'https://klarsyn-outbox.klarsyn-system.svc:8443',
              description: 'Kubernetes runtime: where workspaces reach the service',
            },
            serverNames: {
              type: 'array',
              items: { type: 'string', minLength: 1 },
              minItems: 1,
              default: ['klarsyn-outbox', 'klarsyn-outbox.klarsyn-system.svc', 'localhost', '127.0.0.1'],
            },
          },
        },
        local: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            bwrap: { type: 'string', minLength: 1, default: 'bwrap', description: 'The bubblewrap binary' },
            toolPaths: {
              type: 'string',
              pattern: '^(/[^:]*)?(:/[^:]*)*$',
              default: '',
              description:
                'Host directories bound read-only into every sandbox, colon-separated like PATH (e.g. a JupyterLab virtualenv)',
            },
          },
        },
        kubernetes: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            kubeconfig: {
              type: 'string',
              minLength: 1,
              description: 'Default: the in-cluster service account',
            },
            namespacePrefix: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,14}-$', default: 'klarsyn-ws-' },
            installation: {
              type: 'string',
              pattern: '^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$',
              default: 'klarsyn',
              description:
                "Names this control plane's workspaces, so installations sharing a cluster leave each other's alone",
            },
            podSecurityVersion: {
              type: 'string',
              pattern: '^v1\\.[0-9]+$',
              default: 'v1.36',
              description: 'Pod Security Standards version pinned on workspace namespaces',
            },
            runtimeClassName: { type: 'string', minLength: 1, description: 'e.g. gvisor' },
            nodeName: {
              type: 'string',
              minLength: 1,
              description: 'Bind workspace pods to this node (clusters without a scheduler, e.g. kwok)',
            },
            managerRole: {
              type: 'string',
              minLength: 1,
              default: 'klarsyn-workspace-manager',
              description: 'ClusterRole bound to the control plane inside each workspace namespace',
            },
            serviceAccount: {
              type: 'object',
              additionalProperties: false,
              required: ['namespace', 'name'],
              description:
                "The control plane's own ServiceAccount (subject of the per-namespace RoleBinding)",
              properties: { namespace: { type: 'string' }, name: { type: 'string' } },
              default: { namespace: 'klarsyn-system', name: 'klarsyn-control-plane' },
            },
            proxy: {
              type: 'object',
              additionalProperties: false,
              required: ['namespace', 'podLabels'],
              description: "Where the control plane's proxy runs: the only ingress workspaces accept",
              properties: {
                namespace: { type: 'string' },
                podLabels: { type: 'object', additionalProperties: { type: 'string' } },
              },
              default: {
                namespace: 'klarsyn-system',
                podLabels: { 'app.kubernetes.io/name': 'klarsyn-control-plane' },
              },
            },
            objectStoreCidr: {
              type: 'string',
              pattern: '^[0-9a-f.:]+/[0-9]{1,3}$',
              description: 'Egress allowed from workspaces to the object store (with objectStorePort)',
            },
            objectStorePort: { type: 'integer', minimum: 1, maximum: 65535, default: 443 },
          },
        },
      },
    },
  },
} as const;

export type Role = 'researcher' | 'steward' | 'reviewer' | 'admin';

export interface OidcConfig {
  issuer: string;
  jwksUrl?: string;
  audience: string;
  roleClaim: string;
  authorityClaim: string;
  roleMap: Record<string, Role>;
}

export interface Config {
  dataDir: string;
  http: { host: string; port: number; bodyLimit: number; secureCookies: boolean; trustProxy: boolean };
  database: {
    url?: string;
    migrationUrl?: string;
    migrateOnStart: boolean;
    poolSize: number;
    embeddedPort: number;
  };
  auth: {
    issuer: string;
    audience: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    signingKeyDir?: string;
    loginMaxFailures: number;
    loginWindowSeconds: number;
    oidc?: OidcConfig;
  };
  keys: { masterKeyFile?: string };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  storage: {
    driver: 'directory' | 's3';
    root?: string;
    endpoint?: string;
    accessKey?: string;
    secretKey?: string;
    bucket: string;
    region: string;
  };
  leaderElection: LeaderElectionConfig;
  workspaces: WorkspacesConfig;
}

export interface LeaderElectionConfig {
  enabled: boolean;
  kubeconfig?: string;
  namespace?: string;
  leaseName: string;
  identity?: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
}

export interface WorkspacesConfig {
  runtime: 'local' | 'kubernetes';
  templatesDir?: string;
  maxActivePerProject: number;
  reconcileIntervalSeconds: number;
  provisionTimeoutSeconds: number;
  credentialTtlSeconds: number;
  images: Record<string, string>;
  outbox: { caDir?: string; host: string; port: number; url: string; serverNames: string[] };
  local: { bwrap: string; toolPaths: string };
  kubernetes: {
    kubeconfig?: string;
    namespacePrefix: string;
    installation: string;
    podSecurityVersion: string;
    runtimeClassName?: string;
    nodeName?: string;
    managerRole: string;
    serviceAccount: { namespace: string; name: string };
    proxy: { namespace: string; podLabels: Record<string, string> };
    objectStoreCidr?: string;
    objectStorePort: number;
  };
}
