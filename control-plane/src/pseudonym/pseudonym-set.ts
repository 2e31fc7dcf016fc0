/**
 * The set of pseudonyms handed out in one run, so that two distinct values reaching the same
 * 128-bit pseudonym are caught when it happens rather than silently merging two persons. The
 * pseudonyms are HMAC output, so their low 32 bits already are a good hash.
 */
export class PseudonymSet {
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity * 0.7 < expected) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /**
   * Adds entry `entry`, whose pseudonym is `raw[entry*4 .. entry*4+4)`; -1 when it is new,
   * otherwise the entry that already has that pseudonym (which stays the set's).
   */
  add(raw: Int32Array, entry: number): number {
    if (this.size + 1 > this.slots.length * 0.7) this.grow(raw);
    const e = entry * 4;
    let i = (raw[e] as number) & this.mask;
    for (;;) {
      const other = (this.slots[i] as number) - 1;
      if (other < 0) break;
      const o = other * 4;
      if (
        raw[o] === raw[e] &&
        raw[o + 1] === raw[e + 1] &&
        raw[o + 2] === raw[e + 2] &&
        raw[o + 3] === raw[e + 3]
      ) {
        return other;
      }
      i = (i + 1) & this.mask;
    }
    this.slots[i] = entry + 1;
    this.size++;
    return -1;
  }

  private grow(raw: Int32Array): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const slot of old) {
      if (slot === 0) continue;
      let i = (raw[(slot - 1) * 4] as number) & this.mask;
      while (this.slots[i] !== 0) i = (i + 1) & this.mask;
      this.slots[i] = slot;
    }
  }
}
