import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { KlarsynError } from '../errors.js';
import {
  createMasterKeyFile,
  loadMasterKey,
  loadMasterKeyFile,
  type MasterKey,
} from '../pseudonym/master-key.js';

/**
 * Where the master KEK comes from: the configured file, else the environment, else (embedded mode
 * only, where everything lives in the data dir anyway) a file created there on first use. A server
 * on an external database never invents a KEK: losing it would make every project key unreadable.
 */
export function masterKeySource(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): () => Promise<MasterKey> {
  let loaded: Promise<MasterKey> | undefined;
  const load = async (): Promise<MasterKey> => {
    if (config.keys.masterKeyFile) return loadMasterKeyFile(config.keys.masterKeyFile);
    if (env.KLARSYN_MASTER_KEY || env.KLARSYN_MASTER_KEY_FILE) return loadMasterKey(env);
    if (config.database.url) {
      throw new KlarsynError(
        'unavailable',
        'no master key configured (keys.masterKeyFile or KLARSYN_MASTER_KEY)',
      );
    }
    const file = join(config.dataDir, 'keys', 'master.key');
    if (existsSync(file)) return loadMasterKeyFile(file);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    return createMasterKeyFile(file);
  };
  return () => {
    loaded ??= load().catch((e) => {
      loaded = undefined;
      throw e;
    });
    return loaded;
  };
}
