import type pg from 'pg';
import { hashOpaqueSecret, newOpaqueSecret } from './opaque-secrets.js';

export const REFRESH_COOKIE = 'klarsyn_refresh';

export async function openRefreshSession(
  db: pg.Pool | pg.PoolClient,
  accountId: string,
  ttlSeconds: number,
): Promise<string> {
  const { secret, hash } = newOpaqueSecret('klr');
  await db.query(
    `INSERT INTO refresh_sessions (account_id, token_hash, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
    [accountId, hash, ttlSeconds],
  );
  return secret;
}

/**
 * Spends a refresh token: it is revoked on use and the caller issues a new one, so a stolen token
 * that is replayed after its owner used it fails.
 */
export async function spendRefreshSession(tx: pg.PoolClient, secret: string): Promise<string | undefined> {
  const { rows } = await tx.query<{ account_id: string }>(
    `UPDATE refresh_sessions SET revoked_at = now()
     WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING account_id`,
    [hashOpaqueSecret(secret)],
  );
  return rows[0]?.account_id;
}

export async function revokeRefreshSession(db: pg.Pool, secret: string): Promise<void> {
  await db.query(
    'UPDATE refresh_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashOpaqueSecret(secret)],
  );
}
