import Fastify from 'fastify';
import t from 'tap';
import accessPlugin from '../../../control-plane/src/auth/access-plugin.js';
import { AccessTokens } from '../../../control-plane/src/auth/access-tokens.js';
import { installErrorHandler } from '../../../control-plane/src/http/error-handler.js';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';

// Invariant 5 (separation of duties) and the default-deny rule: every route × every role,
// anonymous included; only the declared roles get through.
const ROLES = ['anonymous', 'researcher', 'steward', 'reviewer', 'admin'] as const;
type Caller = (typeof ROLES)[number];
const ALL: Caller[] = [...ROLES];
const LOGGED_IN: Caller[] = ['researcher', 'steward', 'reviewer', 'admin'];

/** The expected matrix. A route missing here fails the test, so new routes must declare their row. */
const EXPECTED: Record<string, Caller[]> = {
  'GET /healthz': ALL,
  'GET /readyz': ALL,
  'GET /metrics': ALL,
  'GET /openapi.json': ALL,
  'GET /.well-known/jwks.json': ALL,
  'POST /api/v1/auth/login': ALL,
  'POST /api/v1/auth/refresh': ALL,
  'POST /api/v1/auth/logout': ALL,
  'GET /api/v1/auth/me': LOGGED_IN,
  'GET /api/v1/auth/tokens': LOGGED_IN,
  'POST /api/v1/auth/tokens': LOGGED_IN,
  'DELETE /api/v1/auth/tokens/{id}': LOGGED_IN,
  'GET /api/v1/accounts/': ['admin'],
  'POST /api/v1/accounts/': ['admin'],
  'PATCH /api/v1/accounts/{id}': ['admin'],
  'GET /api/v1/catalog/authorities': ALL,
  'GET /api/v1/catalog/sources': ALL,
  'GET /api/v1/catalog/sources/{id}': ALL,
  'PUT /api/v1/catalog/sources/{id}': ['steward', 'admin'],
  'POST /api/v1/projects/': ['researcher'],
  'GET /api/v1/projects/': LOGGED_IN,
  'GET /api/v1/projects/{id}': LOGGED_IN,
  'PUT /api/v1/projects/{id}': ['researcher'],
  'POST /api/v1/projects/{id}/submit': ['researcher'],
  'POST /api/v1/projects/{id}/withdraw': ['researcher'],
  'POST /api/v1/projects/{id}/decisions': ['steward'],
  'GET /api/v1/register/projects': ALL,
  'GET /api/v1/register/projects/{id}': ALL,
  'GET /api/v1/register/projects/{id}/activity': ALL,
  'GET /api/v1/workspace-templates': LOGGED_IN,
  'GET /api/v1/output-profiles': LOGGED_IN,
  'POST /api/v1/projects/{id}/extracts': ['researcher'],
  'GET /api/v1/projects/{id}/extracts': ['researcher', 'admin'],
  'GET /api/v1/projects/{id}/extracts/{version}': ['researcher', 'admin'],
  'POST /api/v1/projects/{id}/workspaces': ['researcher'],
  'GET /api/v1/projects/{id}/workspaces': ['researcher', 'admin'],
  'GET /api/v1/workspaces/{id}': ['researcher', 'admin'],
  'GET /api/v1/workspaces/{id}/outbox': ['researcher', 'admin'],
  'DELETE /api/v1/workspaces/{id}': ['researcher', 'admin'],
  'POST /api/v1/workspaces/{id}/stop': ['researcher', 'admin'],
  'POST /api/v1/workspaces/{id}/restart': ['researcher'],
  'POST /api/v1/workspaces/{id}/connect': ['researcher'],
  'POST /api/v1/projects/{id}/release-requests': ['researcher'],
  'GET /api/v1/projects/{id}/release-requests': ['researcher', 'reviewer', 'admin'],
  'GET /api/v1/release-requests/queue': ['reviewer'],
  'GET /api/v1/release-requests/{id}': ['researcher', 'reviewer', 'admin'],
  'PATCH /api/v1/release-requests/{id}': ['researcher'],
  'PUT /api/v1/release-requests/{id}/files': ['researcher'],
  'DELETE /api/v1/release-requests/{id}/files/{fileId}': ['researcher'],
  'GET /api/v1/release-requests/{id}/files/{fileId}': ['researcher'],
  'GET /api/v1/release-requests/{id}/files/{fileId}/preview': ['researcher', 'reviewer', 'admin'],
  'POST /api/v1/release-requests/{id}/submit': ['researcher'],
  'POST /api/v1/release-requests/{id}/withdraw': ['researcher'],
  'POST /api/v1/release-requests/{id}/votes': ['reviewer'],
  'POST /api/v1/release-requests/{id}/return': ['reviewer'],
  'POST /api/v1/release-requests/{id}/reject': ['reviewer'],
  'POST /api/v1/release-requests/{id}/approve': ['reviewer'],
  'POST /api/v1/release-requests/{id}/release': ['reviewer'],
  // The workspace proxy: a browser session cookie of a project member, checked by the handler.
  'GET /workspaces/{id}/{*}': ALL,
  'POST /workspaces/{id}/{*}': ALL,
  'PUT /workspaces/{id}/{*}': ALL,
  'PATCH /workspaces/{id}/{*}': ALL,
  'DELETE /workspaces/{id}/{*}': ALL,
  'GET /api/v1/log/checkpoint': ALL,
  'GET /api/v1/log/key': ALL,
  'GET /api/v1/log/checkpoints/{size}': ALL,
  'GET /api/v1/log/entries': ALL,
  'GET /api/v1/log/entries/{index}': ALL,
  'GET /api/v1/log/proofs/consistency': ALL,
  'GET /api/v1/log/tile/{*}': ALL,
  'GET /assets/{*}': ALL,
  'GET /{*}': ALL,
};

/** Routes whose handler itself authenticates (by cookie), so an anonymous call that reaches it may get 401. */
const SELF_AUTHENTICATING = new Set([
  'POST /api/v1/auth/refresh',
  ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => `${method} /workspaces/{id}/{*}`),
]);

t.test('every route admits exactly its declared roles', async (t) => {
  const { app, pool } = await buildTestApp(t);
  await addAccount(pool, 'm-researcher', [{ role: 'researcher' }]);
  await addAccount(pool, 'm-steward', [{ role: 'steward', authority: 'SDS' }]);
  await addAccount(pool, 'm-reviewer', [{ role: 'reviewer' }]);
  await addAccount(pool, 'm-admin', [{ role: 'admin' }]);
  const tokens: Record<Caller, string | undefined> = {
    anonymous: undefined,
    researcher: await login(app, 'm-researcher'),
    steward: await login(app, 'm-steward'),
    reviewer: await login(app, 'm-reviewer'),
    admin: await login(app, 'm-admin'),
  };

  const doc = (await app.inject('/openapi.json')).json() as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
  );
  t.same(routes.sort(), Object.keys(EXPECTED).sort(), 'the matrix names every route in the API');

  for (const route of routes) {
    const [method, path] = route.split(' ') as [string, string];
    const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
    for (const caller of ROLES) {
      const token = tokens[caller];
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: token ? bearer(token) : {},
        ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }),
      });
      const allowed = EXPECTED[route]?.includes(caller);
      const denied = res.statusCode === 403 || (res.statusCode === 401 && !SELF_AUTHENTICATING.has(route));
      if (allowed) t.notOk(denied, `${caller} may call ${route} (got ${res.statusCode})`);
      else t.equal(res.statusCode, caller === 'anonymous' ? 401 : 403, `${caller} is refused ${route}`);
    }
  }
});

t.test(
  'a route that declares no access rule is refused to everyone, admins included (default deny)',
  async (t) => {
    const { pool, config, signingKeys } = await buildTestApp(t);
    const accessTokens = new AccessTokens(signingKeys, config.auth);
    const app = Fastify();
    installErrorHandler(app);
    await app.register(accessPlugin, { pool, accessTokens, externalIssuer: undefined });
    app.get('/undeclared', async () => ({ secret: true }));
    app.get('/declared', { config: { access: ['admin'] } }, async () => ({ ok: true }));
    t.teardown(() => app.close());
    const admin = await accessTokens.issue({
      accountId: '00000000-0000-4000-8000-000000000001',
      username: 'root',
      roles: ['admin', 'researcher', 'steward', 'reviewer'],
      authorities: ['SDS'],
      via: 'password',
    });
    t.equal((await app.inject({ url: '/declared', headers: bearer(admin.token) })).statusCode, 200);
    const res = await app.inject({ url: '/undeclared', headers: bearer(admin.token) });
    t.equal(res.statusCode, 403);
    t.notMatch(res.body, /secret/);
    t.equal((await app.inject('/undeclared')).statusCode, 401);
    t.equal((await app.inject('/no-such-route')).statusCode, 404, 'unknown URLs are 404, not 401');
  },
);
