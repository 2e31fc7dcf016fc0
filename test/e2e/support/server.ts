import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { parseCatalogFile } from '../../../control-plane/src/catalog/catalog-file.js';
import { publishCatalog } from '../../../control-plane/src/catalog/publish.js';
import { DEMO_APPLICATION, seedDemo } from '../../../control-plane/src/cli/demo-seed.js';
import { inTransaction } from '../../../control-plane/src/db/transaction.js';
import type { ObjectStore } from '../../../control-plane/src/storage/object-store.js';
import { buildTestApp } from '../../support/app.js';
import { ensureWebBuilt } from './web-build.js';

export { DEMO_PASSWORD } from '../../../control-plane/src/cli/demo-seed.js';
export { DEMO_APPLICATION };

export interface Klarsyn {
  url: string;
  pool: pg.Pool;
  /** The object store the extract engine reads registers from and writes extracts to. */
  store: ObjectStore;
}

/**
 * The control plane as `klarsyn demo` runs it (demo accounts, the synthetic catalog, one approved
 * sample project), built in this process on a fresh database and listening on a free port.
 */
export async function startKlarsyn(
  t: Parameters<typeof buildTestApp>[0],
  config: Parameters<typeof buildTestApp>[1] = {},
): Promise<Klarsyn> {
  ensureWebBuilt();
  const { app, pool, store } = await buildTestApp(t, config);
  // Published here from the repository path: seedDemo finds its catalog file only from the built tree.
  const catalog = parseCatalogFile(readFileSync('policies/catalog/synthetic-registers.yaml', 'utf8'));
  await inTransaction(pool, (tx) => publishCatalog(tx, new TransparencyLog(), catalog, 'operator:e2e'));
  await seedDemo(pool);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, pool, store };
}
