import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Content types of the files Vite emits; anything else is not served. */
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Where `npm run build:web` writes the application: `<package root>/dist/web`. This file sits in
 * control-plane/src/web both as source (run by tsx) and built (dist/control-plane/src/web), so
 * the package root is three or four levels up.
 */
export function defaultWebRoot(): string {
  for (const up of ['../../../', '../../../../']) {
    const root = fileURLToPath(new URL(up, import.meta.url));
    try {
      if (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).name === 'klarsyn') {
        return resolve(root, 'dist', 'web');
      }
    } catch {}
  }
  return resolve('dist', 'web');
}

export interface Asset {
  body: Buffer;
  contentType: string;
}

/** The built files of the web application, read from disk on request (the OS caches them). */
export class BuiltAssets {
  constructor(readonly root: string) {}

  get built(): boolean {
    return existsSync(resolve(this.root, 'index.html'));
  }

  /** The page every application URL is answered with; the browser routes from there. */
  async indexPage(): Promise<Buffer> {
    return readFile(resolve(this.root, 'index.html'));
  }

  /** A file under assets/, or undefined when missing or outside it (no `..` escapes). */
  async asset(relative: string): Promise<Asset | undefined> {
    const dir = resolve(this.root, 'assets');
    const path = resolve(dir, relative);
    const contentType = CONTENT_TYPES[extname(path)];
    if (!path.startsWith(dir + sep) || !contentType) return undefined;
    try {
      return { body: await readFile(path), contentType };
    } catch {
      return undefined;
    }
  }
}
