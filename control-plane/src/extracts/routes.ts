import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { KlarsynError } from '../errors.js';
import { commonErrors, errorBody } from '../http/schemas.js';
import type { ExtractService } from './service.js';

const extractBody = {
  type: 'object',
  required: ['id', 'projectId', 'version', 'status', 'stage', 'progress', 'requestedAt'],
  properties: {
    id: { type: 'string' },
    projectId: { type: 'string' },
    version: { type: 'integer' },
    status: { enum: ['running', 'published', 'failed'] },
    stage: { type: 'string' },
    progress: { type: 'number' },
    requestedBy: { type: 'string' },
    requestedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    deletedAt: { type: ['string', 'null'], description: "When the files were deleted at the project's end" },
    rows: { type: ['integer', 'null'] },
    manifestSha256: { type: ['string', 'null'] },
    manifest: { type: ['object', 'null'], additionalProperties: true },
    error: { type: ['string', 'null'] },
  },
} as const;

const projectParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** Extract versions of a project (metadata and manifests only, never rows). Prefix: /api/v1/projects. */
export default async function extractRoutes(
  app: FastifyInstance,
  opts: { extracts: ExtractService },
): Promise<void> {
  const { extracts } = opts;

  app.post<{ Params: { id: string } }>(
    '/:id/extracts',
    {
      config: { access: ['researcher'] },
      schema: {
        summary:
          'Build a new extract version from the approved scope (runs in the background; poll its status)',
        params: projectParams,
        response: { 202: extractBody, 404: errorBody, 409: errorBody, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await extracts.request(request.principal as Principal, request.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    '/:id/extracts',
    {
      config: { access: ['researcher', 'admin'] },
      schema: {
        summary: "The project's extract versions with status, progress and manifests",
        params: projectParams,
        response: { 200: { type: 'array', items: extractBody }, 404: errorBody, ...commonErrors },
      },
    },
    async (request) => {
      await extracts.visibleProject(request.principal as Principal, request.params.id);
      return extracts.list(request.params.id);
    },
  );

  app.get<{ Params: { id: string; version: number } }>(
    '/:id/extracts/:version',
    {
      config: { access: ['researcher', 'admin'] },
      schema: {
        summary: 'One extract version',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'version'],
          properties: { id: { type: 'string', format: 'uuid' }, version: { type: 'integer', minimum: 1 } },
        },
        response: { 200: extractBody, 404: errorBody, ...commonErrors },
      },
    },
    async (request) => {
      await extracts.visibleProject(request.principal as Principal, request.params.id);
      const found = await extracts.get(request.params.id, request.params.version);
      if (!found) throw new KlarsynError('not_found', 'no such extract version');
      return found;
    },
  );
}
