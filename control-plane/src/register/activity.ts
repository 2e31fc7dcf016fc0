import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { decodeEvent, type LogEvent } from '../../../audit/index.js';
import { projectEntries } from '../../../audit/store/project-entries.js';
import { KlarsynError } from '../errors.js';
import { errorBody } from '../http/schemas.js';
import { getProject } from '../projects/store.js';

/**
 * A project's activity in the public register: its application and decisions, extracts, workspace
 * sessions, outputs submitted and released. Read from the transparency log itself, so every item
 * carries the index of the entry a visitor proves in the browser (the log page, /log?entry=N).
 * Nothing here is not already public in the log; the actor is left out, as the register never
 * names the people who decided.
 */

export const ACTIVITY_KINDS = ['application', 'extract', 'workspace', 'output'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Which log events the register shows, by type prefix, and under which heading. */
const SHOWN: readonly (readonly [prefix: string, kind: ActivityKind])[] = [
  // Listed before `project.`, which would show it with the application.
  ['project.data_deleted', 'extract'],
  ['project.', 'application'],
  ['extract.published', 'extract'],
  ['extract.failed', 'extract'],
  ['workspace.requested', 'workspace'],
  ['workspace.connected', 'workspace'],
  ['release.', 'output'],
];

export interface ActivityFile {
  name: string;
  sha256: string;
  size?: number;
}

export interface ActivityItem {
  index: number;
  time: string;
  type: string;
  kind: ActivityKind;
  subject: string | null;
  details: Record<string, unknown>;
  /** Files the event names with their hashes (outputs submitted, files released). */
  files: ActivityFile[];
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Files named in an event's details, wherever the event keeps them (`files`, `released`, …). */
function filesOf(details: Record<string, unknown>): ActivityFile[] {
  const lists = Object.values(details).filter(Array.isArray) as unknown[][];
  const files: ActivityFile[] = [];
  for (const list of lists) {
    for (const f of list) {
      if (typeof f !== 'object' || f === null) continue;
      const { name, sha256, size } = f as Record<string, unknown>;
      if (typeof name !== 'string' || typeof sha256 !== 'string' || !SHA256.test(sha256)) continue;
      files.push({ name, sha256, ...(typeof size === 'number' ? { size } : {}) });
    }
  }
  return files;
}

export function kindOf(type: string): ActivityKind | undefined {
  return SHOWN.find(([prefix]) => type.startsWith(prefix))?.[1];
}

/** One log entry as an activity item, or undefined if the register does not show its type. */
export function toActivity(index: number, event: LogEvent): ActivityItem | undefined {
  const kind = kindOf(event.type);
  if (!kind) return undefined;
  return {
    index,
    time: event.time,
    type: event.type,
    kind,
    subject: event.subject,
    details: event.details,
    files: filesOf(event.details),
  };
}

export async function projectActivity(pool: pg.Pool, project: string): Promise<ActivityItem[]> {
  const entries = await projectEntries(pool, project, { typePrefixes: SHOWN.map(([p]) => p) });
  return entries.flatMap((e) => {
    const item = toActivity(e.index, decodeEvent(e.data));
    return item ? [item] : [];
  });
}

const activityItem = {
  type: 'object',
  required: ['index', 'time', 'type', 'kind', 'subject', 'details', 'files'],
  properties: {
    index: {
      type: 'integer',
      description: 'The entry in the transparency log; prove it at /log?entry=<index>',
    },
    time: { type: 'string' },
    type: { type: 'string' },
    kind: { enum: [...ACTIVITY_KINDS] },
    subject: { type: ['string', 'null'] },
    details: { type: 'object', additionalProperties: true, description: "The event's public details" },
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'sha256'],
        properties: { name: { type: 'string' }, sha256: { type: 'string' }, size: { type: 'integer' } },
      },
    },
  },
} as const;

/** GET /projects/:id/activity under the register's prefix. */
export function installActivityRoute(app: FastifyInstance, pool: pg.Pool): void {
  app.get<{ Params: { id: string } }>(
    '/projects/:id/activity',
    {
      config: { access: 'public' },
      schema: {
        summary: "A project's activity (extracts, workspace sessions, outputs), each with its log entry",
        params: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: { id: { type: 'string', format: 'uuid' } },
        },
        response: { 200: { type: 'array', items: activityItem }, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const project = await getProject(pool, request.params.id);
      if (!project || project.status === 'draft')
        throw new KlarsynError('not_found', 'no such project in the register');
      return projectActivity(pool, project.id);
    },
  );
}
