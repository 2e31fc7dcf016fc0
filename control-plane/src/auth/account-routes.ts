import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { inTransaction } from '../db/transaction.js';
import { KlarsynError } from '../errors.js';
import { commonErrors, errorBody } from '../http/schemas.js';
import {
  type AccountRow,
  findAccountById,
  insertAccount,
  listAccounts,
  replaceGrants,
  setDisabled,
} from './accounts.js';
import { hashPassword } from './passwords.js';
import type { RoleGrant } from './principal.js';
import { accountBody, accountPatchRequest, idParams, newAccountRequest } from './schemas.js';

const ADMIN = ['admin'] as const;

function view(a: AccountRow) {
  return {
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    disabled: a.disabled,
    roles: a.grants,
  };
}

/** Account administration. Prefix: /api/v1/accounts. */
export default async function accountRoutes(app: FastifyInstance, opts: { pool: pg.Pool }): Promise<void> {
  const { pool } = opts;

  app.get(
    '/',
    {
      config: { access: ADMIN },
      schema: {
        summary: 'List accounts',
        response: { 200: { type: 'array', items: accountBody }, ...commonErrors },
      },
    },
    async () => (await listAccounts(pool)).map(view),
  );

  app.post<{ Body: { username: string; displayName: string; password?: string; roles: RoleGrant[] } }>(
    '/',
    {
      config: { access: ADMIN },
      schema: {
        summary: 'Create a local account',
        body: newAccountRequest,
        response: { 201: accountBody, 409: errorBody, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { username, displayName, password, roles } = request.body;
      const passwordHash = password ? await hashPassword(password) : null;
      const id = await inTransaction(pool, (tx) =>
        insertAccount(tx, { username, displayName, passwordHash, grants: roles }),
      );
      request.log.info({ event: 'account_created', accountId: id }, 'account created');
      return reply.code(201).send(view((await findAccountById(pool, id)) as AccountRow));
    },
  );

  app.patch<{ Params: { id: string }; Body: { disabled?: boolean; roles?: RoleGrant[] } }>(
    '/:id',
    {
      config: { access: ADMIN },
      schema: {
        summary: 'Change roles or disable an account',
        params: idParams,
        body: accountPatchRequest,
        response: { 200: accountBody, 404: errorBody, ...commonErrors },
      },
    },
    async (request) => {
      const { id } = request.params;
      await inTransaction(pool, async (tx) => {
        if (!(await findAccountById(tx, id))) throw new KlarsynError('not_found', 'no such account');
        if (request.body.roles) await replaceGrants(tx, id, request.body.roles);
        if (request.body.disabled !== undefined) await setDisabled(tx, id, request.body.disabled);
      });
      request.log.info({ event: 'account_changed', accountId: id }, 'account changed');
      return view((await findAccountById(pool, id)) as AccountRow);
    },
  );
}
