import type { FastifyInstance } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { commonErrors, errorBody } from '../http/schemas.js';
import type { BrowserSessions } from './proxy/sessions.js';
import {
  connectBody,
  launchBody,
  projectParams,
  templateBody,
  workspaceBody,
  workspaceParams,
} from './schemas.js';
import type { LaunchRequest, WorkspaceService } from './service.js';

/** Workspaces of a project and actions on one workspace. Prefix: /api/v1. */
export default async function workspaceRoutes(
  app: FastifyInstance,
  opts: { service: WorkspaceService; sessions: BrowserSessions },
): Promise<void> {
  const { service, sessions } = opts;
  const who = (request: { principal: Principal | undefined }) => request.principal as Principal;
  const accepted = { 202: workspaceBody, 404: errorBody, 409: errorBody, ...commonErrors };

  app.get(
    '/workspace-templates',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'The workspace templates one may launch',
        response: { 200: { type: 'array', items: templateBody }, ...commonErrors },
      },
    },
    async () => [...service.templates.values()],
  );

  app.post<{ Params: { id: string }; Body: LaunchRequest }>(
    '/projects/:id/workspaces',
    {
      config: { access: ['researcher'] },
      schema: {
        summary:
          'Launch a workspace on the project’s extract (members of an approved, unexpired project; starts in the background)',
        params: projectParams,
        body: launchBody,
        response: accepted,
      },
    },
    async (request, reply) =>
      reply.code(202).send(await service.launch(who(request), request.params.id, request.body)),
  );

  app.get<{ Params: { id: string }; Querystring: { deleted?: boolean } }>(
    '/projects/:id/workspaces',
    {
      config: { access: ['researcher', 'admin'] },
      schema: {
        summary: "The project's workspaces, newest first",
        params: projectParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { deleted: { type: 'boolean', default: false, description: 'Include deleted ones' } },
        },
        response: { 200: { type: 'array', items: workspaceBody }, 404: errorBody, ...commonErrors },
      },
    },
    async (request) => service.list(who(request), request.params.id, request.query.deleted ?? false),
  );

  app.get<{ Params: { id: string } }>(
    '/workspaces/:id',
    {
      config: { access: ['researcher', 'admin'] },
      schema: {
        summary: 'One workspace and its state',
        params: workspaceParams,
        response: { 200: workspaceBody, 404: errorBody, ...commonErrors },
      },
    },
    async (request) => service.get(who(request), request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/workspaces/:id/outbox',
    {
      config: { access: ['researcher', 'admin'] },
      schema: {
        summary: "The files in the workspace's outbox (names and sizes), to compose a release request",
        params: workspaceParams,
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'size', 'lastModified'],
              properties: {
                name: { type: 'string' },
                size: { type: 'integer' },
                lastModified: { type: 'string', format: 'date-time' },
              },
            },
          },
          404: errorBody,
          ...commonErrors,
        },
      },
    },
    async (request) => service.outbox(who(request), request.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/workspaces/:id/stop',
    {
      config: { access: ['researcher', 'admin'] },
      schema: {
        summary: 'Stop the workspace; its outbox is kept',
        params: workspaceParams,
        response: accepted,
      },
    },
    async (request, reply) => reply.code(202).send(await service.stop(who(request), request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/workspaces/:id/restart',
    {
      config: { access: ['researcher'] },
      schema: {
        summary: 'Start a stopped or failed workspace again, on the same outbox',
        params: workspaceParams,
        response: accepted,
      },
    },
    async (request, reply) => reply.code(202).send(await service.restart(who(request), request.params.id)),
  );

  app.delete<{ Params: { id: string } }>(
    '/workspaces/:id',
    {
      config: { access: ['researcher', 'admin'] },
      schema: {
        summary: 'Stop the workspace if it runs, then delete it and its outbox',
        params: workspaceParams,
        response: accepted,
      },
    },
    async (request, reply) => reply.code(202).send(await service.delete(who(request), request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/workspaces/:id/connect',
    {
      config: { access: ['researcher'] },
      schema: {
        summary: 'A one-time link that opens the running workspace in the browser (members only; logged)',
        params: workspaceParams,
        response: { 200: connectBody, 404: errorBody, 409: errorBody, ...commonErrors },
      },
    },
    async (request) => sessions.open(who(request), request.params.id),
  );
}
