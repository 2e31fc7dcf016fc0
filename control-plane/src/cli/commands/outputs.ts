import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { KlarsynError } from '../../errors.js';
import { checkOutputs } from '../../outputs/check.js';
import { parsePseudonymList, readLocalRequest } from '../../outputs/local-files.js';
import { entryFor } from '../../outputs/metadata.js';
import type { CheckReport, ReleasedFile } from '../../outputs/model.js';
import type { OutputProfile } from '../../outputs/profile.js';
import { loadProfile, strictestProfile } from '../../outputs/profile-files.js';
import { protectTable } from '../../outputs/protect.js';
import { checkWithExtract, readLocalExtract } from '../../outputs/query/index.js';
import { COMMAND_EXIT } from '../exit.js';

/** `outputs check` exit codes (the contract): 1 blocked, 3 review, 2 usage. */
const EXIT_REVIEW = 3;
const CELLS_SHOWN = 8;

interface CheckOptions {
  profile: string;
  pseudonyms?: string;
  released?: string;
  cohortSize?: number;
  extract?: string;
  json?: boolean;
}

/** A name, a file, or several names joined by commas for an extract from several authorities. */
function resolveProfile(value: string): OutputProfile {
  return value.includes(',') ? strictestProfile(value.split(',').map((n) => n.trim())) : loadProfile(value);
}

function parseCohortSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of persons');
  return n;
}

/** Bad input is a usage error (exit 2), so exit 1 keeps meaning "blocked" to scripts. */
function asUsageError<T>(command: Command, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof KlarsynError)
      command.error(`error: ${e.message}`, { exitCode: 2, code: 'klarsyn.outputs.usage' });
    throw e;
  }
}

function printReport(report: CheckReport): void {
  const out: string[] = [];
  for (const file of report.files) {
    out.push(`${file.verdict.toUpperCase().padEnd(6)}  ${file.path}`);
    for (const f of file.findings) {
      out.push(`        ${f.severity} ${f.rule}: ${f.message}`);
      for (const c of f.cells.slice(0, CELLS_SHOWN))
        out.push(`          row ${c.row}, ${c.column}: ${c.value}`);
      if (f.cells.length > CELLS_SHOWN)
        out.push(`          … and ${f.cells.length - CELLS_SHOWN} more cells`);
    }
  }
  out.push(`verdict: ${report.verdict}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

export function register(program: Command): void {
  const outputs = program.command('outputs').description('disclosure control of outputs before release');

  outputs
    .command('check <paths...>')
    .description('check output files or directories (with outputs.yaml beside them) for disclosure')
    .option(
      '--profile <name|file>',
      'output profile: sds, dst, acro, opensafely, a YAML file, or names joined by commas (the strictest applies)',
      'sds',
    )
    .option('--pseudonyms <file>', "the project's pseudonyms, one per line")
    .option('--released <dir>', "the project's earlier releases, for the differencing rule")
    .option('--cohort-size <n>', 'persons in the cohort (default: the number of pseudonyms)', parseCohortSize)
    .option(
      '--extract <dir>',
      'the extract version (manifest.json and Parquet files): query-backed tables are re-run against it',
    )
    .option('--json', 'print {verdict, files: [{path, verdict, findings}]} as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 all pass, 1 a file is blocked, 3 the worst is review, 2 usage error.',
    )
    .action(async (paths: string[], opts: CheckOptions, command: Command) => {
      const { profile, request, released, pseudonyms, extract } = asUsageError(command, () => {
        const pseudonyms = opts.pseudonyms
          ? parsePseudonymList(readFileSync(opts.pseudonyms, 'utf8'), opts.pseudonyms)
          : undefined;
        const earlier = opts.released ? readLocalRequest([opts.released]) : undefined;
        const released: ReleasedFile[] | undefined = earlier?.files.map((f) => ({
          ...f,
          ...(entryFor(earlier.metadata, f.path) ? { entry: entryFor(earlier.metadata, f.path) } : {}),
        }));
        return {
          profile: resolveProfile(opts.profile),
          request: readLocalRequest(paths),
          released,
          pseudonyms,
          extract: opts.extract ? readLocalExtract(opts.extract, { verifyHashes: true }) : undefined,
        };
      });
      const cohortSize = opts.cohortSize ?? pseudonyms?.size ?? extract?.manifest.cohortSize;
      const checkRequest = {
        ...request,
        profile,
        context: {
          ...(pseudonyms ? { pseudonyms } : {}),
          ...(cohortSize ? { cohortSize } : {}),
          ...(released ? { released } : {}),
        },
      };
      const report = extract ? await checkWithExtract(checkRequest, extract) : checkOutputs(checkRequest);
      if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else printReport(report);
      const count = (v: string) => report.files.filter((f) => f.verdict === v).length;
      if (report.verdict === 'block') {
        throw new KlarsynError(
          'validation_failed',
          `blocked: ${count('block')} of ${report.files.length} files may not leave`,
        );
      }
      if (report.verdict === 'review') {
        process.stderr.write(
          `klarsyn: ${count('review')} of ${report.files.length} files need a person's review\n`,
        );
        throw new CommanderError(EXIT_REVIEW, COMMAND_EXIT, 'needs review');
      }
    });

  outputs
    .command('protect <file>')
    .description('suppress small cells, protect totals and round counts of a CSV table per profile')
    .option('--profile <name|file>', 'output profile: sds, dst, acro, opensafely or a YAML file', 'sds')
    .option('-o, --output <file>', 'write the protected table here (default: standard output)')
    .action((file: string, opts: { profile: string; output?: string }, command: Command) => {
      const result = asUsageError(command, () => {
        const profile = resolveProfile(opts.profile);
        const request = readLocalRequest([file]);
        const [input, ...more] = request.files;
        if (!input || more.length > 0) throw new KlarsynError('validation_failed', `${file} is not one file`);
        return protectTable(input, entryFor(request.metadata, input.path), profile);
      });
      if (opts.output) writeFileSync(opts.output, result.csv);
      else process.stdout.write(result.csv);
      process.stderr.write(
        `${basename(file)}: ${result.suppressed.length} cells suppressed, ${result.secondary.length} more to protect totals, ` +
          `${result.totals.length} totals recomputed, ${result.rounded.length} counts rounded\n`,
      );
    });
}
