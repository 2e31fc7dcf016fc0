import type pg from 'pg';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import { SOURCE_PUBLISHED } from './events.js';
import type { Catalog } from './model.js';
import { upsertAuthority, upsertSource } from './store.js';

/** Stores authorities and sources and logs each source in the same transaction. */
export async function publishCatalog(
  tx: pg.PoolClient,
  log: TransparencyLog,
  catalog: Catalog,
  actor: string,
): Promise<void> {
  for (const authority of catalog.authorities) await upsertAuthority(tx, authority);
  // Linked sources refer to their targets, so sources with a person column go first.
  const ordered = [...catalog.sources].sort((a, b) => Number(a.link !== null) - Number(b.link !== null));
  for (const source of ordered) {
    await upsertSource(tx, source);
    await log.append(
      {
        type: SOURCE_PUBLISHED,
        actor,
        subject: `source:${source.id}`,
        details: {
          source: source.id,
          authority: source.authority,
          variables: source.variables.map((v) => v.name),
        },
      },
      tx,
    );
  }
}
