import { join } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../logger.js';
import { closeOnSignals, startServer } from '../../server.js';
import { commandConfig, type GlobalOptions, printTable } from '../context.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from '../demo-seed.js';
import { portOption } from '../options.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('run everything embedded with demo accounts (data in <data dir>/demo)')
    .addOption(portOption())
    .action(async (opts: { port?: number }, command: Command) => {
      const base = commandConfig(command);
      const dataDir = command.optsWithGlobals<GlobalOptions>().dataDir ?? join(base.dataDir, 'demo');
      const config = commandConfig(command, {
        dataDir,
        ...(opts.port !== undefined ? { 'http.port': opts.port } : {}),
      });
      const logger = createLogger(config.log.level === 'info' ? 'warn' : config.log.level);
      process.stderr.write(`klarsyn demo: starting PostgreSQL and the control plane in ${dataDir} …\n`);
      const server = await startServer(config, logger);
      closeOnSignals(server, logger);
      await seedDemo(server.db.pool, { app: server.app, store: server.store });
      printWelcome(server.url);
      await new Promise(() => {});
    });
}

function printWelcome(url: string): void {
  const out = process.stdout;
  out.write(`\nKlarsyn demo is running at ${url}\n\n`);
  out.write(`Demo accounts (password for all: ${DEMO_PASSWORD}):\n\n`);
  printTable(
    DEMO_ACCOUNTS.map((a) => ({
      username: a.username,
      role: a.grants.map((g) => (g.authority ? `${g.role}:${g.authority}` : g.role)).join(', '),
      does: a.does,
    })),
  );
  out.write(`\nTry it:\n`);
  out.write(`  curl ${url}/readyz\n`);
  out.write(`  TOKEN=$(curl -s ${url}/api/v1/auth/login -H 'content-type: application/json' \\\n`);
  out.write(
    `      -d '{"username":"forsker","password":"${DEMO_PASSWORD}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')\n`,
  );
  out.write(`  curl -H "authorization: Bearer $TOKEN" ${url}/api/v1/auth/me\n`);
  out.write(
    `  curl -H "authorization: Bearer $TOKEN" ${url}/api/v1/projects/     # the sample project, approved by SDS and DST\n`,
  );
  out.write(
    `  curl ${url}/api/v1/catalog/sources                         # the public catalog (synthetic registers)\n`,
  );
  out.write(`  curl ${url}/api/v1/register/projects                       # the public access register\n`);
  out.write(
    `  curl -H "authorization: Bearer $TOKEN" ${url}/api/v1/projects/<id>/extracts   # its pseudonymised extract v1\n`,
  );
  out.write(`  API page: ${url}/docs   OpenAPI: ${url}/openapi.json\n\nPress Ctrl-C to stop.\n`);
}
