import type { Command } from 'commander';
import { type Database, openDatabase } from '../db/database.js';
import { commandConfig, commandLogger } from './context.js';

/** Runs fn with the configured database (embedded or DATABASE_URL) and always closes it. */
export async function withDatabase<T>(command: Command, fn: (db: Database) => Promise<T>): Promise<T> {
  const config = commandConfig(command);
  const db = await openDatabase(config, commandLogger(command, config));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
