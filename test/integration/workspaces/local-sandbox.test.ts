// The local sandbox (bubblewrap) on this machine: a batch script sees its extract read-only, reaches
// no network, and can write nowhere but its outbox (DESIGN.md invariants 1 and 6).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { extractVersionPrefix, outboxPrefix } from '../../../control-plane/src/storage/layout.js';
import { buildTestApp } from '../../support/app.js';
import { approvedProjectWithExtract, launch, seed, waitForStatus } from './support.js';

async function batchRun(t: Test, script: string) {
  const ctx = await buildTestApp(t);
  const people = await seed(ctx, ctx.store);
  const projectId = await approvedProjectWithExtract(ctx.app, people.anna);
  // @DATADIR@: the control plane's data directory on the host, which the sandbox must not reach.
  const res = await launch(ctx.app, people.anna, projectId, {
    template: 'batch',
    script: script.replaceAll('@DATADIR@', ctx.dataDir),
  });
  t.equal(res.statusCode, 202, res.statusCode === 202 ? 'launched' : res.body);
  const done = await waitForStatus(ctx.app, people.anna, res.json().id, ['stopped', 'failed']);
  const outbox = ctx.store.hostPath(outboxPrefix(projectId, done.id));
  return { ...ctx, ...people, projectId, done, outbox };
}

t.test('a batch script reads its extract and writes its results to the outbox', async (t) => {
  const { done, outbox, store, projectId } = await batchRun(
    t,
    `#!/usr/bin/python3
import json, os
names = sorted(os.listdir(os.environ['KLARSYN_EXTRACT']))
manifest = json.load(open('/data/extract/manifest.json'))
json.dump({'names': names, 'cohort': manifest['cohortSize'], 'uid': os.getuid(),
           'parquet': open('/data/extract/bef.parquet', 'rb').read(4).decode()},
          open('/data/outbox/seen.json', 'w'))
print('done')
`,
  );
  t.equal(done.status, 'stopped', done.reason ?? '');
  t.equal(done.reason, 'the batch script finished');
  const seen = JSON.parse(readFileSync(join(outbox, 'seen.json'), 'utf8'));
  const extractDir = store.hostPath(extractVersionPrefix(projectId, 1));
  t.same(seen.names, readdirSync(extractDir).sort(), 'the whole extract version is visible');
  t.equal(seen.parquet, 'PAR1', 'and readable');
  t.equal(seen.uid, 1000, 'as an unprivileged user');
  t.equal(
    readFileSync(join(outbox, 'klarsyn-batch.log'), 'utf8'),
    'done\n',
    'its output lands in the outbox',
  );
});

t.test('invariant 6: a batch script cannot open a network connection', async (t) => {
  let connections = 0;
  const listener = createServer((socket) => {
    connections++;
    socket.end('leaked\n');
  });
  await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
  t.teardown(() => listener.close());
  const port = (listener.address() as { port: number }).port;
  const hostIp =
    Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address ?? '10.0.0.1';

  const { done, outbox } = await batchRun(
    t,
    `#!/usr/bin/python3
import json, socket
results = {'interfaces': [name for _, name in socket.if_nameindex()]}
def attempt(name, fn):
    try:
        fn()
        results[name] = 'connected'
    except OSError as e:
        results[name] = type(e).__name__
def tcp(host, port):
    socket.create_connection((host, port), timeout=3).close()
attempt('host loopback', lambda: tcp('127.0.0.1', ${port}))
attempt('host address', lambda: tcp('${hostIp}', ${port}))
attempt('internet', lambda: tcp('1.1.1.1', 443))
attempt('ipv6', lambda: tcp('2606:4700:4700::1111', 443))
attempt('dns', lambda: socket.getaddrinfo('example.org', 443))
def udp():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b'x', ('${hostIp}', ${port}))
attempt('udp', udp)
json.dump(results, open('/data/outbox/net.json', 'w'))
`,
  );
  t.equal(done.status, 'stopped', done.reason ?? '');
  const results = JSON.parse(readFileSync(join(outbox, 'net.json'), 'utf8'));
  t.same(results.interfaces, ['lo'], 'the sandbox has only its own loopback');
  for (const attempt of ['host loopback', 'host address', 'internet', 'ipv6', 'dns', 'udp']) {
    t.not(results[attempt], 'connected', `${attempt}: refused (${results[attempt]})`);
  }
  t.equal(connections, 0, 'the host listener never saw a connection');
});

t.test('invariant 6: a batch script can write nowhere but its outbox', async (t) => {
  const probe = `#!/usr/bin/python3
import json, os
targets = ['/data/extract/planted', '/data/extract/bef.parquet', '/usr/planted', '/etc/planted', '/planted',
           '/data/planted', '/klarsyn/planted', '/klarsyn/script', '/proc/1/root/planted', '@DATADIR@/planted',
           '/data/outbox/result.txt']
results = {}
for path in targets:
    try:
        with open(path, 'a') as f:
            f.write('x')
        results[path] = 'written'
    except OSError as e:
        results[path] = type(e).__name__
try:
    os.chmod('/data/extract', 0o777)
    results['chmod extract'] = 'changed'
except OSError as e:
    results['chmod extract'] = type(e).__name__
with open('/tmp/scratch-probe', 'w') as f:
    f.write('scratch')
results['scratch'] = open('/tmp/scratch-probe').read()
os.symlink('/etc/passwd', '/data/outbox/passwd-link')
json.dump(results, open('/data/outbox/writes.json', 'w'))
`;
  const { done, outbox, store, projectId, dataDir } = await batchRun(t, probe);
  t.equal(done.status, 'stopped', done.reason ?? '');
  const results = JSON.parse(readFileSync(join(outbox, 'writes.json'), 'utf8'));
  t.equal(results['/data/outbox/result.txt'], 'written', 'the outbox is writable');
  for (const [path, outcome] of Object.entries(results)) {
    if (path === '/data/outbox/result.txt' || path === 'scratch') continue;
    t.not(outcome, 'written', `${path}: refused (${outcome})`);
  }
  t.not(results['chmod extract'], 'changed');
  const extractDir = store.hostPath(extractVersionPrefix(projectId, 1));
  t.notOk(existsSync(join(extractDir, 'planted')), 'nothing appeared in the extract on the host');
  t.notOk(
    existsSync('/usr/planted') || existsSync('/etc/planted') || existsSync('/planted'),
    'nor on the host root',
  );
  t.notOk(existsSync(join(dataDir, 'planted')), 'nor in the data directory');
  t.equal(results.scratch, 'scratch', '/tmp is scratch space in memory');
  t.notOk(existsSync('/tmp/scratch-probe'), 'that never reaches the host');
  const listed: string[] = [];
  for await (const object of store.list(outboxPrefix(projectId, done.id)))
    listed.push(object.key.split('/').at(-1) as string);
  t.notOk(
    listed.includes('passwd-link'),
    'a symlink planted in the outbox is not an object the store will serve',
  );
});
