import type pg from 'pg';
import { findAccountById, principalOf } from './accounts.js';
import { hashOpaqueSecret, newOpaqueSecret } from './opaque-secrets.js';
import type { Principal } from './principal.js';

/** Personal API tokens for the CLI start with this prefix so they are told apart from JWTs. */
export const API_TOKEN_PREFIX = 'kls';

export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export async function createApiToken(
  tx: pg.PoolClient,
  accountId: string,
  name: string,
  expiresInDays: number | undefined,
): Promise<{ token: string; info: ApiTokenInfo }> {
  const { secret, hash } = newOpaqueSecret(API_TOKEN_PREFIX);
  const { rows } = await tx.query<RawToken>(
    `INSERT INTO api_tokens (account_id, name, token_hash, expires_at)
     VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(days => $4::int) END)
     RETURNING ${TOKEN_COLUMNS}`,
    [accountId, name, hash, expiresInDays ?? null],
  );
  return { token: secret, info: toInfo(rows[0] as RawToken) };
}

export async function listApiTokens(db: pg.Pool, accountId: string): Promise<ApiTokenInfo[]> {
  const { rows } = await db.query<RawToken>(
    `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at`,
    [accountId],
  );
  return rows.map(toInfo);
}

export async function revokeApiToken(tx: pg.PoolClient, accountId: string, id: string): Promise<boolean> {
  const result = await tx.query(
    'UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL',
    [id, accountId],
  );
  return result.rowCount === 1;
}

/** Resolves a presented token to its owner's current roles; revoked, expired or disabled → undefined. */
export async function principalForApiToken(db: pg.Pool, token: string): Promise<Principal | undefined> {
  const { rows } = await db.query<{ account_id: string }>(
    `UPDATE api_tokens SET last_used_at = now()
     WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
     RETURNING account_id`,
    [hashOpaqueSecret(token)],
  );
  const accountId = rows[0]?.account_id;
  if (!accountId) return undefined;
  const account = await findAccountById(db, accountId);
  if (!account || account.disabled) return undefined;
  return principalOf(account, 'api_token');
}

const TOKEN_COLUMNS = 'id, name, created_at, expires_at, last_used_at';

interface RawToken {
  id: string;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

function toInfo(row: RawToken): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}
