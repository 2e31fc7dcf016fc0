import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { TransparencyLog } from '../../../audit/store/transparency-log.js';
import type { Principal } from '../auth/principal.js';
import { inTransaction } from '../db/transaction.js';
import { KlarsynError } from '../errors.js';
import { commonErrors, errorBody } from '../http/schemas.js';
import { parseSource } from './catalog-file.js';
import type { Source } from './model.js';
import { publishCatalog } from './publish.js';
import { authoritySchema, sourceSchema } from './schemas.js';
import { loadCatalog, sourceAuthority } from './store.js';

const sourceParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } },
} as const;

/** The public catalog and stewards' edits of their own authority's sources. Prefix: /api/v1/catalog. */
export default async function catalogRoutes(
  app: FastifyInstance,
  opts: { pool: pg.Pool; log: TransparencyLog },
): Promise<void> {
  const { pool, log } = opts;

  app.get(
    '/authorities',
    {
      config: { access: 'public' },
      schema: { summary: 'Data authorities', response: { 200: { type: 'array', items: authoritySchema } } },
    },
    async () => (await loadCatalog(pool)).authorities,
  );

  app.get(
    '/sources',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Data sources with their variables',
        response: { 200: { type: 'array', items: sourceSchema } },
      },
    },
    async () => (await loadCatalog(pool)).sources,
  );

  app.get<{ Params: { id: string } }>(
    '/sources/:id',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One data source',
        params: sourceParams,
        response: { 200: sourceSchema, 404: errorBody },
      },
    },
    async (request) => {
      const source = (await loadCatalog(pool)).sources.find((s) => s.id === request.params.id);
      if (!source) throw new KlarsynError('not_found', `no source ${request.params.id}`);
      return source;
    },
  );

  app.put<{ Params: { id: string }; Body: Source }>(
    '/sources/:id',
    {
      config: { access: ['steward', 'admin'] },
      schema: {
        summary: "Publish or change a source of the steward's own authority",
        params: sourceParams,
        body: sourceSchema,
        response: { 200: sourceSchema, 404: errorBody, ...commonErrors },
      },
    },
    async (request) => {
      const principal = request.principal as Principal;
      if (request.body.id !== request.params.id)
        throw new KlarsynError('validation_failed', 'body id differs from the URL');
      const source = await inTransaction(pool, async (tx) => {
        const current = await loadCatalog(tx);
        const parsed = parseSource(request.body, current);
        const owner = await sourceAuthority(tx, parsed.id);
        for (const authority of new Set([parsed.authority, owner ?? parsed.authority])) {
          if (!principal.roles.includes('admin') && !principal.authorities.includes(authority)) {
            throw new KlarsynError('forbidden', `only stewards of ${authority} may change its sources`);
          }
        }
        await publishCatalog(
          tx,
          log,
          { authorities: [], sources: [parsed] },
          `account:${principal.accountId}`,
        );
        return parsed;
      });
      return source;
    },
  );
}
