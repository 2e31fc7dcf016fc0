import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../errors.js';
import { describeSchemaErrors } from '../schema-errors.js';
import { BYTES_PATTERN, CPU_PATTERN } from './quantity.js';

/** What runs in the sandbox. Each runtime knows how to start each app (listen address, base URL, token). */
export const WORKSPACE_APPS = ['jupyterlab', 'rstudio', 'script'] as const;
export type WorkspaceApp = (typeof WORKSPACE_APPS)[number];

export interface WorkspaceResources {
  cpu: string;
  memory: string;
  /** Writable scratch space (/tmp, the home directory): gone when the workspace stops. */
  scratch: string;
}

/**
 * A workspace template (`policies/workspaces/<name>.yaml`). Interactive templates stop after
 * `idleTimeoutMinutes` without browser traffic; batch templates run a script to completion and fail
 * after `maxRuntimeMinutes`.
 */
export type WorkspaceTemplate = {
  name: string;
  description: string;
  app: WorkspaceApp;
  /** A logical image name; `workspaces.images` in the configuration maps it to a reference. */
  image: string;
  resources: WorkspaceResources;
} & ({ kind: 'interactive'; idleTimeoutMinutes: number } | { kind: 'batch'; maxRuntimeMinutes: number });

const minutes = { type: 'integer', minimum: 1, maximum: 7 * 24 * 60 };
const validate = new Ajv({ allErrors: true }).compile({
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'kind', 'app', 'image', 'resources'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,30}$' },
    description: { type: 'string', minLength: 1 },
    kind: { enum: ['interactive', 'batch'] },
    app: { enum: [...WORKSPACE_APPS] },
    image: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
    resources: {
      type: 'object',
      additionalProperties: false,
      required: ['cpu', 'memory', 'scratch'],
      properties: {
        cpu: { type: 'string', pattern: CPU_PATTERN },
        memory: { type: 'string', pattern: BYTES_PATTERN },
        scratch: { type: 'string', pattern: BYTES_PATTERN },
      },
    },
    idleTimeoutMinutes: minutes,
    maxRuntimeMinutes: minutes,
  },
  oneOf: [
    {
      properties: { kind: { const: 'interactive' }, app: { enum: ['jupyterlab', 'rstudio'] } },
      required: ['idleTimeoutMinutes'],
      not: { required: ['maxRuntimeMinutes'] },
    },
    {
      properties: { kind: { const: 'batch' }, app: { const: 'script' } },
      required: ['maxRuntimeMinutes'],
      not: { required: ['idleTimeoutMinutes'] },
    },
  ],
});

export function parseTemplate(text: string, source: string): WorkspaceTemplate {
  const doc = parseYaml(text) as unknown;
  if (!validate(doc)) {
    throw new KlarsynError(
      'config_invalid',
      `workspace template ${source}: ${describeSchemaErrors(validate.errors)}`,
    );
  }
  return doc as WorkspaceTemplate;
}

export type TemplateSet = ReadonlyMap<string, WorkspaceTemplate>;

/** Every `*.yaml` of a directory, keyed by name; a file's name must be its template's name. */
export function loadTemplates(dir: string): TemplateSet {
  const templates = new Map<string, WorkspaceTemplate>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const template = parseTemplate(readFileSync(join(dir, file), 'utf8'), file);
    if (`${template.name}.yaml` !== file) {
      throw new KlarsynError('config_invalid', `workspace template ${file} is named ${template.name}`);
    }
    templates.set(template.name, template);
  }
  if (templates.size === 0) throw new KlarsynError('config_invalid', `no workspace templates in ${dir}`);
  return templates;
}

/** The shipped templates, found from both the source tree and the built dist tree. */
export function shippedTemplatesDir(): string {
  for (const up of ['../../../', '../../../../']) {
    const dir = fileURLToPath(new URL(`${up}policies/workspaces/`, import.meta.url));
    try {
      readdirSync(dir);
      return dir;
    } catch {}
  }
  throw new KlarsynError('internal', 'policies/workspaces not found');
}

export function templateOf(templates: TemplateSet, name: string): WorkspaceTemplate {
  const template = templates.get(name);
  if (!template) {
    throw new KlarsynError('validation_failed', `unknown workspace template ${JSON.stringify(name)}`, {
      details: { known: [...templates.keys()] },
    });
  }
  return template;
}
