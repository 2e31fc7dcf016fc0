import type { Command } from 'commander';
import { CPR_STATUSES } from '../../pseudonym/duckdb-extension.js';
import { pseudonymiseFile } from '../../pseudonym/file-pseudonymiser.js';
import { createKeyFile, readKeyFile } from '../../pseudonym/key-file.js';
import { printTable } from '../context.js';
import { progressBar } from '../progress-bar.js';

interface Options {
  keyFile: string;
  generateKey?: boolean;
  in?: string;
  out?: string;
  cprColumns?: string;
  keyVersion: string;
}

export function register(program: Command): void {
  program
    .command('pseudonymise')
    .description(
      'replace CPR numbers in a Parquet or CSV file by keyed pseudonyms (HMAC-SHA256, the same code path as extracts)',
    )
    .requiredOption('--key-file <file>', 'file holding the 256-bit secret (64 hex digits, mode 600)')
    .option('--generate-key', 'create a new key file at --key-file and stop')
    .option('--in <file>', 'input .parquet or .csv')
    .option('--out <file>', 'output .parquet or .csv (written only when complete)')
    .option('--cpr-columns <list>', 'comma-separated CPR columns, e.g. pnr,mor_id,far_id')
    .option('--key-version <version>', 'sub-key version', 'v1')
    .action(async (opts: Options, command: Command) => {
      if (opts.generateKey) {
        await createKeyFile(opts.keyFile);
        process.stdout.write(`new key written to ${opts.keyFile}; keep it secret and backed up\n`);
        return;
      }
      if (!opts.in || !opts.out || !opts.cprColumns) {
        command.error('error: --in, --out and --cpr-columns are required (or --generate-key)', {
          exitCode: 2,
        });
      }
      const cprColumns = (opts.cprColumns as string)
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      if (cprColumns.length === 0) command.error('error: --cpr-columns names no column', { exitCode: 2 });
      const secret = await readKeyFile(opts.keyFile);
      const bar = progressBar();
      try {
        const result = await pseudonymiseFile({
          secret,
          input: opts.in as string,
          output: opts.out as string,
          cprColumns,
          keyVersion: opts.keyVersion,
          onProgress: (phase, done, total) => bar.update(phase, done, total),
        });
        bar.done();
        const cpr = result.stats.cpr;
        printTable([
          { measure: 'rows', value: String(result.rows) },
          { measure: 'distinct CPR numbers (= distinct pseudonyms)', value: String(result.stats.distinct) },
          ...CPR_STATUSES.map((s) => ({ measure: `  ${s}`, value: String(cpr?.[s] ?? 0) })),
        ]);
        process.stdout.write(`wrote ${opts.out}\n`);
      } finally {
        bar.done();
        secret.destroy();
      }
    });
}
