import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../errors.js';
import { describeSchemaErrors } from '../schema-errors.js';
import { type Config, configSchema } from './schema.js';

type Tree = Record<string, unknown>;
type SchemaNode = { type?: string; properties?: Record<string, SchemaNode> };

export interface ConfigSources {
  /** Path of a YAML file; when absent, KLARSYN_CONFIG is used if set. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Dotted keys from CLI flags, e.g. {'http.port': '9000'}; highest precedence. */
  overrides?: Record<string, string | number | boolean>;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: false });
const validate = ajv.compile(configSchema);

/** Precedence: defaults < file < environment < flags. Unknown or invalid keys are errors, never ignored. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.KLARSYN_CONFIG;
  const merged: Tree = file ? readConfigFile(file) : {};
  for (const [path, value] of envEntries(env)) setPath(merged, path, value);
  for (const [key, value] of Object.entries(sources.overrides ?? {})) {
    setPath(merged, resolvePath(key.split('.'), key), value);
  }
  if (!validate(merged)) {
    throw new KlarsynError(
      'config_invalid',
      `invalid configuration: ${describeSchemaErrors(validate.errors)}`,
      {
        details: validate.errors,
      },
    );
  }
  const config = merged as unknown as Config;
  config.dataDir ??= defaultDataDir(env);
  return config;
}

/** Root runs as a system service (FHS /var/lib); users get their XDG data dir. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.getuid?.() === 0 && !env.XDG_DATA_HOME) return '/var/lib/klarsyn';
  const base = env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share');
  return join(base, 'klarsyn');
}

function readConfigFile(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KlarsynError(
      'config_invalid',
      `cannot read configuration file ${file}: ${(e as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new KlarsynError(
      'config_invalid',
      `configuration file ${file} is not valid YAML: ${(e as Error).message}`,
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KlarsynError('config_invalid', `configuration file ${file} must hold a mapping`);
  }
  return doc as Tree;
}

/** KLARSYN_HTTP__PORT=9000 sets http.port; DATABASE_URL is accepted as the conventional name. */
function* envEntries(env: NodeJS.ProcessEnv): Generator<[string[], string]> {
  if (env.DATABASE_URL) yield [['database', 'url'], env.DATABASE_URL];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('KLARSYN_') || name === 'KLARSYN_CONFIG' || value === undefined) continue;
    const segments = name.slice('KLARSYN_'.length).split('__');
    // Other KLARSYN_ variables (KLARSYN_MASTER_KEY, the dev scripts' settings) are not configuration;
    // a name that starts like a configuration section must name a real key, though.
    if (!isConfigSection(segments[0] as string)) continue;
    yield [resolvePath(segments, name), value];
  }
}

function isConfigSection(segment: string): boolean {
  const wanted = segment.replace(/_/g, '').toLowerCase();
  return Object.keys(configSchema.properties).some((k) => k.toLowerCase() === wanted);
}

/** Matches each segment to a schema key ignoring case and underscores, so env names map to camelCase keys. */
function resolvePath(segments: string[], source: string): string[] {
  const path: string[] = [];
  let node: SchemaNode | undefined = configSchema as unknown as SchemaNode;
  for (const segment of segments) {
    const wanted = segment.replace(/_/g, '').toLowerCase();
    const key: string | undefined = Object.keys(node?.properties ?? {}).find(
      (k) => k.toLowerCase() === wanted,
    );
    if (!key) {
      // Free-form maps (e.g. auth.oidc.roleMap) keep the segment as written.
      if (node && !node.properties && node.type === 'object') {
        path.push(segment);
        node = undefined;
        continue;
      }
      throw new KlarsynError('config_invalid', `unknown configuration key from ${source}`);
    }
    path.push(key);
    node = node?.properties?.[key];
  }
  return path;
}

function setPath(tree: Tree, path: string[], value: unknown): void {
  let cursor = tree;
  for (const key of path.slice(0, -1)) {
    const next = cursor[key];
    if (typeof next !== 'object' || next === null) cursor[key] = {};
    cursor = cursor[key] as Tree;
  }
  cursor[path[path.length - 1] as string] = value;
}
