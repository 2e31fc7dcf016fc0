import t from 'tap';
import {
  localCommand,
  sandboxArgv,
  sandboxEnv,
} from '../../../control-plane/src/workspaces/local/sandbox-args.js';
import { workspaceSpec } from '../../support/workspace-spec.js';

const host = {
  bwrap: '/usr/bin/bwrap',
  prlimit: '/usr/bin/prlimit',
  extractDir: '/srv/objects/projects/p/extracts/v1',
  outboxDir: '/srv/objects/projects/p/workspaces/w/outbox',
  passwdFile: '/run/w/passwd',
  groupFile: '/run/w/group',
  rootLinks: [{ path: '/bin', target: 'usr/bin' }],
  rootDirs: ['/usr'],
  etcPaths: ['/etc/ld.so.cache'],
  toolPaths: ['/opt/jupyter'],
  identityDir: '/run/w/identity',
  outboxSocket: '/srv/workspaces/outbox.sock',
  outboxTool: '/opt/klarsyn/workspace-images/analysis/klarsyn-outbox',
};

const spec = (template: string, script: string | null = null) =>
  workspaceSpec(template, { id: 'w', projectId: 'p', appToken: 'secret-token', script });

/** The (source, destination) pairs of one bwrap mount option. */
function mounts(argv: string[], option: string): [string, string][] {
  return argv.flatMap((arg, i) => (arg === option ? [[argv[i + 1] as string, argv[i + 2] as string]] : []));
}

t.test(
  'invariant 6: the sandbox has no network, no capabilities, and only the outbox writable',
  async (t) => {
    const argv = sandboxArgv(spec('jupyter'), host, localCommand(spec('jupyter')));
    for (const flag of ['--unshare-all', '--unshare-user', '--die-with-parent', '--new-session']) {
      t.ok(argv.includes(flag), flag);
    }
    t.notOk(argv.includes('--share-net'), 'the network namespace is never shared');
    t.equal(argv[argv.indexOf('--cap-drop') + 1], 'ALL');
    t.same(
      mounts(argv, '--bind'),
      [[host.outboxDir, '/data/outbox']],
      'the outbox is the only writable host directory',
    );
    t.same(
      mounts(argv, '--ro-bind').find(([, to]) => to === '/data/extract'),
      [host.extractDir, '/data/extract'],
      'the extract is read-only',
    );
    const remount = argv.indexOf('--remount-ro');
    t.equal(argv[remount + 1], '/', 'the root is read-only');
    t.ok(remount > argv.lastIndexOf('--bind'), 'after every mount');
    t.ok(
      argv.indexOf('/opt/jupyter') > argv.indexOf('/tmp'),
      'tool paths are mounted after the scratch tmpfs',
    );
  },
);

t.test('resource limits come from the template', async (t) => {
  const argv = sandboxArgv(spec('batch', '#!/bin/sh\n'), host, localCommand(spec('batch', '#!/bin/sh\n')));
  t.equal(argv[0], '/usr/bin/prlimit');
  t.ok(argv.includes(`--as=${8 * 2 ** 30}`), 'memory');
  t.ok(argv.includes(`--cpu=${240 * 60}`), 'batch CPU time');
  t.ok(argv.includes('--core=0'), 'no core dumps of extract data');
  t.same(argv.slice(-1), ['/klarsyn/script']);
});

t.test('the app token reaches JupyterLab through its environment only, never a command line', async (t) => {
  const argv = sandboxArgv(spec('jupyter'), host, localCommand(spec('jupyter')));
  t.notOk(
    argv.some((a) => a.includes('secret-token')),
    'not in the argv that ps shows',
  );
  const env = sandboxEnv(spec('jupyter'), host);
  t.equal(env.JUPYTER_TOKEN, 'secret-token');
  t.equal(
    env.PATH,
    '/klarsyn/bin:/opt/jupyter/bin:/usr/local/bin:/usr/bin:/bin',
    'klarsyn-outbox, then tool paths',
  );
  t.equal(env.KLARSYN_OUTBOX_URL, 'unix:/klarsyn/outbox.sock', 'the outbox service, through a socket');
  t.notOk('DATABASE_URL' in env || 'KLARSYN_MASTER_KEY' in env, "nothing of the control plane's environment");
  t.ok(
    localCommand(spec('jupyter')).includes('--ServerApp.sock=/run/klarsyn/app.sock'),
    'a Unix socket, no port',
  );
  t.throws(() => localCommand(spec('rstudio')), { code: 'conflict', message: /RStudio Server/ });
});
