import type { Command } from 'commander';
import { listAccounts } from '../../auth/accounts.js';
import { generatePassword, parseRoleGrant, upsertLocalAccount } from '../../auth/local-accounts.js';
import type { RoleGrant } from '../../auth/principal.js';
import { printTable } from '../context.js';
import { withDatabase } from '../database.js';

export function register(program: Command): void {
  const user = program.command('user').description('manage local accounts');

  user
    .command('add <username>')
    .description('create a local account; prints a generated password unless --password-stdin is given')
    .requiredOption('-r, --role <role...>', 'researcher, reviewer, admin or steward:<AUTHORITY> (repeatable)')
    .option('-n, --name <display name>', 'display name (default: the username)')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      async (
        username: string,
        opts: { role: string[]; name?: string; passwordStdin?: boolean },
        command: Command,
      ) => {
        const grants: RoleGrant[] = opts.role.map(parseRoleGrant);
        const password = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : generatePassword();
        await withDatabase(command, (db) =>
          upsertLocalAccount(db.pool, { username, displayName: opts.name ?? username, password, grants }),
        );
        process.stdout.write(`created ${username} (${opts.role.join(', ')})\n`);
        if (!opts.passwordStdin) process.stdout.write(`password: ${password}\n`);
      },
    );

  user
    .command('list')
    .description('list accounts and their roles')
    .action(async (_opts: unknown, command: Command) => {
      const accounts = await withDatabase(command, (db) => listAccounts(db.pool));
      printTable(
        accounts.map((a) => ({
          username: a.username,
          name: a.displayName,
          roles: a.grants.map((g) => (g.authority ? `${g.role}:${g.authority}` : g.role)).join(', '),
          status: a.disabled ? 'disabled' : 'active',
        })),
      );
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
