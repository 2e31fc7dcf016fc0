import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadConfig } from '../../../control-plane/src/config/load.js';

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'klarsyn-config-')), 'klarsyn.yaml');
  writeFileSync(path, text);
  return path;
};

t.test('defaults give the embedded mode', async (t) => {
  const config = loadConfig({ env: { HOME: '/home/u' } });
  t.equal(config.database.url, undefined, 'no DATABASE_URL: embedded PostgreSQL');
  t.equal(config.http.port, 8080);
  t.equal(config.auth.accessTokenTtlSeconds, 600);
  t.ok(config.dataDir.endsWith('klarsyn'));
});

t.test('precedence: file < environment < flags, with types coerced from strings', async (t) => {
  const path = file('http:\n  port: 9000\n  host: 0.0.0.0\nlog:\n  level: debug\n');
  const config = loadConfig({
    file: path,
    env: {
      KLARSYN_HTTP__PORT: '9100',
      KLARSYN_AUTH__ACCESS_TOKEN_TTL_SECONDS: '120',
      DATABASE_URL: 'postgres://u@h/db',
    },
    overrides: { 'log.level': 'warn' },
  });
  t.equal(config.http.port, 9100, 'env beats file');
  t.equal(config.http.host, '0.0.0.0', 'file beats default');
  t.equal(config.auth.accessTokenTtlSeconds, 120, 'env names map to camelCase keys');
  t.equal(config.log.level, 'warn', 'flags beat everything');
  t.equal(config.database.url, 'postgres://u@h/db');
  t.equal(loadConfig({ env: { KLARSYN_CONFIG: path } }).http.port, 9000, 'KLARSYN_CONFIG names the file');
});

t.test('unknown or invalid keys are clear errors, never ignored', async (t) => {
  t.throws(() => loadConfig({ file: file('htp:\n  port: 1\n'), env: {} }), {
    code: 'config_invalid',
    message: /unknown key htp/,
  });
  t.throws(() => loadConfig({ file: file('http:\n  prot: 1\n'), env: {} }), {
    message: /unknown key http\.prot/,
  });
  t.throws(() => loadConfig({ env: { KLARSYN_HTTP__PROT: '1' } }), {
    message: /unknown configuration key from KLARSYN_HTTP__PROT/,
  });
  t.throws(() => loadConfig({ env: { KLARSYN_HTTP__PORT: 'eighty' } }), {
    message: /http\.port must be integer/,
  });
  t.doesNotThrow(
    () => loadConfig({ env: { KLARSYN_DEV_PORT_OFFSET: '100', KLARSYN_MASTER_KEY: 'x' } }),
    'KLARSYN_ variables of other tools are not configuration',
  );
  t.throws(() => loadConfig({ env: { DATABASE_URL: 'mysql://x' } }), { message: /database\.url must match/ });
  t.throws(() => loadConfig({ file: file('- a\n- b\n'), env: {} }), { message: /must hold a mapping/ });
  t.throws(() => loadConfig({ file: file('http: [\n'), env: {} }), { message: /not valid YAML/ });
  t.throws(() => loadConfig({ file: '/nonexistent/klarsyn.yaml', env: {} }), { message: /cannot read/ });
  t.throws(() => loadConfig({ env: {}, overrides: { 'auth.oidc.roleMap.x': 'superuser' } }), {
    code: 'config_invalid',
  });
});
