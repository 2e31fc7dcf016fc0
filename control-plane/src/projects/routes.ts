import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';
import { KlarsynError } from '../errors.js';
import { commonErrors, errorBody } from '../http/schemas.js';
import type { Application } from './application.js';
import { applicationSchema, decisionSchema, projectSchema } from './schemas.js';
import { getProject, listProjects, type Project } from './store.js';
import type { ProjectWorkflow } from './workflow.js';

const idParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;
const RESEARCHER = ['researcher'] as const;
const ANY_ROLE = ['researcher', 'steward', 'reviewer', 'admin'] as const;
const one = { 200: projectSchema, 404: errorBody, 409: errorBody, ...commonErrors };

/** Members, stewards of involved authorities (once submitted) and admins may see a project. */
export function canSee(principal: Principal, project: Project): boolean {
  return (
    principal.roles.includes('admin') ||
    project.members.includes(principal.accountId) ||
    (project.status !== 'draft' &&
      principal.roles.includes('steward') &&
      project.authorities.some((a) => principal.authorities.includes(a)))
  );
}

/** Applications and projects. Prefix: /api/v1/projects. */
export default async function projectRoutes(
  app: FastifyInstance,
  opts: { pool: pg.Pool; workflow: ProjectWorkflow },
): Promise<void> {
  const { pool, workflow } = opts;
  const visible = async (principal: Principal, id: string) => {
    const project = await getProject(pool, id);
    // Invisible and missing look the same, so ids of others' projects reveal nothing.
    if (!project || !canSee(principal, project)) throw new KlarsynError('not_found', 'no such project');
    return project;
  };

  app.post<{ Body: Application }>(
    '/',
    {
      config: { access: RESEARCHER },
      schema: {
        summary: 'Start an application (a draft)',
        body: applicationSchema,
        response: { 201: projectSchema, ...commonErrors },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await workflow.create(request.principal as Principal, request.body)),
  );

  app.get(
    '/',
    {
      config: { access: ANY_ROLE },
      schema: {
        summary: 'Projects I may see',
        response: { 200: { type: 'array', items: projectSchema }, ...commonErrors },
      },
    },
    async (request) => {
      const p = request.principal as Principal;
      return listProjects(pool, {
        all: p.roles.includes('admin'),
        accountId: p.accountId,
        authorities: p.roles.includes('steward') ? p.authorities : [],
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/:id',
    { config: { access: ANY_ROLE }, schema: { summary: 'One project', params: idParams, response: one } },
    async (request) => visible(request.principal as Principal, request.params.id),
  );

  app.put<{ Params: { id: string }; Body: Application }>(
    '/:id',
    {
      config: { access: RESEARCHER },
      schema: {
        summary:
          'Change the application; after submission this starts a new revision that needs new approval',
        params: idParams,
        body: applicationSchema,
        response: one,
      },
    },
    async (request) => {
      await visible(request.principal as Principal, request.params.id);
      return workflow.amend(request.principal as Principal, request.params.id, request.body);
    },
  );

  for (const action of ['submit', 'withdraw'] as const) {
    app.post<{ Params: { id: string } }>(
      `/:id/${action}`,
      {
        config: { access: RESEARCHER },
        schema: {
          summary: `${action === 'submit' ? 'Submit' : 'Withdraw'} the application`,
          params: idParams,
          response: one,
        },
      },
      async (request) => {
        await visible(request.principal as Principal, request.params.id);
        return workflow[action](request.principal as Principal, request.params.id);
      },
    );
  }

  app.post<{
    Params: { id: string };
    Body: { authority?: string; decision: 'approved' | 'rejected'; reason: string };
  }>(
    '/:id/decisions',
    {
      config: { access: ['steward'] },
      schema: {
        summary: "Approve or reject the part of the application that concerns the steward's authority",
        params: idParams,
        body: decisionSchema,
        response: one,
      },
    },
    async (request) => {
      await visible(request.principal as Principal, request.params.id);
      return workflow.decide(request.principal as Principal, request.params.id, request.body);
    },
  );
}
