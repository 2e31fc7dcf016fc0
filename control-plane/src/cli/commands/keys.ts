import type { Command } from 'commander';
import { SigningKeyRing } from '../../auth/signing-keys.js';
import { signingKeyDir } from '../../server.js';
import { commandConfig } from '../context.js';
import { writeInstallKeys } from '../install-keys.js';

export function register(program: Command): void {
  const keys = program.command('keys').description('manage signing keys');
  keys
    .command('rotate-token-key')
    .description(
      'add a new access-token signing key; tokens signed by older keys stay valid until they expire',
    )
    .action(async (_opts: unknown, command: Command) => {
      const config = commandConfig(command);
      const ring = await SigningKeyRing.open(signingKeyDir(config), config.auth.accessTokenTtlSeconds);
      const kid = await ring.rotate();
      process.stdout.write(`new token signing key ${kid}; running servers pick it up on their next reload\n`);
    });
  keys
    .command('init')
    .argument('<dir>', 'an empty folder, e.g. on an encrypted, offline medium')
    .description(
      'generate the keys of a new Kubernetes install (master key, log signing key, token signing key, workspace CA), one folder per Secret',
    )
    .action(async (dir: string) => {
      const folders = await writeInstallKeys(dir);
      process.stdout.write(`keys written to ${dir}; create the Secrets with:\n`);
      for (const [secret, folder] of Object.entries(folders)) {
        process.stdout.write(
          `  kubectl -n klarsyn-system create secret generic ${secret} --from-file=${folder}\n`,
        );
      }
      process.stdout.write('then keep the folder offline: losing the master key loses every project key\n');
    });
}
