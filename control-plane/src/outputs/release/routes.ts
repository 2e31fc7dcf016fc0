import { posix } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../auth/principal.js';
import { commonErrors, errorBody } from '../../http/schemas.js';
import {
  commentBody,
  editBody,
  fileParams,
  idParams,
  newRequestBody,
  putFileBody,
  requestSchema,
  submitBody,
  voteBody,
} from './schemas.js';
import type { NewRequest, ReleaseService } from './service.js';
import type { VoteKind } from './votes.js';

const RESEARCHER = ['researcher'] as const;
const REVIEWER = ['reviewer'] as const;
const SEEING = ['researcher', 'reviewer', 'admin'] as const;
const one = { 200: requestSchema, 404: errorBody, 409: errorBody, 413: errorBody, ...commonErrors };
const many = { 200: { type: 'array', items: requestSchema }, 404: errorBody, ...commonErrors };
const previewSchema = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { enum: ['table', 'text', 'image', 'none'] },
    header: { type: 'array', items: { type: 'string' } },
    rows: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
    totalRows: { type: 'integer' },
    text: { type: 'string' },
    truncated: { type: 'boolean' },
    mediaType: { type: 'string' },
    base64: { type: 'string' },
    reason: { type: 'string' },
  },
} as const;
const who = (request: { principal?: Principal }) => request.principal as Principal;

/** The release workflow: researchers compose and submit, reviewers vote and decide. Prefix: /api/v1. */
export default async function releaseRoutes(
  app: FastifyInstance,
  opts: { releases: ReleaseService },
): Promise<void> {
  const { releases } = opts;

  app.post<{ Params: { id: string }; Body: NewRequest }>(
    '/projects/:id/release-requests',
    {
      config: { access: RESEARCHER },
      schema: {
        summary: "Compose a release request (a draft) from files in one of the project's workspace outboxes",
        params: idParams,
        body: newRequestBody,
        response: { ...one, 201: requestSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await releases.create(who(request), request.params.id, request.body)),
  );

  app.get<{ Params: { id: string } }>(
    '/projects/:id/release-requests',
    {
      config: { access: SEEING },
      schema: { summary: "A project's release requests", params: idParams, response: many },
    },
    async (request) => releases.listForProject(who(request), request.params.id),
  );

  app.get(
    '/release-requests/queue',
    {
      config: { access: REVIEWER },
      schema: {
        summary: 'Release requests awaiting review or release that I may review (never my own projects)',
        response: many,
      },
    },
    async (request) => releases.queue(who(request)),
  );

  app.get<{ Params: { id: string } }>(
    '/release-requests/:id',
    {
      config: { access: SEEING },
      schema: {
        summary: 'One release request: files, automatic check results, and the votes the caller may see',
        params: idParams,
        response: one,
      },
    },
    async (request) => releases.get(who(request), request.params.id),
  );

  app.get<{ Params: { id: string; fileId: string } }>(
    '/release-requests/:id/files/:fileId/preview',
    {
      config: { access: SEEING },
      schema: {
        summary:
          'A submitted file as the reviewers judge it: the first rows of a table, a text or an image (CPR numbers masked; logged)',
        params: fileParams,
        response: { 200: previewSchema, 404: errorBody, ...commonErrors },
      },
    },
    async (request) => releases.preview(who(request), request.params.id, request.params.fileId),
  );

  app.patch<{ Params: { id: string }; Body: { context: string } }>(
    '/release-requests/:id',
    {
      config: { access: RESEARCHER },
      schema: {
        summary: 'Change the context of a draft or returned request',
        params: idParams,
        body: editBody,
        response: one,
      },
    },
    async (request) => releases.edit(who(request), request.params.id, request.body),
  );

  app.put<{ Params: { id: string }; Body: { name: string } }>(
    '/release-requests/:id/files',
    {
      config: { access: RESEARCHER },
      schema: {
        summary:
          "Add a file from the workspace's outbox, or replace the request's file of that name (its votes start over)",
        params: idParams,
        body: putFileBody,
        response: one,
      },
    },
    async (request) => releases.putFile(who(request), request.params.id, request.body.name),
  );

  app.delete<{ Params: { id: string; fileId: string } }>(
    '/release-requests/:id/files/:fileId',
    {
      config: { access: RESEARCHER },
      schema: {
        summary: 'Remove a file from a draft or returned request',
        params: fileParams,
        response: one,
      },
    },
    async (request) => releases.removeFile(who(request), request.params.id, request.params.fileId),
  );

  app.get<{ Params: { id: string; fileId: string } }>(
    '/release-requests/:id/files/:fileId',
    {
      config: { access: RESEARCHER },
      schema: {
        summary: "Download a released file (the project's researchers only; logged)",
        params: fileParams,
        response: {
          200: { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          404: errorBody,
          409: errorBody,
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const file = await releases.download(who(request), request.params.id, request.params.fileId);
      const filename = posix.basename(file.name).replace(/["\\]/g, '_');
      return reply
        .type('application/octet-stream')
        .header('content-length', file.size)
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('x-content-sha256', file.sha256)
        .send(file.body);
    },
  );

  app.post<{ Params: { id: string }; Body: { context?: string } | null }>(
    '/release-requests/:id/submit',
    {
      config: { access: RESEARCHER },
      schema: {
        summary: 'Run the automatic checks and hand a draft (or returned) request to the reviewers',
        params: idParams,
        body: submitBody,
        response: one,
      },
    },
    async (request) => releases.submit(who(request), request.params.id, request.body ?? {}),
  );

  app.post<{ Params: { id: string } }>(
    '/release-requests/:id/withdraw',
    {
      config: { access: RESEARCHER },
      schema: { summary: 'Withdraw a request that is not yet released', params: idParams, response: one },
    },
    async (request) => releases.withdraw(who(request), request.params.id),
  );

  app.post<{ Params: { id: string }; Body: { file: string; vote: VoteKind; comment?: string } }>(
    '/release-requests/:id/votes',
    {
      config: { access: REVIEWER },
      schema: {
        summary:
          'Vote on one file: approve, or request changes with a comment (blind until every file has enough votes)',
        params: idParams,
        body: voteBody,
        response: one,
      },
    },
    async (request) => releases.vote(who(request), request.params.id, request.body),
  );

  for (const action of ['return', 'reject'] as const) {
    app.post<{ Params: { id: string }; Body: { comment: string } }>(
      `/release-requests/:id/${action}`,
      {
        config: { access: REVIEWER },
        schema: {
          summary:
            action === 'return'
              ? 'Send the request back to the researcher with a comment; they may change files and resubmit'
              : 'Refuse the request for good, with a comment',
          params: idParams,
          body: commentBody,
          response: one,
        },
      },
      async (request) =>
        action === 'return'
          ? releases.returnToAuthor(who(request), request.params.id, request.body.comment)
          : releases.reject(who(request), request.params.id, request.body.comment),
    );
  }

  for (const action of ['approve', 'release'] as const) {
    app.post<{ Params: { id: string } }>(
      `/release-requests/:id/${action}`,
      {
        config: { access: REVIEWER },
        schema: {
          summary:
            action === 'approve'
              ? 'Approve a reviewed request: every file has the approvals it needs and none is blocked'
              : 'Release an approved request: copy its files to the release area and publish their hashes',
          params: idParams,
          response: one,
        },
      },
      async (request) => releases[action](who(request), request.params.id),
    );
  }
}
