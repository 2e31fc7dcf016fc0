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
  database: { url?: string; migrationUrl?: string; poolSize: number; embeddedPort: number };
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
}
