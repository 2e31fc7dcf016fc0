import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import { parseCatalogFile } from '../../catalog/catalog-file.js';
import { publishCatalog } from '../../catalog/publish.js';
import { loadCatalog } from '../../catalog/store.js';
import { inTransaction } from '../../db/transaction.js';
import { KlarsynError } from '../../errors.js';
import { printTable } from '../context.js';
import { withDatabase } from '../database.js';

export function register(program: Command): void {
  const catalog = program.command('catalog').description('the data catalog');

  catalog
    .command('import <file>')
    .description('load authorities and sources from a YAML description (all or nothing)')
    .action(async (file: string, _opts: unknown, command: Command) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new KlarsynError('validation_failed', `cannot read ${file}: ${(e as Error).message}`);
      }
      const imported = await withDatabase(command, (db) =>
        inTransaction(db.pool, async (tx) => {
          const parsed = parseCatalogFile(text, await loadCatalog(tx));
          await publishCatalog(tx, new TransparencyLog(), parsed, 'operator:cli');
          return parsed;
        }),
      );
      process.stdout.write(
        `imported ${imported.authorities.length} authorities and ${imported.sources.length} sources\n`,
      );
    });

  catalog
    .command('list')
    .description('list sources')
    .action(async (_opts: unknown, command: Command) => {
      const { sources } = await withDatabase(command, (db) => loadCatalog(db.pool));
      printTable(
        sources.map((s) => ({
          source: s.id,
          authority: s.authority,
          variables: String(s.variables.length),
          coverage: `${s.coverage.from}…${s.coverage.to}`,
          name: s.name,
        })),
      );
    });
}
