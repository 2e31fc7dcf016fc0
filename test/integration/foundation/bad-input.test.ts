import t from 'tap';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';

// Invariant 7: bad input gets a clear 4xx with a reason and changes nothing.
t.test(
  'invariant 7: malformed, oversized and over-specified requests are refused and store nothing',
  async (t) => {
    const { app, pool } = await buildTestApp(t, { 'http.bodyLimit': 4096 });
    await addAccount(pool, 'root-admin', [{ role: 'admin' }]);
    const headers = bearer(await login(app, 'root-admin'));
    const count = async () => Number((await pool.query('SELECT count(*) FROM accounts')).rows[0].count);
    const before = await count();
    const valid = {
      username: 'new-user',
      displayName: 'New',
      password: 'long enough password',
      roles: [{ role: 'researcher' }],
    };

    const cases: {
      name: string;
      payload: string | object;
      contentType?: string;
      status: number;
      error: string;
    }[] = [
      { name: 'malformed JSON', payload: '{"username": "x",', status: 400, error: 'bad_request' },
      {
        name: 'unknown field',
        payload: { ...valid, isSuperuser: true },
        status: 400,
        error: 'validation_failed',
      },
      {
        name: 'unknown field in a role',
        payload: { ...valid, roles: [{ role: 'admin', scope: '*' }] },
        status: 400,
        error: 'validation_failed',
      },
      {
        name: 'unknown role',
        payload: { ...valid, roles: [{ role: 'god' }] },
        status: 400,
        error: 'validation_failed',
      },
      {
        name: 'steward without authority',
        payload: { ...valid, roles: [{ role: 'steward' }] },
        status: 400,
        error: 'validation_failed',
      },
      {
        name: 'short password',
        payload: { ...valid, password: 'short' },
        status: 400,
        error: 'validation_failed',
      },
      {
        name: 'bad username',
        payload: { ...valid, username: 'Robert"); DROP TABLE accounts;--' },
        status: 400,
        error: 'validation_failed',
      },
      {
        name: 'oversized body',
        payload: { ...valid, displayName: 'x'.repeat(10_000) },
        status: 413,
        error: 'payload_too_large',
      },
      {
        name: 'wrong content type',
        payload: 'username=x',
        contentType: 'application/x-www-form-urlencoded',
        status: 415,
        error: 'unsupported_media_type',
      },
    ];
    for (const c of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/accounts/',
        headers: { ...headers, 'content-type': c.contentType ?? 'application/json' },
        payload: typeof c.payload === 'string' ? c.payload : JSON.stringify(c.payload),
      });
      t.equal(res.statusCode, c.status, `${c.name}: status`);
      t.equal(res.json().error, c.error, `${c.name}: error code`);
      t.type(res.json().message, 'string', `${c.name}: a reason`);
    }
    t.equal(await count(), before, 'nothing was stored');

    const ok = await app.inject({ method: 'POST', url: '/api/v1/accounts/', headers, payload: valid });
    t.equal(ok.statusCode, 201, 'the valid request still works');
    const dup = await app.inject({ method: 'POST', url: '/api/v1/accounts/', headers, payload: valid });
    t.equal(dup.statusCode, 409);
    t.equal(await count(), before + 1);

    const badId = await app.inject({
      method: 'PATCH',
      url: '/api/v1/accounts/not-a-uuid',
      headers,
      payload: { disabled: true },
    });
    t.equal(badId.statusCode, 400);
    const emptyPatch = await app.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/${ok.json().id}`,
      headers,
      payload: {},
    });
    t.equal(emptyPatch.statusCode, 400);
  },
);

t.test('responses carry a request id and security headers; errors hide internals', async (t) => {
  const { app } = await buildTestApp(t);
  const res = await app.inject('/healthz');
  t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/);
  t.equal(res.headers['x-content-type-options'], 'nosniff');
  t.match(res.headers['content-security-policy'], /default-src 'self'.*script-src 'self'/);
  t.match(res.headers['strict-transport-security'], /max-age=\d+/);
  const missing = await app.inject('/api/v1/nothing');
  t.equal(missing.statusCode, 404);
  t.equal(missing.headers['x-frame-options'], 'DENY', 'errors carry the headers too');
  t.equal(missing.headers['cache-control'], 'no-store', 'no cache keeps an API answer');
  t.match(missing.headers['content-security-policy'], /default-src 'none'/);
  t.same(Object.keys(missing.json()).sort(), ['error', 'message']);
});
