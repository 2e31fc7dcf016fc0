import { createHash } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { KlarsynError } from '../errors.js';

export interface Spooled {
  size: number;
  sha256: string;
}

/**
 * Writes a body into a new file (never an existing one: `wx`), hashing it on the way, so drivers
 * learn size and digest before anything becomes visible. `durable` fsyncs the data before
 * returning, for files that are renamed into place as the object itself. On any failure the
 * partial file is removed. The body's own errors reach the caller unchanged (they are the
 * caller's); failures of the spool file become store errors.
 */
export async function spoolToFile(body: Buffer | Readable, path: string, durable: boolean): Promise<Spooled> {
  // A body can fail before it is read (a file stream whose file is missing errors at once): heard
  // here, it fails this put instead of going unheard and ending the process.
  let failedEarly: { error: unknown } | undefined;
  const hear = (error: unknown) => {
    failedEarly ??= { error };
  };
  if (!Buffer.isBuffer(body)) body.on('error', hear);
  try {
    const spooled = await spoolBody(body, path, durable);
    if (failedEarly) {
      await unlink(path).catch(() => {});
      throw failedEarly.error;
    }
    return spooled;
  } finally {
    if (!Buffer.isBuffer(body)) body.off('error', hear);
  }
}

async function spoolBody(body: Buffer | Readable, path: string, durable: boolean): Promise<Spooled> {
  const handle = await spoolStep(() => open(path, 'wx', 0o600));
  const hash = createHash('sha256');
  let size = 0;
  // writeFile on a handle appends at its position and loops over short writes.
  const append = (bytes: Buffer) => spoolStep(() => handle.writeFile(bytes));
  try {
    if (Buffer.isBuffer(body)) {
      hash.update(body);
      size = body.length;
      await append(body);
    } else {
      for await (const chunk of body) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        hash.update(bytes);
        size += bytes.length;
        await append(bytes);
      }
    }
    if (durable) await spoolStep(() => handle.sync());
    await spoolStep(() => handle.close());
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
  return { size, sha256: hash.digest('hex') };
}

async function spoolStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    throw new KlarsynError(full ? 'unavailable' : 'internal', `cannot write a temporary file (${code})`, {
      cause,
    });
  }
}
