// Browser access: the proxy is the only way into a workspace, for members with a session from a
// one-time link; HTTP and WebSocket both, the member's own credentials never reaching the app.
import { connect } from 'node:net';
import t from 'tap';
import { buildTestApp } from '../../support/app.js';
import {
  approvedProjectWithExtract,
  fakeJupyterToolPath,
  launch,
  logEvents,
  seed,
  waitForStatus,
} from './support.js';

/** Sends a WebSocket upgrade request and returns the status line, then echoes `message` if upgraded. */
function upgrade(port: number, path: string, headers: Record<string, string>, message = 'hello') {
  return new Promise<{ status: string; echo?: string }>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (data) => {
      received += data.toString();
      if (!received.includes('\r\n\r\n')) return;
      const [head, rest = ''] = received.split('\r\n\r\n');
      const status = head?.split('\r\n')[0] ?? '';
      if (!status.includes(' 101 ')) {
        socket.destroy();
        return resolve({ status });
      }
      if (rest.length === 0) return socket.write(message);
      socket.destroy();
      resolve({ status, echo: rest });
    });
    socket.on('error', reject);
    const lines = Object.entries({
      Host: `127.0.0.1:${port}`,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version': '13',
      ...headers,
    }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
}

t.test('only a member with a session reaches a running workspace, over HTTP and WebSocket', async (t) => {
  const ctx = await buildTestApp(t, {
    'workspaces.local.toolPaths': fakeJupyterToolPath(t),
    'workspaces.reconcileIntervalSeconds': 3600,
  });
  const { app, pool } = ctx;
  const { anna, bo, admin } = await seed(ctx, ctx.store);
  const projectId = await approvedProjectWithExtract(app, anna);
  const [a, b] = await Promise.all(
    [0, 1].map(async () => (await launch(app, anna, projectId, { template: 'jupyter' })).json().id as string),
  );
  for (const id of [a, b]) await waitForStatus(app, anna, id as string, ['running']);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const link = async (id: string, headers = anna) =>
    app.inject({ method: 'POST', url: `/api/v1/workspaces/${id}/connect`, headers });

  t.equal((await link(a as string, bo)).statusCode, 404, 'a non-member learns nothing');
  t.equal((await link(a as string, admin)).statusCode, 403, 'an admin cannot open a workspace');
  t.equal((await fetch(`${base}/workspaces/${a}/lab`)).status, 401, 'without a session: refused');

  const url = (await link(a as string)).json().url as string;
  const opened = await fetch(`${base}${url}`, { redirect: 'manual' });
  t.equal(opened.status, 303);
  const setCookie = opened.headers.get('set-cookie') ?? '';
  t.match(setCookie, /HttpOnly/i);
  t.match(setCookie, /SameSite=Strict/i);
  t.match(setCookie, new RegExp(`Path=/workspaces/${a}/`), 'scoped to this workspace');
  const cookie = setCookie.split(';')[0] as string;
  t.equal((await fetch(`${base}${url}`, { redirect: 'manual' })).status, 401, 'a link works once');
  const ticketB = new URL((await link(b as string)).json().url, base).search;
  t.equal(
    (await fetch(`${base}/workspaces/${a}/${ticketB}`, { redirect: 'manual' })).status,
    401,
    "B's link does not open A",
  );
  t.equal(
    (await fetch(`${base}/workspaces/${b}/lab`, { headers: { cookie } })).status,
    401,
    "A's session does not open B",
  );

  const page = await fetch(`${base}/workspaces/${a}/lab`, {
    headers: { cookie, authorization: anna.authorization as string },
  });
  t.equal(page.status, 200, 'the app answered: it got the workspace token, not the caller’s');
  t.match(await page.json(), { uid: 1000, cookie: null });
  const upload = await fetch(`${base}/workspaces/${a}/api/contents/x`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/octet-stream' },
    body: Buffer.alloc(200_000, 1),
  });
  t.same(
    await upload.json(),
    { path: `/workspaces/${a}/api/contents/x`, received: 200_000 },
    'bodies pass unparsed',
  );

  const channel = `/workspaces/${a}/api/kernels/k/channels`;
  t.match(
    await upgrade(port, channel, { Cookie: cookie }),
    { status: /^HTTP\/1\.[01] 101 /, echo: 'HELLO' },
    'WebSocket traffic flows both ways',
  );
  t.equal(
    (await upgrade(port, channel, {})).status,
    'HTTP/1.1 401 Unauthorized',
    'a WebSocket without a session is refused',
  );
  t.equal(
    (await upgrade(port, channel, { Cookie: cookie, Origin: 'https://evil.example' })).status,
    'HTTP/1.1 403 Forbidden',
    'a WebSocket from another site is refused',
  );

  t.equal(
    (await app.inject({ method: 'POST', url: `/api/v1/workspaces/${a}/stop`, headers: anna })).statusCode,
    202,
  );
  t.equal(
    (await fetch(`${base}/workspaces/${a}/lab`, { headers: { cookie } })).status,
    401,
    'stopping ends access at once',
  );
  t.equal((await upgrade(port, channel, { Cookie: cookie })).status, 'HTTP/1.1 401 Unauthorized');

  const connected = await logEvents(pool, 'workspace.connected');
  t.equal(connected.length, 2, 'invariant 4: every link handed out is logged, refusals hand out none');
});
