import type { Command } from 'commander';
import { SigningKeyRing } from '../../auth/signing-keys.js';
import { signingKeyDir } from '../../server.js';
import { commandConfig } from '../context.js';

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
}
