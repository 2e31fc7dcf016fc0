import { createHash } from 'node:crypto';
import type pg from 'pg';
import { KlarsynError } from '../errors.js';
import type { ExternalIdentity } from './access-tokens.js';
import { type Principal, ROLES, type RoleGrant } from './principal.js';

type Queryable = pg.Pool | pg.PoolClient;

export interface AccountRow {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string | null;
  disabled: boolean;
  grants: RoleGrant[];
}

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._@-]{1,63}$';
export const AUTHORITY_PATTERN = '^[A-Z][A-Z0-9-]{1,15}$';

const SELECT_ACCOUNT = `
  SELECT a.id, a.username, a.display_name, a.password_hash, a.disabled_at IS NOT NULL AS disabled,
         coalesce(json_agg(json_build_object('role', r.role, 'authority', r.authority) ORDER BY r.role, r.authority)
                  FILTER (WHERE r.role IS NOT NULL), '[]') AS grants
  FROM accounts a LEFT JOIN account_roles r ON r.account_id = a.id`;

interface RawAccount {
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  disabled: boolean;
  grants: { role: RoleGrant['role']; authority: string }[];
}

function toAccount(row: RawAccount): AccountRow {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    disabled: row.disabled,
    grants: row.grants.map((g) =>
      g.authority ? { role: g.role, authority: g.authority } : { role: g.role },
    ),
  };
}

export async function findAccountByUsername(
  db: Queryable,
  username: string,
): Promise<AccountRow | undefined> {
  const { rows } = await db.query<RawAccount>(`${SELECT_ACCOUNT} WHERE a.username = $1 GROUP BY a.id`, [
    username,
  ]);
  return rows[0] && toAccount(rows[0]);
}

export async function findAccountById(db: Queryable, id: string): Promise<AccountRow | undefined> {
  const { rows } = await db.query<RawAccount>(`${SELECT_ACCOUNT} WHERE a.id = $1 GROUP BY a.id`, [id]);
  return rows[0] && toAccount(rows[0]);
}

export async function listAccounts(db: Queryable): Promise<AccountRow[]> {
  const { rows } = await db.query<RawAccount>(`${SELECT_ACCOUNT} GROUP BY a.id ORDER BY a.username`);
  return rows.map(toAccount);
}

export interface NewAccount {
  username: string;
  displayName: string;
  passwordHash: string | null;
  grants: RoleGrant[];
}

export async function insertAccount(tx: pg.PoolClient, account: NewAccount): Promise<string> {
  const existing = await tx.query('SELECT 1 FROM accounts WHERE username = $1', [account.username]);
  if (existing.rowCount) throw new KlarsynError('conflict', `account ${account.username} already exists`);
  const { rows } = await tx.query<{ id: string }>(
    'INSERT INTO accounts (username, display_name, password_hash) VALUES ($1, $2, $3) RETURNING id',
    [account.username, account.displayName, account.passwordHash],
  );
  const id = (rows[0] as { id: string }).id;
  await replaceGrants(tx, id, account.grants);
  return id;
}

export async function replaceGrants(
  tx: pg.PoolClient,
  accountId: string,
  grants: RoleGrant[],
): Promise<void> {
  for (const g of grants) {
    if (g.role === 'steward' && !g.authority) {
      throw new KlarsynError('validation_failed', 'a steward role needs the data authority it acts for');
    }
    if (g.role !== 'steward' && g.authority) {
      throw new KlarsynError('validation_failed', `role ${g.role} is not bound to an authority`);
    }
  }
  await tx.query('DELETE FROM account_roles WHERE account_id = $1', [accountId]);
  for (const g of grants) {
    await tx.query(
      'INSERT INTO account_roles (account_id, role, authority) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [accountId, g.role, g.authority ?? ''],
    );
  }
}

export async function setDisabled(tx: pg.PoolClient, accountId: string, disabled: boolean): Promise<boolean> {
  const result = await tx.query(
    `UPDATE accounts SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END WHERE id = $1`,
    [accountId, disabled],
  );
  return result.rowCount === 1;
}

/** External identities get an account row so other domains can name them as actors. */
export async function upsertExternalAccount(db: Queryable, identity: ExternalIdentity): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO accounts (username, display_name, external_issuer, external_subject)
     VALUES ($1, $1, $2, $3)
     ON CONFLICT (external_issuer, external_subject) WHERE external_issuer IS NOT NULL
     DO UPDATE SET display_name = accounts.display_name
     RETURNING id`,
    [`ext-${shortHash(identity.issuer, identity.subject)}`, identity.issuer, identity.subject],
  );
  return (rows[0] as { id: string }).id;
}

export function principalOf(account: AccountRow, via: Principal['via']): Principal {
  const roles = ROLES.filter((r) => account.grants.some((g) => g.role === r));
  const authorities = account.grants.filter((g) => g.role === 'steward').map((g) => g.authority as string);
  return { accountId: account.id, username: account.username, roles, authorities, via };
}

function shortHash(issuer: string, subject: string): string {
  return createHash('sha256').update(`${issuer}\n${subject}`).digest('hex').slice(0, 16);
}
