import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { errorBody } from './schemas.js';

const status = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;

/** Liveness says the process answers; readiness says it can serve, i.e. the database answers too. */
export function installHealth(app: FastifyInstance, pool: pg.Pool): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { summary: 'Liveness', response: { 200: status } } },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { summary: 'Readiness', response: { 200: status, 503: errorBody } },
    },
    async (request, reply) => {
      try {
        await pool.query('SELECT 1');
        return { status: 'ready' };
      } catch (err) {
        request.log.warn({ err }, 'database not reachable');
        return reply.code(503).send({ error: 'unavailable', message: 'database not reachable' });
      }
    },
  );
}
