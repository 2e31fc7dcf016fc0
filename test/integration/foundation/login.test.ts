import t from 'tap';
import { addAccount, buildTestApp, TEST_PASSWORD } from '../../support/app.js';

const LOGIN = '/api/v1/auth/login';

t.test('failed logins do not reveal whether the account exists', async (t) => {
  const { app, pool } = await buildTestApp(t);
  await addAccount(pool, 'dora', [{ role: 'researcher' }]);
  const wrongPassword = await app.inject({
    method: 'POST',
    url: LOGIN,
    payload: { username: 'dora', password: 'nope' },
  });
  const noAccount = await app.inject({
    method: 'POST',
    url: LOGIN,
    payload: { username: 'nobody', password: 'nope' },
  });
  t.equal(wrongPassword.statusCode, 401);
  t.equal(noAccount.statusCode, 401);
  t.same(wrongPassword.json(), noAccount.json(), 'identical bodies');
});

t.test('login is rate limited per account, and a disabled account cannot log in', async (t) => {
  const { app, pool } = await buildTestApp(t, { 'auth.loginMaxFailures': 3 });
  await addAccount(pool, 'eve', [{ role: 'researcher' }]);
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({
      method: 'POST',
      url: LOGIN,
      payload: { username: 'eve', password: `guess-${i}` },
    });
    t.equal(res.statusCode, 401, `guess ${i} refused`);
  }
  const blocked = await app.inject({
    method: 'POST',
    url: LOGIN,
    payload: { username: 'eve', password: TEST_PASSWORD },
  });
  t.equal(blocked.statusCode, 429, 'even the right password waits once the limit is reached');
  t.ok(Number(blocked.headers['retry-after']) > 0, 'Retry-After says how long');
  t.equal(blocked.json().error, 'too_many_requests');

  await addAccount(pool, 'frank', [{ role: 'researcher' }]);
  await pool.query("UPDATE accounts SET disabled_at = now() WHERE username = 'frank'");
  const disabled = await app.inject({
    method: 'POST',
    url: LOGIN,
    payload: { username: 'frank', password: TEST_PASSWORD },
  });
  t.equal(disabled.statusCode, 401);
});

t.test(
  'refresh cookie: httpOnly, SameSite=Strict, rotated on use, replay refused, logout ends it',
  async (t) => {
    const { app, pool } = await buildTestApp(t);
    await addAccount(pool, 'gus', [{ role: 'reviewer' }]);
    const res = await app.inject({
      method: 'POST',
      url: LOGIN,
      payload: { username: 'gus', password: TEST_PASSWORD },
    });
    const cookie = res.cookies.find((c) => c.name === 'klarsyn_refresh');
    t.ok(cookie, 'a refresh cookie is set');
    t.equal(cookie?.httpOnly, true);
    t.equal(cookie?.sameSite, 'Strict');
    const first = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: { klarsyn_refresh: cookie?.value as string },
    });
    t.equal(first.statusCode, 200);
    t.ok(first.json().accessToken);
    const rotated = first.cookies.find((c) => c.name === 'klarsyn_refresh');
    t.not(rotated?.value, cookie?.value, 'the cookie is rotated');
    const replay = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: { klarsyn_refresh: cookie?.value as string },
    });
    t.equal(replay.statusCode, 401, 'a spent refresh token is refused');
    await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { klarsyn_refresh: rotated?.value as string },
    });
    const after = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: { klarsyn_refresh: rotated?.value as string },
    });
    t.equal(after.statusCode, 401, 'logout revokes the session');
  },
);
