import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import t from 'tap';
import accessPlugin from '../../control-plane/src/auth/access-plugin.js';
import { AccessTokens } from '../../control-plane/src/auth/access-tokens.js';
import { installErrorHandler } from '../../control-plane/src/http/error-handler.js';
import webRoutes from '../../control-plane/src/web/plugin.js';
import { buildTestApp } from '../support/app.js';
import { ensureWebBuilt } from './support/web-build.js';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

t.test('the control plane serves the built application; API and file misses stay JSON 404s', async (t) => {
  ensureWebBuilt();
  const { app } = await buildTestApp(t);

  for (const url of ['/', '/catalog', '/projects/00000000-0000-4000-8000-000000000000', '/no/such/page']) {
    const page = await app.inject({ url, headers: HTML });
    t.equal(page.statusCode, 200, `${url} is answered with the application`);
    t.match(page.headers['content-type'], /^text\/html/);
    t.equal(page.headers['cache-control'], 'no-cache');
    t.match(page.headers['content-security-policy'], /script-src 'self'/);
    t.match(page.body, /<div id="app"><\/div>/);
    t.notMatch(page.body, /<script>|<script type="module">[^<]/, 'no inline script (the CSP forbids it)');
  }

  const script = /src="(\/assets\/[^"]+\.js)"/.exec(
    (await app.inject({ url: '/', headers: HTML })).body,
  )?.[1];
  t.ok(script, 'the page loads its script from /assets/');
  const asset = await app.inject(script as string);
  t.equal(asset.statusCode, 200);
  t.match(asset.headers['content-type'], /^text\/javascript/);
  t.match(asset.headers['cache-control'], /immutable/);

  const misses = [
    { url: '/api/v1/nothing', headers: HTML },
    { url: '/catalog', headers: { accept: 'application/json' } },
    { url: '/favicon.ico', headers: HTML },
    { url: '/assets/no-such.js' },
    { url: '/assets/../../package.json' },
    { url: '/assets/%2e%2e/%2e%2e/package.json' },
    { url: '/assets/..%2f..%2fpackage.json' },
  ];
  for (const miss of misses) {
    const res = await app.inject(miss);
    t.equal(res.statusCode, 404, `${miss.url} (${miss.headers?.accept ?? 'no accept'}) is 404`);
    t.same(Object.keys(res.json()).sort(), ['error', 'message']);
  }
});

t.test('without a build the pages say so (503) instead of failing obscurely', async (t) => {
  const { pool, config, signingKeys } = await buildTestApp(t);
  const app = Fastify();
  installErrorHandler(app);
  await app.register(accessPlugin, {
    pool,
    accessTokens: new AccessTokens(signingKeys, config.auth),
    externalIssuer: undefined,
  });
  const empty = mkdtempSync(join(tmpdir(), 'klarsyn-web-'));
  await app.register(webRoutes, { root: empty });
  t.teardown(() => app.close());
  const res = await app.inject({ url: '/catalog', headers: HTML });
  t.equal(res.statusCode, 503);
  t.match(res.json().message, /build:web/);

  writeFileSync(join(empty, 'index.html'), '<!doctype html><div id="app"></div>');
  t.equal((await app.inject({ url: '/catalog', headers: HTML })).statusCode, 200, 'and serve it once built');
});

t.test('the web routes are documented and public', async (t) => {
  const { app } = await buildTestApp(t);
  const doc = (await app.inject('/openapi.json')).json();
  for (const path of ['/{*}', '/assets/{*}']) {
    t.equal(doc.paths[path]?.get?.['x-access'], 'public', `GET ${path}`);
    t.ok(doc.paths[path]?.get?.responses?.['200'], `GET ${path} documents its answer`);
  }
});
