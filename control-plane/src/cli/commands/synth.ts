import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Format, generateSynthetic, REGISTERS, type Register } from '../../synth/generate.js';
import { printTable } from '../context.js';
import { progressBar } from '../progress-bar.js';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number ≥ 0');
  return n;
}

function registerList(value: string): Register[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(REGISTERS as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown register ${unknown.join(', ')} (${REGISTERS.join(', ')})`);
  return names as Register[];
}

export function register(program: Command): void {
  program
    .command('synth')
    .description(
      'write SYNTHETIC national registers (BEF, LPR3 kontakter/diagnoser, LMDB) for development and demos',
    )
    .requiredOption('--persons <n>', 'size of the background population', positiveInteger)
    .requiredOption('--out <dir>', 'output directory (files go to <dir>/registers/<table>/)')
    .option('--seed <seed>', 'seed; the same seed gives the same registers', '1')
    .addOption(new Option('--format <format>', 'file format').choices(['parquet', 'csv']).default('parquet'))
    .option('--registers <list>', `comma-separated subset of ${REGISTERS.join(', ')}`, registerList)
    .option(
      '--prescriptions-per-person <n>',
      'mean redeemed prescriptions per person (default 8)',
      nonNegative,
    )
    .action(
      async (opts: {
        persons: number;
        out: string;
        seed: string;
        format: Format;
        registers?: Register[];
        prescriptionsPerPerson?: number;
      }) => {
        const bar = progressBar();
        const result = await generateSynthetic(
          {
            persons: opts.persons,
            seed: opts.seed,
            out: opts.out,
            format: opts.format,
            ...(opts.registers ? { registers: opts.registers } : {}),
            ...(opts.prescriptionsPerPerson !== undefined
              ? { prescriptionsPerPerson: opts.prescriptionsPerPerson }
              : {}),
          },
          (p) => bar.update(p.phase, p.done, p.total),
        );
        bar.done();
        printTable(
          Object.entries(result.rows).map(([table, rows]) => ({
            table,
            rows: String(rows),
            file: result.files[table as Register] ?? '',
          })),
        );
        process.stdout.write(`SYNTHETIC data written to ${opts.out} (see README.md there)\n`);
      },
    );
}
