import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';
import { KlarsynError } from '../errors.js';
import {
  AUTHORITY_PATTERN,
  findAccountByUsername,
  insertAccount,
  replaceGrants,
  USERNAME_PATTERN,
} from './accounts.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { ROLES, type Role, type RoleGrant } from './principal.js';

/** Parses `steward:SDS`, `researcher`, … as typed on the command line. */
export function parseRoleGrant(text: string): RoleGrant {
  const [role, authority] = text.split(':');
  if (!ROLES.includes(role as Role)) {
    throw new KlarsynError('validation_failed', `unknown role "${role}" (roles: ${ROLES.join(', ')})`);
  }
  if (role === 'steward') {
    if (!authority || !new RegExp(AUTHORITY_PATTERN).test(authority)) {
      throw new KlarsynError('validation_failed', 'a steward needs its data authority, e.g. steward:SDS');
    }
    return { role, authority };
  }
  if (authority) throw new KlarsynError('validation_failed', `role ${role} takes no authority`);
  return { role: role as Role };
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export interface AccountSpec {
  username: string;
  displayName: string;
  password: string;
  grants: RoleGrant[];
}

/** Creates the account, or with `update` resets password and roles of an existing one (idempotent seeding). */
export async function upsertLocalAccount(
  pool: pg.Pool,
  spec: AccountSpec,
  update = false,
): Promise<'created' | 'updated'> {
  if (spec.password.length < MIN_PASSWORD_LENGTH) {
    throw new KlarsynError(
      'validation_failed',
      `password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  if (!new RegExp(USERNAME_PATTERN).test(spec.username)) {
    throw new KlarsynError(
      'validation_failed',
      'username: 2–64 of a-z 0-9 . _ @ -, starting with a letter or digit',
    );
  }
  const passwordHash = await hashPassword(spec.password);
  return inTransaction(pool, async (tx) => {
    const existing = await findAccountByUsername(tx, spec.username);
    if (!existing) {
      await insertAccount(tx, {
        username: spec.username,
        displayName: spec.displayName,
        passwordHash,
        grants: spec.grants,
      });
      return 'created';
    }
    if (!update) throw new KlarsynError('conflict', `account ${spec.username} already exists`);
    await tx.query('UPDATE accounts SET password_hash = $2, display_name = $3 WHERE id = $1', [
      existing.id,
      passwordHash,
      spec.displayName,
    ]);
    await replaceGrants(tx, existing.id, spec.grants);
    return 'updated';
  });
}
