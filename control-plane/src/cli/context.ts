import type { Command } from 'commander';
import type { Logger } from 'pino';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger } from '../logger.js';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
  logLevel?: Config['log']['level'];
}

/** Configuration for a command: file, environment, then the global flags and the command's own overrides. */
export function commandConfig(
  command: Command,
  overrides: Record<string, string | number | boolean> = {},
): Config {
  const globals = command.optsWithGlobals<GlobalOptions>();
  return loadConfig({
    ...(globals.config ? { file: globals.config } : {}),
    overrides: {
      ...(globals.dataDir ? { dataDir: globals.dataDir } : {}),
      ...(globals.logLevel ? { 'log.level': globals.logLevel } : {}),
      ...overrides,
    },
  });
}

/** CLI tools keep the terminal for people: only warnings go to stderr unless asked otherwise. */
export function commandLogger(command: Command, config: Config): Logger {
  const explicit = command.optsWithGlobals<GlobalOptions>().logLevel;
  return createLogger(explicit ?? (config.log.level === 'info' ? 'warn' : config.log.level));
}

/** Prints rows as an aligned table, the way people read lists in a terminal. */
export function printTable(
  rows: Record<string, string>[],
  out: NodeJS.WritableStream = process.stdout,
): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()}\n`;
  out.write(line(columns.map((c) => c.toUpperCase())));
  for (const row of rows) out.write(line(columns.map((c) => row[c] ?? '')));
}
