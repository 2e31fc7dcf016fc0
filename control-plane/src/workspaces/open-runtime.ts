import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { KlarsynError } from '../errors.js';
import { DirectoryStore } from '../storage/directory-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { LocalRuntime } from './local/local-runtime.js';
import type { WorkspaceRuntime } from './runtime.js';

/** The configured workspace runtime, checked against the object store it must share data with. */
export async function openRuntime(
  config: Config,
  store: ObjectStore,
  logger: Logger,
): Promise<WorkspaceRuntime> {
  const settings = config.workspaces;
  if (!(store instanceof DirectoryStore)) {
    throw new KlarsynError(
      'config_invalid',
      'the local workspace sandbox needs storage.driver directory (it binds the extract and outbox directories)',
    );
  }
  return new LocalRuntime({
    store,
    runDir: join(config.dataDir, 'workspaces'),
    bwrap: settings.local.bwrap,
    toolPaths: settings.local.toolPaths.split(':').filter(Boolean),
    logger,
  });
}
