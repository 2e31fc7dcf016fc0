import { Command, CommanderError } from 'commander';
import { isKlarsynError } from '../errors.js';
import { VERSION } from '../version.js';
import * as catalog from './commands/catalog.js';
import * as demo from './commands/demo.js';
import * as keys from './commands/keys.js';
import * as log from './commands/log.js';
import * as migrate from './commands/migrate.js';
import * as outputs from './commands/outputs.js';
import * as pseudonymise from './commands/pseudonymise.js';
import * as serve from './commands/serve.js';
import * as synth from './commands/synth.js';
import * as user from './commands/user.js';
import * as witness from './commands/witness.js';

const COMMANDS = [serve, demo, migrate, user, keys, catalog, outputs, log, witness, synth, pseudonymise];

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('klarsyn')
    .description('Klarsyn: pseudonymised analysis platform for national health registers')
    .option('-c, --config <file>', 'YAML configuration file (also KLARSYN_CONFIG)')
    .option('--data-dir <dir>', 'data directory for the embedded database and keys')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .showHelpAfterError('(run with --help for usage)');
  for (const command of COMMANDS) command.register(program);
  applyEverywhere(program);
  return program;
}

/** --version and usage-error handling on every subcommand, not only the root. */
function applyEverywhere(command: Command): void {
  command.version(VERSION, '-V, --version', 'print the version');
  command.exitOverride();
  command.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const sub of command.commands) applyEverywhere(sub);
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure with a one-line reason, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      const informational = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(
        e.code,
      );
      return informational ? EXIT.ok : EXIT.usage;
    }
    const message = isKlarsynError(e) || e instanceof Error ? e.message : String(e);
    process.stderr.write(`klarsyn: ${message.split('\n')[0]}\n`);
    return EXIT.failure;
  }
}
