import { createHash } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';

export interface Spooled {
  size: number;
  sha256: string;
}

/**
 * Writes a body into a new file (never an existing one: `wx`), hashing it on the way, so drivers
 * learn size and digest before anything becomes visible. `durable` fsyncs the data before
 * returning, for files that are renamed into place as the object itself. On any failure, the
 * body's included, the partial file is removed and the error rethrown.
 */
export async function spoolToFile(body: Buffer | Readable, path: string, durable: boolean): Promise<Spooled> {
  const handle = await open(path, 'wx', 0o600);
  const hash = createHash('sha256');
  let size = 0;
  try {
    if (Buffer.isBuffer(body)) {
      hash.update(body);
      size = body.length;
      await handle.writeFile(body);
    } else {
      for await (const chunk of body) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        hash.update(bytes);
        size += bytes.length;
        // writeFile loops over short writes; it appends at the handle's position.
        await handle.writeFile(bytes);
      }
    }
    if (durable) await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
  return { size, sha256: hash.digest('hex') };
}
