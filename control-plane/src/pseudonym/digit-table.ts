/**
 * Open-addressing hash table from ten-digit numbers (normalised CPR numbers) to entries. Each
 * 32-byte slot holds the key, the entry with its CPR status, and the entry's pseudonym, so a row
 * whose CPR was seen before costs one cache miss: on a register with millions of persons that
 * miss, not the arithmetic, is the price of a row.
 *
 * Slot s: f64[4s] key (EMPTY when free), f64[4s+1] entry * 4 + status, i32[8s+4 .. 8s+7] pseudonym.
 */

export const EMPTY = -1;
const MAX_LOAD = 0.7;
const SLOT_F64 = 4;
const SLOT_I32 = 8;

export function hashDigits(hi: number, lo: number): number {
  let h = Math.imul(hi, 0x9e3779b1) ^ lo;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return h ^ (h >>> 13);
}

export class DigitTable {
  f64: Float64Array;
  i32: Int32Array;
  mask: number;
  private size = 0;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.f64 = new Float64Array(capacity * SLOT_F64).fill(EMPTY);
    this.i32 = new Int32Array(this.f64.buffer);
    this.mask = capacity - 1;
  }

  /** The slot holding `value`, or the free slot where it belongs. */
  probe(value: number, hash: number): number {
    const f64 = this.f64;
    let s = hash & this.mask;
    for (;;) {
      const k = f64[s * SLOT_F64] as number;
      if (k === value || k === EMPTY) return s;
      s = (s + 1) & this.mask;
    }
  }

  /** Fills a free slot; returns true when the table should grow (after the caller's pending slots are written). */
  insert(slot: number, value: number, packed: number): boolean {
    this.f64[slot * SLOT_F64] = value;
    this.f64[slot * SLOT_F64 + 1] = packed;
    return ++this.size > (this.f64.length / SLOT_F64) * MAX_LOAD;
  }

  setPseudonym(slot: number, src: Int32Array, index: number): void {
    const o = slot * SLOT_I32 + 4;
    const i = index * 4;
    this.i32[o] = src[i] as number;
    this.i32[o + 1] = src[i + 1] as number;
    this.i32[o + 2] = src[i + 2] as number;
    this.i32[o + 3] = src[i + 3] as number;
  }

  /** Doubles the capacity; slot numbers change. */
  grow(): void {
    const old = this.f64;
    const oldI32 = this.i32;
    this.f64 = new Float64Array(old.length * 2).fill(EMPTY);
    this.i32 = new Int32Array(this.f64.buffer);
    this.mask = this.f64.length / SLOT_F64 - 1;
    for (let j = 0; j < old.length / SLOT_F64; j++) {
      const k = old[j * SLOT_F64] as number;
      if (k === EMPTY) continue;
      const hi = Math.floor(k / 100000);
      const s = this.probe(k, hashDigits(hi, k - hi * 100000));
      this.f64[s * SLOT_F64] = k;
      this.f64[s * SLOT_F64 + 1] = old[j * SLOT_F64 + 1] as number;
      for (let w = 4; w < SLOT_I32; w++) this.i32[s * SLOT_I32 + w] = oldI32[j * SLOT_I32 + w] as number;
    }
  }

  clear(): void {
    this.f64.fill(EMPTY);
    this.size = 0;
  }
}
