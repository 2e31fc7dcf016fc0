import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { decodeEvent, isAuditError, parseTilePath, toBase64 } from '../../../audit/index.js';
import { Integrator } from '../../../audit/store/integrator.js';
import { LogReader } from '../../../audit/store/log-reader.js';
import { type Witness, WitnessCosigner } from '../../../audit/store/witness-cosigner.js';
import { KlarsynError } from '../errors.js';
import { errorBody } from '../http/schemas.js';
import { leaderTasksOf } from '../leadership/leader-tasks.js';
import { loadOrCreateLogKey } from './log-key.js';
import {
  checkpointBody,
  consistencyBody,
  consistencyQuery,
  entriesBody,
  entriesQuery,
  entryBody,
  entryQuery,
  indexParams,
  keyBody,
  sizeParams,
  tileParams,
} from './log-schemas.js';

export interface LogRoutesOptions {
  pool: pg.Pool;
  dataDir: string;
  /** The log's identity in checkpoints; also the name of its signing key. */
  origin?: string;
  /** Witnesses (C2SP tlog-witness) asked to cosign every new checkpoint. */
  witnesses?: Witness[];
  /** Serve only checkpoints cosigned by this many of them. */
  witnessQuorum?: number;
}

export const DEFAULT_ORIGIN = 'klarsyn.local/log';
const MAX_RANGE = 1000;
const PUBLIC = { access: 'public' } as const;
const text = (description: string) => ({
  description,
  content: { 'text/plain': { schema: { type: 'string' } } },
});
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The public transparency log (no login): checkpoints, entries, proofs and the C2SP tlog-tiles
 * resources, all verifiable with klarsyn/audit. Runs the integrator that turns appended events
 * into signed checkpoints. Prefix: /api/v1/log.
 */
export default async function logRoutes(app: FastifyInstance, opts: LogRoutesOptions): Promise<void> {
  const origin = opts.origin ?? DEFAULT_ORIGIN;
  const signer = loadOrCreateLogKey(join(opts.dataDir, 'keys', 'transparency-log.key'), origin);
  const witnesses = opts.witnesses ?? [];
  const quorum = opts.witnessQuorum ?? 0;
  if (quorum > witnesses.length) {
    throw new KlarsynError(
      'config_invalid',
      `witness quorum ${quorum} exceeds the ${witnesses.length} witnesses`,
    );
  }
  const reader = new LogReader(opts.pool, { witnessQuorum: quorum });
  const cosigner = new WitnessCosigner(opts.pool, reader, witnesses, {
    logKey: signer.text,
    onError: (err, witness) => app.log.warn({ err, witness: witness.url }, 'witness did not cosign'),
  });
  const integrator = new Integrator(opts.pool, {
    origin,
    signer,
    onError: (err) => app.log.error({ err }, 'transparency log integration failed'),
  });
  // Every replica checks at start that the stored log is this origin's and key's; only the leader
  // integrates and asks witnesses (any number could: they serialise on the tree lock).
  app.addHook('onReady', () => integrator.ensureCheckpoint());
  const leaderTasks = leaderTasksOf(app);
  leaderTasks.add({ name: 'log-integrator', start: () => integrator.start(), stop: () => integrator.stop() });
  if (witnesses.length > 0) {
    leaderTasks.add({ name: 'witness-cosigner', start: () => cosigner.start(), stop: () => cosigner.stop() });
  }
  app.addHook('onClose', async () => {
    await cosigner.stop();
    await integrator.stop();
  });

  const latest = async () => {
    const cp = await reader.latest();
    if (!cp) throw new KlarsynError('unavailable', 'the log has no published checkpoint yet');
    return cp;
  };

  app.get(
    '/checkpoint',
    {
      config: PUBLIC,
      schema: {
        summary: 'Latest signed checkpoint (C2SP tlog-checkpoint with witness cosignatures)',
        response: { 200: text('signed note'), 503: errorBody },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send((await latest()).note),
  );

  app.get(
    '/key',
    { config: PUBLIC, schema: { summary: "The log's origin and verifier key", response: { 200: keyBody } } },
    async () => ({ origin, verifierKey: signer.text }),
  );

  app.get<{ Params: { size: number } }>(
    '/checkpoints/:size',
    {
      config: PUBLIC,
      schema: {
        summary: 'The checkpoint signed at a tree size',
        params: sizeParams,
        response: { 200: checkpointBody, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const cp = await reader.checkpointAt(request.params.size);
      if (!cp) throw new KlarsynError('not_found', `no checkpoint of size ${request.params.size}`);
      return { size: cp.size, root: toBase64(cp.root), note: cp.note, createdAt: cp.createdAt.toISOString() };
    },
  );

  app.get<{ Querystring: { start: number; end: number } }>(
    '/entries',
    {
      config: PUBLIC,
      schema: {
        summary: `Entries [start, end), at most ${MAX_RANGE}, as base64 canonical JSON`,
        querystring: entriesQuery,
        response: { 200: entriesBody, 400: errorBody },
      },
    },
    async (request) => {
      const { start, end } = request.query;
      if (end <= start || end - start > MAX_RANGE) {
        throw new KlarsynError('bad_request', `need start < end <= start + ${MAX_RANGE}`);
      }
      const entries = await reader.entries(start, end);
      return { entries: entries.map((e) => ({ index: e.index, data: toBase64(e.data) })) };
    },
  );

  app.get<{ Params: { index: number }; Querystring: { size?: number } }>(
    '/entries/:index',
    {
      config: PUBLIC,
      schema: {
        summary: 'One entry with its inclusion proof in a checkpoint (default the latest)',
        params: indexParams,
        querystring: entryQuery,
        response: { 200: entryBody, 400: errorBody, 404: errorBody, 503: errorBody },
      },
    },
    async (request) => {
      const { index } = request.params;
      const cp =
        request.query.size === undefined ? await latest() : await reader.checkpointAt(request.query.size);
      if (!cp) throw new KlarsynError('not_found', `no checkpoint of size ${request.query.size}`);
      if (index >= cp.size)
        throw new KlarsynError('not_found', `entry ${index} is not in the tree of size ${cp.size}`);
      const [entry] = await reader.entries(index, index + 1);
      if (!entry) throw new KlarsynError('not_found', `entry ${index} is missing`);
      const proof = await reader.inclusionProof(index, cp.size);
      return {
        index,
        size: cp.size,
        data: toBase64(entry.data),
        event: decodable(entry.data),
        proof: proof.map(toBase64),
        checkpoint: cp.note,
      };
    },
  );

  app.get<{ Querystring: { from: number; to: number } }>(
    '/proofs/consistency',
    {
      config: PUBLIC,
      schema: {
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: consistencyQuery,
        response: { 200: consistencyBody, 400: errorBody },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const proof = await asBadRequest(() => reader.consistencyProof(from, to));
      return { from, to, proof: proof.map(toBase64) };
    },
  );

  app.get<{ Params: { '*': string } }>(
    '/tile/*',
    {
      config: PUBLIC,
      schema: {
        summary:
          'C2SP tlog-tiles: tile/<L>/<N>[.p/<W>] hash tiles and tile/entries/<N>[.p/<W>] entry bundles',
        params: tileParams,
        response: {
          200: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          404: errorBody,
        },
      },
    },
    async (request, reply) => {
      const path = parseTilePath(`tile/${request.params['*']}`);
      if (!path) throw new KlarsynError('not_found', 'not a tlog-tiles path');
      const bytes =
        path.level === 'entries'
          ? await asBadRequest(() => reader.entryBundle(path.index, path.width), 'not_found')
          : await reader.tile(path.level, path.index, path.width);
      if (!bytes) throw new KlarsynError('not_found', 'no such tile in the log yet');
      return reply
        .type('application/octet-stream')
        .header('cache-control', IMMUTABLE)
        .send(Buffer.from(bytes));
    },
  );
}

function decodable(data: Uint8Array): unknown {
  try {
    return decodeEvent(data);
  } catch {
    return null;
  }
}

/** The reader refuses sizes beyond the latest checkpoint; that is the caller's mistake. */
async function asBadRequest<T>(
  fn: () => Promise<T>,
  code: 'bad_request' | 'not_found' = 'bad_request',
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isAuditError(e, 'invalid_argument')) throw new KlarsynError(code, e.message);
    throw e;
  }
}
