import { emitHmacModule, IV, LAYOUT } from './sha256-simd.js';

/**
 * Batched HMAC-SHA256 truncated to 128 bits over messages `tag || value`, for one key and one
 * message shape, on the SIMD module from `sha256-simd.ts`. A caller places up to `BATCH` values,
 * runs, and reads 16 bytes per value: the first 128 bits of the HMAC as a little-endian 128-bit
 * integer (the in-memory layout of DuckDB's UHUGEINT), so big-endian hex reads them backwards.
 */

export interface MessageShape {
  /** Domain tag hashed before every value. */
  tag: Uint8Array;
  /** Every value has exactly this many bytes, or null for any length up to `55 - tag.length`. */
  valueLength: number | null;
}

export const BATCH = LAYOUT.batch;
const BLOCK = 64;
/** The last 8 bytes of a block hold the bit length; one more for the 0x80 terminator. */
const MAX_MESSAGE = BLOCK - 9;

const modules = new Map<string, WebAssembly.Module>();

interface Exports {
  memory: WebAssembly.Memory;
  compress(state: number, block: number, out: number): void;
  prefix(): void;
  hmac(groups: number): void;
}

function wordsOf(block: Uint8Array): number[] {
  const view = new DataView(block.buffer, block.byteOffset, BLOCK);
  return Array.from({ length: 16 }, (_, i) => view.getUint32(i * 4, false));
}

/** Constant words, and null for words that vary between messages of the shape. */
export function innerTemplate(shape: MessageShape): (number | null)[] {
  const t = shape.tag.length;
  const block = new Uint8Array(BLOCK);
  block.set(shape.tag);
  let varies: (word: number) => boolean;
  if (shape.valueLength === null) {
    // Value, terminator and length all move with the value's length; word 14 (high length bits) stays 0.
    varies = (word) => (word * 4 + 4 > t && word < 14) || word === 15;
  } else {
    const end = t + shape.valueLength;
    block[end] = 0x80;
    new DataView(block.buffer).setUint32(60, (BLOCK + end) * 8, false);
    varies = (word) => word * 4 + 4 > t && word * 4 < end;
  }
  return wordsOf(block).map((w, i) => (varies(i) ? null : w));
}

function moduleFor(template: (number | null)[]): WebAssembly.Module {
  const key = template.join(',');
  let mod = modules.get(key);
  if (!mod) {
    mod = new WebAssembly.Module(emitHmacModule(template));
    modules.set(key, mod);
  }
  return mod;
}

export class HmacKernel {
  readonly maxValueLength: number;
  private readonly exports: Exports;
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly tagLength: number;
  private readonly fixed: boolean;
  /** The block words that vary between messages, in the order the module reads them. */
  private readonly varying: Int32Array;
  /** A message's inner block as bytes: tag and padding stay, each value overwrites its bytes. */
  private readonly staging: Uint8Array;
  private readonly stagingView: DataView;

  constructor(key: Uint8Array, shape: MessageShape) {
    if (shape.tag.length + (shape.valueLength ?? 0) > MAX_MESSAGE) {
      throw new RangeError(`tag and value must fit one block (${MAX_MESSAGE} bytes)`);
    }
    this.tagLength = shape.tag.length;
    this.fixed = shape.valueLength !== null;
    this.maxValueLength = shape.valueLength ?? MAX_MESSAGE - shape.tag.length;
    const template = innerTemplate(shape);
    const instance = new WebAssembly.Instance(moduleFor(template), {});
    this.exports = instance.exports as unknown as Exports;
    this.words = new Int32Array(this.exports.memory.buffer);
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    this.varying = Int32Array.from(template.flatMap((w, i) => (w === null ? [i] : [])));
    this.staging = new Uint8Array(BLOCK);
    this.staging.set(shape.tag);
    if (shape.valueLength !== null) this.staging[shape.tag.length + shape.valueLength] = 0x80;
    this.stagingView = new DataView(this.staging.buffer);
    this.setKey(key);
  }

  /** RFC 2104: the key's inner and outer pads are compressed once; so are the constant tag rounds. */
  private setKey(key: Uint8Array): void {
    if (key.length > BLOCK)
      throw new RangeError('HMAC keys longer than a block are hashed first; not needed here');
    const padded = new Uint8Array(BLOCK);
    padded.set(key);
    const pad = (byte: number) => padded.map((b) => b ^ byte);
    this.compressSplat(pad(0x36), LAYOUT.innerState);
    this.compressSplat(pad(0x5c), LAYOUT.outerState);
    this.bytes.fill(0, LAYOUT.scratchBlock, LAYOUT.input);
    padded.fill(0);
    this.exports.prefix();
  }

  private compressSplat(block: Uint8Array, out: number): void {
    const splat = (address: number, words: readonly number[]) => {
      words.forEach((w, i) => {
        this.words.fill(w | 0, (address >> 2) + i * 4, (address >> 2) + i * 4 + 4);
      });
    };
    splat(LAYOUT.scratchOut, IV);
    splat(LAYOUT.scratchBlock, wordsOf(block));
    block.fill(0);
    this.exports.compress(LAYOUT.scratchOut, LAYOUT.scratchBlock, out);
  }

  /** Puts `src[offset .. offset+length)` into message slot `slot` (0 ≤ slot < BATCH). */
  place(slot: number, src: Uint8Array, offset: number, length: number): void {
    const staging = this.staging;
    const t = this.tagLength;
    for (let j = 0; j < length; j++) staging[t + j] = src[offset + j] as number;
    if (!this.fixed) {
      const end = t + length;
      staging[end] = 0x80;
      staging.fill(0, end + 1, MAX_MESSAGE + 1);
      this.stagingView.setUint32(60, (BLOCK + end) * 8, false);
    }
    const varying = this.varying;
    const rows = varying.length;
    const base = (LAYOUT.input >> 2) + (slot >> 2) * rows * 4 + (slot & 3);
    for (let r = 0; r < rows; r++) {
      this.words[base + r * 4] = this.stagingView.getInt32((varying[r] as number) * 4, false);
    }
  }

  /** Hashes slots 0..count-1; the result stays valid until the next run. */
  run(count: number): Uint8Array {
    this.exports.hmac((count + 3) >> 2);
    const out = LAYOUT.input + BATCH * 4 * 16;
    return this.bytes.subarray(out, out + count * 16);
  }

  /** Overwrites the key's midstates and every message still in memory. */
  destroy(): void {
    this.bytes.fill(0);
    this.staging.fill(0);
  }
}
