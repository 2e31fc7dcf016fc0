import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  decideAddCheckpoint,
  fromBase64,
  isAuditError,
  parseAddCheckpointRequest,
  type SignerKey,
  toBase64,
  type VerifierKey,
  type WitnessView,
} from '../../../audit/index.js';

export interface WitnessServerOptions {
  /** The witness's cosignature/v1 (type 0x04) signer key. */
  key: SignerKey;
  /** Logs it witnesses; each key's name is the log's origin. */
  logs: readonly VerifierKey[];
  /** JSON file of the latest cosigned size and root per origin. */
  stateFile: string;
}

/**
 * A C2SP tlog-witness: POST /add-checkpoint verifies the log's signature and the consistency
 * proof from the size it cosigned last, persists the new size, and answers with its cosignature.
 * Check and update happen under one lock, and the state is on disk before the answer leaves.
 */
export function buildWitnessServer(opts: WitnessServerOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: 64 * 1024 });
  const logKeys = new Map<string, VerifierKey[]>();
  for (const k of opts.logs) logKeys.set(k.name, [...(logKeys.get(k.name) ?? []), k]);
  const views = readViews(opts.stateFile);
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => T): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  // The spec fixes the body format, not its content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post(
    '/add-checkpoint',
    {
      schema: {
        summary: 'C2SP tlog-witness add-checkpoint',
        body: { type: 'string' },
        response: {
          200: reason('cosignature lines'),
          400: reason('malformed request'),
          403: reason('not signed by a trusted key of the log'),
          404: reason('unknown log origin'),
          409: {
            description: 'old size differs',
            content: { 'text/x.tlog.size': { schema: { type: 'string' } } },
          },
          422: reason('consistency proof does not verify'),
        },
      },
    },
    async (request, reply) => {
      let req: ReturnType<typeof parseAddCheckpointRequest>;
      try {
        req = parseAddCheckpointRequest(request.body as string);
      } catch (e) {
        if (isAuditError(e)) return reply.code(400).type('text/plain').send(`${e.message}\n`);
        throw e;
      }
      const decision = await exclusive(() => {
        const origin = req.checkpoint.slice(0, req.checkpoint.indexOf('\n'));
        const result = decideAddCheckpoint(req, logKeys, views.get(origin), opts.key);
        if (result.status === 200) {
          views.set(result.view.origin, { size: result.view.size, root: result.view.root });
          writeViews(opts.stateFile, views);
        }
        return result;
      });
      if (decision.status !== 200)
        request.log.warn({ status: decision.status, body: decision.body }, 'checkpoint refused');
      return reply
        .code(decision.status)
        .type(
          'contentType' in decision && decision.contentType
            ? decision.contentType
            : 'text/plain; charset=utf-8',
        )
        .send(decision.body);
    },
  );
  return app;
}

function reason(description: string) {
  return { description, content: { 'text/plain': { schema: { type: 'string' } } } };
}

function readViews(file: string): Map<string, WitnessView> {
  const views = new Map<string, WitnessView>();
  if (!existsSync(file)) return views;
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { size: number; root: string }>;
  for (const [origin, v] of Object.entries(stored))
    views.set(origin, { size: v.size, root: fromBase64(v.root) as Uint8Array });
  return views;
}

/** Write, fsync, rename: after a crash the file holds either the old or the new state, whole. */
function writeViews(file: string, views: Map<string, WitnessView>): void {
  const out = Object.fromEntries([...views].map(([o, v]) => [o, { size: v.size, root: toBase64(v.root) }]));
  const fd = openSync(`${file}.tmp`, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(out, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${file}.tmp`, file);
}
