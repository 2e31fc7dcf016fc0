import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// The verification library runs in browsers and for third parties: no I/O modules, no control
// plane. Only audit/store (the PostgreSQL adapter) may use them.
const AUDIT = fileURLToPath(new URL('../../../audit', import.meta.url));
const FORBIDDEN = /from '(node:[a-z_/]+|fs|http|https|net|pg|fastify[^']*|[^']*control-plane[^']*)'/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

t.test('audit/ outside audit/store imports no fs, http, pg, fastify or control-plane code', async (t) => {
  const pure = files(AUDIT).filter((f) => !relative(AUDIT, f).startsWith('store'));
  t.ok(pure.length > 15);
  for (const file of pure) {
    const bad = readFileSync(file, 'utf8').match(FORBIDDEN);
    t.notOk(bad, `${relative(AUDIT, file)}${bad ? ` imports ${bad[1]}` : ''}`);
  }
});

t.test('the published entry point re-exports nothing from audit/store', async (t) => {
  t.notMatch(readFileSync(join(AUDIT, 'index.ts'), 'utf8'), /\.\/store\//);
});
