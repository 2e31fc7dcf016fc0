import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { generateKey, parseSignerKey, parseVerifierKey, SIGNATURE_TYPE } from '../../../../audit/index.js';
import { KlarsynError } from '../../errors.js';
import { buildWitnessServer } from '../../register/witness-server.js';
import { portOption } from '../options.js';

/**
 * Run a transparency-log witness (C2SP tlog-witness) for Klarsyn logs or any log that signs
 * C2SP checkpoints with Ed25519: it cosigns a checkpoint only if it extends the last one it saw.
 */
export function register(program: Command): void {
  const witness = program
    .command('witness')
    .description('run a witness that cosigns consistent log checkpoints');

  witness
    .command('keygen')
    .description('create a witness signing key file (mode 0600) and print its verifier key')
    .requiredOption('--name <name>', 'the witness name, e.g. witness.example.org/w1')
    .requiredOption('--out <file>', 'where to write the signer key')
    .action((opts: { name: string; out: string }) => {
      if (existsSync(opts.out))
        throw new KlarsynError('conflict', `${opts.out} exists; not overwriting a key`);
      const { signerKey, verifierKey } = generateKey(opts.name, SIGNATURE_TYPE.cosignatureV1);
      writeFileSync(opts.out, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
      process.stdout.write(`${verifierKey}\n`);
    });

  witness
    .command('serve')
    .description('serve POST /add-checkpoint')
    .requiredOption('--key-file <file>', 'the witness signer key (from witness keygen)')
    .requiredOption('--log <vkey...>', 'verifier key of a log to witness; its name is the log origin')
    .requiredOption('--state <file>', 'where the latest cosigned size per log is kept')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(portOption().default(8090))
    .action(async (opts: { keyFile: string; log: string[]; state: string; host: string; port: number }) => {
      const key = parseSignerKey(readFileSync(opts.keyFile, 'utf8').trim());
      if (key.type !== SIGNATURE_TYPE.cosignatureV1) {
        throw new KlarsynError('bad_request', `${opts.keyFile} is not a witness (cosignature/v1) key`);
      }
      const logs = opts.log.map((k) => parseVerifierKey(k));
      const app = buildWitnessServer({ key, logs, stateFile: opts.state });
      const url = await app.listen({ host: opts.host, port: opts.port });
      process.stderr.write(
        `klarsyn witness ${key.text}\nwitnessing ${logs.map((l) => l.name).join(', ')} on ${url}\n`,
      );
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.once(signal, () => void app.close().then(() => process.exit(0)));
      }
      await new Promise(() => {});
    });
}
