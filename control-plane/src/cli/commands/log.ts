import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import {
  type AuditError,
  decodeEvent,
  httpLogClient,
  isAuditError,
  leafHash,
  type MonitorState,
  monitorLog,
  parseVerifierKey,
  toBase64,
  verifyCheckpoint,
  verifyInclusion,
} from '../../../../audit/index.js';
import { rebuildTiles } from '../../../../audit/store/rebuild-tiles.js';
import { KlarsynError } from '../../errors.js';
import { printTable } from '../context.js';
import { withDatabase } from '../database.js';

/**
 * Monitor commands for anyone (no account, no database): verify the public log against the state
 * of the previous run, or check one entry's inclusion proof. One operator command works on the
 * server's own database. Failures exit 1 with the reason.
 */
export function register(program: Command): void {
  const log = program.command('log').description('verify the public transparency log of a Klarsyn server');

  log
    .command('verify')
    .description('check the latest checkpoint, its consistency with --state, and re-hash every new entry')
    .requiredOption('--url <url>', 'the Klarsyn server (or its /api/v1/log prefix)')
    .option('--state <file>', 'monitor state: read if present, written after a successful run')
    .option('--key <vkey...>', "the log's verifier key (default: from --state, else trusted on first use)")
    .option('--full', 're-hash all entries, not only those added since --state')
    .action(async (opts: { url: string; state?: string; key?: string[]; full?: boolean }) => {
      const client = httpLogClient(logBase(opts.url));
      const state = opts.state && existsSync(opts.state) ? readState(opts.state) : undefined;
      const keys = opts.key ?? state?.verifierKeys ?? [await firstUseKey(client)];
      const progress = progressLine();
      let result: Awaited<ReturnType<typeof monitorLog>>;
      try {
        result = await monitorLog(client, {
          verifierKeys: keys,
          ...(state ? { state } : {}),
          full: opts.full === true,
          onProgress: progress,
        });
      } catch (e) {
        progress.done();
        throw failure(e);
      }
      progress.done();
      if (opts.state) writeState(opts.state, result.state);
      printTable([
        {
          origin: result.state.origin,
          size: `${result.previousSize} → ${result.state.size}`,
          'entries re-hashed': String(result.checked),
          root: result.state.root,
        },
      ]);
      process.stdout.write(
        'log verified: consistent with the previous checkpoint, every entry in the tree\n',
      );
    });

  registerOperator(log);

  log
    .command('proof')
    .description("print and verify one entry's inclusion proof in a signed checkpoint")
    .requiredOption('--url <url>', 'the Klarsyn server (or its /api/v1/log prefix)')
    .requiredOption('--index <n>', 'entry index', parseIndex)
    .option('--key <vkey...>', "the log's verifier key (default: trusted on first use)")
    .action(async (opts: { url: string; index: number; key?: string[] }) => {
      const client = httpLogClient(logBase(opts.url));
      const keys = opts.key ?? [await firstUseKey(client)];
      try {
        const cp = verifyCheckpoint(await client.checkpoint(), keys);
        if (opts.index >= cp.size)
          throw new KlarsynError('not_found', `entry ${opts.index} is not in the log of size ${cp.size}`);
        const entry = await client.inclusion(opts.index, cp.size);
        const hash = leafHash(entry.data);
        const out = process.stdout;
        out.write(`entry ${opts.index} of ${cp.origin}, tree size ${cp.size}\n`);
        out.write(`root       ${toBase64(cp.root)}\nleaf hash  ${toBase64(hash)}\nproof\n`);
        for (const h of entry.proof) out.write(`  ${toBase64(h)}\n`);
        out.write(`event      ${JSON.stringify(decodeEvent(entry.data))}\n`);
        if (!verifyInclusion(hash, opts.index, cp.size, entry.proof, cp.root)) {
          throw new KlarsynError(
            'conflict',
            `inclusion proof of entry ${opts.index} does not verify against the signed root`,
          );
        }
        out.write('inclusion proof verified against the signed checkpoint\n');
      } catch (e) {
        throw failure(e);
      }
    });
}

/** Operator commands on this server's own database. */
function registerOperator(log: Command): void {
  log
    .command('rebuild-tiles')
    .description("recompute the log's tile cache from its entries, checking every signed checkpoint")
    .action(async (_opts: unknown, command: Command) => {
      const result = await withDatabase(command, async (db) => {
        try {
          return await rebuildTiles(db.pool);
        } catch (e) {
          throw failure(e);
        }
      });
      process.stdout.write(
        `tiles rebuilt for ${result.size} entries; ${result.checkpoints} checkpoints match\n`,
      );
    });
}

/** Accepts the server root or the log prefix. */
function logBase(url: string): string {
  const u = new URL(url);
  return u.pathname === '/' || u.pathname === '' ? `${u.origin}/api/v1/log` : url.replace(/\/+$/, '');
}

async function firstUseKey(client: ReturnType<typeof httpLogClient>): Promise<string> {
  const { verifierKey } = await client.verifierKey();
  parseVerifierKey(verifierKey);
  process.stderr.write(`klarsyn: trusting the key the log serves, on first use: ${verifierKey}\n`);
  return verifierKey;
}

function parseIndex(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

function readState(file: string): MonitorState {
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as MonitorState;
    if (typeof state.size !== 'number' || !Array.isArray(state.range) || !Array.isArray(state.verifierKeys)) {
      throw new Error('missing fields');
    }
    return state;
  } catch (e) {
    throw new KlarsynError('bad_request', `${file} is not a monitor state file: ${(e as Error).message}`);
  }
}

/** Replaces the state in one rename, so an interrupted run leaves the previous state intact. */
function writeState(file: string, state: MonitorState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Turns a verification failure into the one-line reason the CLI prints, evidence first. */
function failure(e: unknown): unknown {
  if (!isAuditError(e)) return e;
  const evidence = (e as AuditError).evidence;
  if (evidence && typeof evidence.index === 'number') {
    return new KlarsynError('conflict', `log verification failed at entry ${evidence.index}: ${e.message}`);
  }
  if (evidence && typeof evidence.checkpointSize === 'number') {
    return new KlarsynError(
      'conflict',
      `log entries contradict checkpoint ${evidence.checkpointSize}: ${e.message}`,
    );
  }
  if (evidence?.previous) {
    process.stderr.write(
      `previous checkpoint:\n${evidence.previous}\nlatest checkpoint:\n${evidence.latest}\n`,
    );
  }
  return new KlarsynError('conflict', `log verification failed (${e.code}): ${e.message}`);
}

function progressLine() {
  const tty = process.stderr.isTTY;
  let last = 0;
  const report = (checked: number, total: number) => {
    if (!tty || Date.now() - last < 200) return;
    last = Date.now();
    process.stderr.write(
      `\rre-hashing entries: ${checked}/${total} (${Math.floor((100 * checked) / total)}%)`,
    );
  };
  report.done = () => {
    if (tty && last > 0) process.stderr.write('\n');
  };
  return report;
}
