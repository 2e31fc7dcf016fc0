import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

export const KEY_BYTES = 32;

/**
 * 256 bits of key material that refuses to be printed: JSON, string conversion and util.inspect
 * (which pino and console use) all show `[redacted]`, so a key passed to a logger by mistake
 * never reaches the log.
 */
export class SecretKey {
  readonly #bytes: Buffer;

  private constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  static random(): SecretKey {
    return new SecretKey(randomBytes(KEY_BYTES));
  }

  /** Copies `bytes`, which must be exactly 32 bytes long. */
  static fromBytes(bytes: Uint8Array): SecretKey {
    if (bytes.length !== KEY_BYTES) throw new RangeError(`a key is ${KEY_BYTES} bytes, got ${bytes.length}`);
    return new SecretKey(Buffer.from(bytes));
  }

  /** The raw bytes, for the crypto calls that need them; callers must not keep or print them. */
  expose(): Buffer {
    return this.#bytes;
  }

  /** Overwrites the key material, e.g. when a project is deleted. */
  destroy(): void {
    this.#bytes.fill(0);
  }

  toJSON(): string {
    return '[redacted]';
  }

  toString(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'SecretKey [redacted]';
  }
}
