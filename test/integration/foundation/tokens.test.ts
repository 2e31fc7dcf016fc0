import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import t from 'tap';
import { addAccount, bearer, buildTestApp, login } from '../../support/app.js';

const ME = '/api/v1/auth/me';

t.test('access tokens: expiry, tampering, wrong audience or issuer, foreign keys are refused', async (t) => {
  const { app, pool, signingKeys, config } = await buildTestApp(t, { 'auth.accessTokenTtlSeconds': 30 });
  await addAccount(pool, 'alice', [{ role: 'researcher' }]);
  const token = await login(app, 'alice');
  t.equal((await app.inject({ url: ME, headers: bearer(token) })).statusCode, 200, 'a fresh token works');

  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
  const tampered = await app.inject({
    url: '/api/v1/accounts/',
    headers: bearer(`${header}.${forged}.${signature}`),
  });
  t.equal(tampered.statusCode, 401, 'invariant 5: a token whose roles were edited is refused');

  const key = signingKeys.current();
  const sign = (overrides: { iss?: string; aud?: string; exp?: number }) =>
    new SignJWT({ username: 'alice', roles: ['researcher'], authorities: [] })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer(overrides.iss ?? config.auth.issuer)
      .setAudience(overrides.aud ?? config.auth.audience)
      .setIssuedAt()
      .setExpirationTime(overrides.exp ?? Math.floor(Date.now() / 1000) + 60)
      .sign(key.privateKey);
  const expired = await app.inject({
    url: ME,
    headers: bearer(await sign({ exp: Math.floor(Date.now() / 1000) - 5 })),
  });
  t.equal(expired.statusCode, 401);
  t.match(expired.json().message, /expired/);
  const wrongAud = await app.inject({ url: ME, headers: bearer(await sign({ aud: 'someone-else' })) });
  t.equal(wrongAud.statusCode, 401);
  t.match(wrongAud.json().message, /aud/);
  const wrongIss = await app.inject({
    url: ME,
    headers: bearer(await sign({ iss: 'https://evil.example' })),
  });
  t.equal(wrongIss.statusCode, 401);

  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const foreign = await new SignJWT({ username: 'alice', roles: ['admin'], authorities: [] })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
    .setSubject(claims.sub)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setExpirationTime('1m')
    .sign(privateKey);
  t.equal(
    (await app.inject({ url: ME, headers: bearer(foreign) })).statusCode,
    401,
    'a key we never issued is refused',
  );
  t.equal((await app.inject({ url: ME, headers: { authorization: 'Basic YWxpY2U6eA==' } })).statusCode, 401);
});

t.test(
  'rotated keys: old tokens verify until expiry, new tokens use the new key, JWKS lists both',
  async (t) => {
    const { app, pool, signingKeys } = await buildTestApp(t);
    await addAccount(pool, 'bob', [{ role: 'reviewer' }]);
    const before = await login(app, 'bob');
    const oldKid = signingKeys.current().kid;
    const newKid = await signingKeys.rotate();
    t.not(newKid, oldKid);
    const after = await login(app, 'bob');
    const kidOf = (jwt: string) =>
      JSON.parse(Buffer.from(jwt.split('.')[0] as string, 'base64url').toString()).kid;
    t.equal(kidOf(after), newKid, 'new tokens are signed by the new key');
    t.equal(
      (await app.inject({ url: ME, headers: bearer(before) })).statusCode,
      200,
      'the old token still verifies',
    );
    const jwks = (await app.inject('/.well-known/jwks.json')).json();
    t.same(jwks.keys.map((k: { kid: string }) => k.kid).sort(), [oldKid, newKid].sort());
    t.notOk(
      jwks.keys.some((k: Record<string, unknown>) => 'd' in k),
      'the JWKS holds no private parts',
    );
  },
);

t.test('personal API tokens: shown once, stored hashed, revocable, cannot mint more', async (t) => {
  const { app, pool } = await buildTestApp(t);
  await addAccount(pool, 'carol', [{ role: 'researcher' }]);
  const jwt = await login(app, 'carol');
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/tokens',
    headers: bearer(jwt),
    payload: { name: 'laptop' },
  });
  t.equal(created.statusCode, 201);
  const { token, info } = created.json();
  t.match(token, /^kls_/);
  const stored = await pool.query('SELECT token_hash::text AS h FROM api_tokens');
  t.notOk(JSON.stringify(stored.rows).includes(token.slice(4)), 'the secret is not in the database');
  const me = await app.inject({ url: ME, headers: bearer(token) });
  t.equal(me.json().via, 'api_token');
  const mint = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/tokens',
    headers: bearer(token),
    payload: { name: 'x' },
  });
  t.equal(mint.statusCode, 403);
  const listed = await app.inject({ url: '/api/v1/auth/tokens', headers: bearer(token) });
  t.notOk(listed.body.includes(token), 'listing never shows secrets');
  const revoke = await app.inject({
    method: 'DELETE',
    url: `/api/v1/auth/tokens/${info.id}`,
    headers: bearer(jwt),
  });
  t.equal(revoke.statusCode, 204);
  t.equal(
    (await app.inject({ url: ME, headers: bearer(token) })).statusCode,
    401,
    'a revoked token is refused',
  );
});

t.test('external OIDC issuer: signature via its JWKS, audience, role mapping', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256' };
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };
  const issuer = 'https://idp.region.example';
  const { app } = await buildTestApp(t, {
    'auth.oidc.issuer': issuer,
    'auth.oidc.jwksUrl': `http://127.0.0.1:${port}/jwks`,
    'auth.oidc.audience': 'klarsyn',
    'auth.oidc.roleClaim': 'groups',
    'auth.oidc.roleMap.trc-researchers': 'researcher',
    'auth.oidc.roleMap.trc-stewards': 'steward',
  });
  const idToken = (claims: Record<string, unknown>, aud = 'klarsyn') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setIssuer(issuer)
      .setAudience(aud)
      .setSubject('user-42')
      .setExpirationTime('5m')
      .sign(privateKey);
  const ok = await app.inject({
    url: ME,
    headers: bearer(
      await idToken({ groups: ['trc-researchers', 'unrelated'], preferred_username: 'dr.hansen' }),
    ),
  });
  t.equal(ok.statusCode, 200, ok.body);
  t.same(ok.json().roles, ['researcher'], 'only mapped roles are granted');
  t.equal(ok.json().via, 'oidc');
  const steward = await app.inject({
    url: ME,
    headers: bearer(await idToken({ groups: ['trc-stewards'], authority: 'DST' })),
  });
  t.same(steward.json().authorities, ['DST']);
  const wrongAud = await app.inject({
    url: ME,
    headers: bearer(await idToken({ groups: ['trc-researchers'] }, 'other-app')),
  });
  t.equal(wrongAud.statusCode, 401, 'a token meant for another audience is refused');
  const noRole = await app.inject({
    url: '/api/v1/accounts/',
    headers: bearer(await idToken({ groups: ['admins'] })),
  });
  t.equal(noRole.statusCode, 403, 'unmapped issuer roles grant nothing');
});
