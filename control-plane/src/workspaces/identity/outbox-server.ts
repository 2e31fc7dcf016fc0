import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TransparencyLog } from '../../../../audit/store/transparency-log.js';
import { inTransaction } from '../../db/transaction.js';
import { KlarsynError } from '../../errors.js';
import { installErrorHandler } from '../../http/error-handler.js';
import { isActive } from '../../projects/status.js';
import { getProject } from '../../projects/store.js';
import { outboxPrefix } from '../../storage/layout.js';
import { assertObjectKey } from '../../storage/object-key.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { WORKSPACE_OUTPUT_SUBMITTED } from '../events.js';
import { type Workspace, workspaceByCertificate } from '../store.js';
import { insertSubmission, type SubmittedFile } from './submissions.js';
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

  app.get('/v1/outbox', async (request) => {
    const workspace = request.workspace as Workspace;
    const files = [];
    for await (const object of options.store.list(outbox(workspace))) {
      files.push({
        name: object.key.slice(outbox(workspace).length),
        size: object.size,
        lastModified: object.lastModified.toISOString(),
      });
    }
    return files;
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
      const files: SubmittedFile[] = [];
      for (const name of request.body.files) {
        assertObjectKey(name);
        files.push({ name, ...(await digest(options.store, `${outbox(workspace)}${name}`, name)) });
      }
      return inTransaction(options.pool, async (tx) => {
        const submission = await insertSubmission(tx, {
          workspaceId: workspace.id,
          projectId: workspace.projectId,
          submittedBy: workspace.createdBy,
          files,
          context: request.body.context,
        });
        await options.log.append(
          {
            type: WORKSPACE_OUTPUT_SUBMITTED,
            actor: `workspace:${workspace.id}`,
            project: workspace.projectId,
            subject: `workspace:${workspace.id}`,
            details: { submission: submission.id, files },
          },
          tx,
        );
        return { id: submission.id, files };
      });
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

async function digest(
  store: ObjectStore,
  key: string,
  name: string,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of await store.get(key)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
  } catch (error) {
    if ((error as KlarsynError).code === 'not_found') {
      throw new KlarsynError('validation_failed', `${name} is not in the outbox`);
    }
    throw error;
  }
  return { size, sha256: hash.digest('hex') };
}
