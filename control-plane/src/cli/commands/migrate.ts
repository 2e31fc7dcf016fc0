import type { Command } from 'commander';
import { withDatabase } from '../database.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async (_opts: unknown, command: Command) => {
      const result = await withDatabase(command, async (db) => db.migrations, { migrate: true });
      const applied = result?.applied ?? [];
      process.stdout.write(
        applied.length > 0
          ? `applied ${applied.join(', ')}\n`
          : `database up to date (${result?.alreadyApplied ?? 0} migrations)\n`,
      );
    });
}
