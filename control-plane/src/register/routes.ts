import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { KlarsynError } from '../errors.js';
import { errorBody } from '../http/schemas.js';
import { type RegisteredRelease, releasesOfProjects } from '../outputs/release/index.js';
import { PROJECT_STATUS } from '../projects/status.js';
import { getProject, listRegisteredProjects, type Project, type RegisterFilter } from '../projects/store.js';
import { installActivityRoute } from './activity.js';

/** What the public may know of a project: its purpose and scope and each decision, never who the stewards were. */
const registeredProject = {
  type: 'object',
  required: [
    'id',
    'title',
    'purpose',
    'institution',
    'legalBasis',
    'authorities',
    'sources',
    'variables',
    'period',
    'status',
  ],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    purpose: { type: 'string' },
    institution: { type: 'string' },
    legalBasis: { type: 'string' },
    authorities: { type: 'array', items: { type: 'string' } },
    sources: { type: 'array', items: { type: 'string' } },
    variables: { type: 'array', items: { type: 'string' } },
    period: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
    deletionDate: { type: 'string' },
    status: { enum: [...PROJECT_STATUS] },
    revision: { type: 'integer' },
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          authority: { type: 'string' },
          decision: { type: 'string' },
          reason: { type: 'string' },
          decidedAt: { type: 'string' },
        },
      },
    },
    releases: {
      type: 'array',
      description:
        'Outputs released from the project: each file by name, size and SHA-256, never its contents',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          releasedAt: { type: 'string' },
          files: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' } },
            },
          },
        },
      },
    },
  },
} as const;

function toRegistered(p: Project, releases: RegisteredRelease[] = []) {
  const a = p.application;
  return {
    id: p.id,
    title: a.title,
    purpose: a.purpose,
    institution: a.institution,
    legalBasis: a.legalBasis,
    authorities: p.authorities,
    sources: [
      ...new Set([...a.variables.map((v) => v.source), ...a.cohort.criteria.map((c) => c.source)]),
    ].sort(),
    variables: a.variables.map((v) => `${v.source}.${v.variable}`),
    period: a.period,
    deletionDate: a.deletionDate,
    status: p.status,
    revision: p.revision,
    decisions: p.decisions.map(({ authority, decision, reason, decidedAt }) => ({
      authority,
      decision,
      reason,
      decidedAt,
    })),
    releases,
  };
}

/** The public access register: who uses which data for what. Prefix: /api/v1/register. */
export default async function registerRoutes(app: FastifyInstance, opts: { pool: pg.Pool }): Promise<void> {
  app.get<{ Querystring: RegisterFilter }>(
    '/projects',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Every submitted project: purpose, data, period, status and decisions',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            source: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
            institution: { type: 'string', minLength: 1, maxLength: 100 },
            year: { type: 'integer', minimum: 1900, maximum: 2200 },
          },
        },
        response: { 200: { type: 'array', items: registeredProject }, 400: errorBody },
      },
    },
    async (request) => {
      const projects = await listRegisteredProjects(opts.pool, request.query);
      const releases = await releasesOfProjects(
        opts.pool,
        projects.map((p) => p.id),
      );
      return projects.map((p) => toRegistered(p, releases.get(p.id)));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/projects/:id',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One project in the register',
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string', format: 'uuid' } },
        },
        response: { 200: registeredProject, 404: errorBody },
      },
    },
    async (request) => {
      const project = await getProject(opts.pool, request.params.id);
      if (!project || project.status === 'draft')
        throw new KlarsynError('not_found', 'no such project in the register');
      return toRegistered(project, (await releasesOfProjects(opts.pool, [project.id])).get(project.id));
    },
  );

  installActivityRoute(app, opts.pool);
}
