import { Command, CommanderError } from 'commander';
import { isKlarsynError } from '../errors.js';
import { VERSION } from '../version.js';
import { COMMAND_EXIT, EXIT } from './exit.js';

interface CommandModule {
  register(program: Command): void;
}

/**
 * Each top-level command's module, loaded only when that command runs: a command pulls in the
 * database, DuckDB or Kubernetes clients, and `klarsyn log verify` should not pay for all of them.
 */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  serve: () => import('./commands/serve.js'),
  demo: () => import('./commands/demo.js'),
  migrate: () => import('./commands/migrate.js'),
  user: () => import('./commands/user.js'),
  keys: () => import('./commands/keys.js'),
  catalog: () => import('./commands/catalog.js'),
  synth: () => import('./commands/synth.js'),
  pseudonymise: () => import('./commands/pseudonymise.js'),
  outputs: () => import('./commands/outputs.js'),
  release: () => import('./commands/release.js'),
  log: () => import('./commands/log.js'),
  witness: () => import('./commands/witness.js'),
};

/** Global options that take a value, so the command name is found after them. */
const VALUE_OPTIONS = new Set(['-c', '--config', '--data-dir', '--log-level']);

/** The top-level command named in argv, if it is one of ours; otherwise every command is loaded (help, errors). */
function invokedCommand(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg in COMMANDS ? arg : undefined;
  }
  return undefined;
}

export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('klarsyn')
    .description('Klarsyn: pseudonymised analysis platform for national health registers')
    .option('-c, --config <file>', 'YAML configuration file (also KLARSYN_CONFIG)')
    .option('--data-dir <dir>', 'data directory for the embedded database and keys')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .showHelpAfterError('(run with --help for usage)');
  const invoked = invokedCommand(argv);
  const versionOnly = !invoked && (argv.includes('-V') || argv.includes('--version'));
  const names = invoked ? [invoked] : versionOnly ? [] : Object.keys(COMMANDS);
  for (const module of await Promise.all(
    names.map((name) => (COMMANDS[name] as () => Promise<CommandModule>)()),
  )) {
    module.register(program);
  }
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
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    // A command that ends with a meaningful status of its own (outputs check: 3 = needs review).
    if (e instanceof CommanderError && e.code === COMMAND_EXIT) return e.exitCode;
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
