/**
 * The set of pseudonyms handed out in one run, so that two distinct values reaching the same
 * 128-bit pseudonym are caught when it happens rather than silently merging two persons. The
 * pseudonyms are HMAC output, so their low 32 bits already are a good hash. Each slot keeps those
 * 32 bits beside its entry: a probe compares them in place and reads the entry's full pseudonym
 * only when they agree, one cache miss per value instead of one per probe step.
 */
export class PseudonymSet {
  /** Slot s: [2s] low 32 bits of the pseudonym, [2s+1] entry + 1 (0 when free). */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity * 0.7 < expected) capacity *= 2;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
  }

  /**
   * Adds entry `entry`, whose pseudonym is `raw[entry*4 .. entry*4+4)`; -1 when it is new,
   * otherwise the entry that already has that pseudonym (which stays the set's).
   */
  add(raw: Int32Array, entry: number): number {
    if (this.size + 1 > (this.slots.length / 2) * 0.7) this.grow();
    const slots = this.slots;
    const e = entry * 4;
    const low = raw[e] as number;
    let i = low & this.mask;
    for (;;) {
      const other = (slots[i * 2 + 1] as number) - 1;
      if (other < 0) break;
      if (slots[i * 2] === low) {
        const o = other * 4;
        if (raw[o + 1] === raw[e + 1] && raw[o + 2] === raw[e + 2] && raw[o + 3] === raw[e + 3]) return other;
      }
      i = (i + 1) & this.mask;
    }
    slots[i * 2] = low;
    slots[i * 2 + 1] = entry + 1;
    this.size++;
    return -1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.slots.length / 2 - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = (old[j] as number) & this.mask;
      while (this.slots[i * 2 + 1] !== 0) i = (i + 1) & this.mask;
      this.slots[i * 2] = old[j] as number;
      this.slots[i * 2 + 1] = old[j + 1] as number;
    }
  }
}
