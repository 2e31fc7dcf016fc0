import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import { KlarsynError } from '../../errors.js';
import { installErrorHandler } from '../../http/error-handler.js';
import { openReleaseService, type ReleaseService } from '../../outputs/release/index.js';
import { isActive } from '../../projects/status.js';
import { getProject } from '../../projects/store.js';
import { outboxPrefix } from '../../storage/layout.js';
import { assertObjectKey } from '../../storage/object-key.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { listOutbox } from '../outbox-files.js';
import { type Workspace, workspaceByCertificate } from '../store.js';
import { launchedExtractVersion } from './extract-version.js';
import type { WorkspaceCa } from './workspace-ca.js';

export interface OutboxServerOptions {
  pool: pg.Pool;
  log: TransparencyLog;
  store: ObjectStore;
  ca: WorkspaceCa;
  /** Names (and addresses) workspaces connect to, for the server certificate. */
  serverNames: string[];
  /** Where to listen: a Unix socket (local sandboxes) or a TCP port (Kubernetes). */
  listen: { path: string } | { host: string; port: number };
  logger: Logger;
  /** Where submissions go; by default a release service on the same database, log and store. */
  releases?: ReleaseService;
}

/** Files a workspace may put into its outbox through the service, per request. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const today = () => new Date().toISOString().slice(0, 10);

declare module 'fastify' {
  interface FastifyRequest {
    workspace: Workspace | undefined;
  }
}

/**
 * The service `klarsyn-outbox` talks to from inside a workspace, over mutual TLS: the client
 * certificate from the workspace CA names the workspace, and only a running workspace's newest
 * certificate is accepted. It lists and adds outbox files and submits them for output control.
 */
export async function startOutboxServer(options: OutboxServerOptions): Promise<FastifyInstance> {
  const server = options.ca.issueServer(options.serverNames);
  // Typed as the plain instance: the HTTPS server differs only in how it listens.
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    https: {
      key: server.privateKeyPem,
      cert: server.certificatePem,
      ca: [options.ca.caPem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
  }) as unknown as FastifyInstance;
  installErrorHandler(app);
  app.decorateRequest('workspace', undefined);
  app.addHook('onRequest', async (request) => {
    request.workspace = await authenticate(options.pool, request);
  });
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES },
    (_request, body, done) => done(null, body),
  );

  const outbox = (w: Workspace) => outboxPrefix(w.projectId, w.id);
  const releases =
    options.releases ??
    openReleaseService({
      pool: options.pool,
      log: options.log,
      store: options.store,
      workspaceExtractVersion: launchedExtractVersion(options.pool),
    });

  app.get('/v1/outbox', async (request) => {
    const workspace = request.workspace as Workspace;
    return listOutbox(options.store, workspace.projectId, workspace.id);
  });

  app.put<{ Params: { name: string }; Body: Buffer }>(
    '/v1/outbox/:name',
    { schema: { params: { type: 'object', properties: { name: { type: 'string', maxLength: 255 } } } } },
    async (request) => {
      const workspace = request.workspace as Workspace;
      if (!Buffer.isBuffer(request.body)) {
        throw new KlarsynError('unsupported_media_type', 'send the file as application/octet-stream');
      }
      assertObjectKey(request.params.name);
      const stored = await options.store.put(`${outbox(workspace)}${request.params.name}`, request.body);
      return { name: request.params.name, size: stored.size, sha256: stored.sha256 };
    },
  );

  app.post<{ Body: { files: string[]; context: string } }>(
    '/v1/submissions',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['files', 'context'],
          properties: {
            files: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              uniqueItems: true,
              items: { type: 'string' },
            },
            context: { type: 'string', minLength: 1, maxLength: 20_000 },
          },
        },
      },
    },
    async (request) => {
      const workspace = request.workspace as Workspace;
      // A release request by the workspace's creator, composed from the outbox and submitted: the
      // files are copied out of the outbox, checked automatically and handed to the reviewers.
      const submitted = await releases.submitFromOutbox({
        projectId: workspace.projectId,
        workspaceId: workspace.id,
        author: workspace.createdBy,
        files: request.body.files,
        context: request.body.context,
      });
      return {
        id: submitted.id,
        status: submitted.status,
        files: submitted.files.map((f) => ({
          name: f.name,
          size: f.size,
          sha256: f.sha256,
          verdict: f.verdict,
        })),
      };
    },
  );

  await app.listen('path' in options.listen ? { path: options.listen.path } : options.listen);
  return app;
}

/** The workspace a verified client certificate stands for, if it may use the service now. */
async function authenticate(pool: pg.Pool, request: FastifyRequest): Promise<Workspace> {
  const certificate = (request.raw.socket as TLSSocket).getPeerCertificate();
  const id = certificate?.subject?.CN;
  if (!id || !certificate.serialNumber)
    throw new KlarsynError('unauthenticated', 'a workspace certificate is required');
  const workspace = await workspaceByCertificate(pool, String(id), certificate.serialNumber.toUpperCase());
  if (!workspace) {
    throw new KlarsynError(
      'forbidden',
      'this certificate does not (or no longer) belong to a running workspace',
    );
  }
  const project = await getProject(pool, workspace.projectId);
  if (!project || !isActive(project.status, project.application.deletionDate, today())) {
    throw new KlarsynError('forbidden', 'the project has ended');
  }
  return workspace;
}
