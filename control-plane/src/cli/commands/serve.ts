import type { Command } from 'commander';
import { createLogger } from '../../logger.js';
import { closeOnSignals, startServer } from '../../server.js';
import { commandConfig } from '../context.js';
import { portOption } from '../options.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the control plane (embedded PostgreSQL unless DATABASE_URL is set)')
    .option('--host <host>', 'address to listen on')
    .addOption(portOption())
    .action(async (opts: { host?: string; port?: number }, command: Command) => {
      const config = commandConfig(command, {
        ...(opts.host ? { 'http.host': opts.host } : {}),
        ...(opts.port !== undefined ? { 'http.port': opts.port } : {}),
      });
      const logger = createLogger(config.log.level);
      const server = await startServer(config, logger);
      closeOnSignals(server, logger);
      process.stderr.write(`klarsyn: serving on ${server.url}\n`);
      await new Promise(() => {});
    });
}
