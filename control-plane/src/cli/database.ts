import type { Command } from 'commander';
import { type Database, openDatabase } from '../db/database.js';
import { commandConfig, commandLogger } from './context.js';

/**
 * Runs fn with the configured database (embedded or DATABASE_URL) and always closes it. Pending
 * migrations are applied first unless database.migrateOnStart is off (a Kubernetes install, where
 * the runtime login may not migrate and the migration Job does); `klarsyn migrate` always applies.
 */
export async function withDatabase<T>(
  command: Command,
  fn: (db: Database) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const config = commandConfig(command);
  const migrate = options.migrate ?? (config.database.migrateOnStart || !config.database.url);
  const db = await openDatabase(config, commandLogger(command, config), { migrate });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
