import { type CprStatus, cprStatusOfDigits, normaliseCpr } from './cpr.js';
import { DigitTable, hashDigits } from './digit-table.js';
import { PseudonymError } from './errors.js';
import { BATCH, HmacKernel } from './hmac-kernel.js';
import { PseudonymSet } from './pseudonym-set.js';
import { type PseudonymKey, referencePseudonym } from './subkeys.js';

/**
 * The distinct-value map of one pseudonymisation run: each distinct (normalised) value is hashed
 * once, however many rows and columns carry it, and every row then copies its 16 bytes. It fails
 * closed: a second value reaching an existing pseudonym throws instead of merging two persons,
 * so distinct values and distinct pseudonyms always agree.
 *
 * Input comes as DuckDB lays out a string vector (16 bytes per value: a little-endian u32
 * length, then the bytes inline when there are at most 12), so a chunk is read in place without
 * a string per row. CPR-shaped values go to a typed-array table keyed by their ten digits;
 * anything else (invalid values, record ids) to a Map by its text.
 */

export const CPR_STATUSES: readonly CprStatus[] = ['valid', 'valid_no_mod11', 'invalid'];
const STATUS_INDEX: Record<CprStatus, number> = { valid: 0, valid_no_mod11: 1, invalid: 2 };
/** Status slot for values of a purpose that is not a CPR number. */
const NOT_CPR = 3;
/** In a table slot's packed entry: set until the entry's pseudonym is computed. */
const PENDING = 4;
/** Status of an entry that turned out to be another entry's CPR in another form (distinct mode). */
const ALIAS = 5;
const HYPHEN = 45;
const INLINE = 12;
const NOT_DIGITS = -1;

/**
 * Counts of distinct values only: DuckDB may evaluate a function once per dictionary entry of a
 * Parquet column rather than once per row, so the map cannot know row counts.
 */
export interface PseudonymStats {
  /** Distinct values pseudonymised (= distinct pseudonyms). */
  distinct: number;
  /** Distinct values per CPR status, for person keys; invalid values are pseudonymised too. */
  cpr: Record<CprStatus, number> | null;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 32 hex digits of the 16 bytes at `bytes[offset..]`, which hold the pseudonym little-endian. */
export function pseudonymHex(bytes: Uint8Array, offset: number): string {
  let s = '';
  for (let i = offset + 15; i >= offset; i--) s += HEX[bytes[i] as number];
  return s;
}

export class PseudonymMap {
  private readonly key: PseudonymKey;
  private readonly cpr: boolean;
  private readonly fixed: HmacKernel | null;
  private readonly generic: HmacKernel;
  private readonly decoder = new TextDecoder();
  private readonly digits = new Uint8Array(10);
  private readonly table: DigitTable;
  private readonly byText = new Map<string, number>();
  private readonly seen: PseudonymSet;

  // entries: 16 raw bytes each (little-endian 128-bit, as the kernel writes them) and a status
  private raw: Int32Array;
  private status: Uint8Array;
  /** Per entry, its ten digits as a number (NOT_DIGITS for text), to tell a variant from a collision. */
  private digitsOf: Float64Array;
  private size = 0;
  private aliases = 0;
  private readonly distinct: boolean;

  private readonly fixedEntries = new Int32Array(BATCH);
  private readonly fixedSlots = new Int32Array(BATCH);
  private fixedCount = 0;
  private readonly genericEntries = new Int32Array(BATCH);
  private genericCount = 0;

  // per-chunk scratch: parsed digits and their hash; rows resolved after the flush
  private values = new Float64Array(0);
  private hashes = new Int32Array(0);
  private lateRows = new Int32Array(0);
  private lateEntries = new Int32Array(0);

  /**
   * With `distinct`, the caller passes each value once (a DISTINCT query's output), so no lookup
   * table is kept: every value is hashed, and two forms of one CPR number (`0707614285`,
   * `070761-4285`) are recognised when their pseudonyms meet in the collision set.
   */
  constructor(key: PseudonymKey, expectedDistinct = 1 << 16, options: { distinct?: boolean } = {}) {
    this.key = key;
    this.cpr = key.cpr;
    this.distinct = options.distinct === true;
    const keyBytes = key.key.expose();
    this.fixed = key.cpr ? new HmacKernel(keyBytes, { tag: key.tag, valueLength: 10 }) : null;
    this.generic = new HmacKernel(keyBytes, { tag: key.tag, valueLength: null });
    this.table = new DigitTable(key.cpr && !this.distinct ? expectedDistinct : 0);
    this.seen = new PseudonymSet(expectedDistinct);
    const entries = Math.max(expectedDistinct, 1024);
    this.raw = new Int32Array(entries * 4);
    this.status = new Uint8Array(entries);
    this.digitsOf = new Float64Array(entries);
  }

  /**
   * Pseudonymises `count` values in DuckDB's string-vector layout (see above; `resolve(i)` gives
   * values longer than 12 bytes, `validity` is DuckDB's null bitmask or null for no nulls) and
   * writes each pseudonym's 16 bytes to `out[4i .. 4i+4)`; rows that are null are left alone.
   *
   * Parsing and probing are separate passes so that the table's cache misses overlap.
   */
  pseudonymiseStrings(
    data: Uint8Array,
    count: number,
    validity: Uint8Array | null,
    resolve: (i: number) => Uint8Array,
    out: Int32Array,
  ): void {
    this.ensureScratch(count);
    const { values, hashes, lateRows, lateEntries } = this;
    const lengths = new Uint32Array(data.buffer, data.byteOffset, count * 4);
    let late = 0;
    for (let i = 0; i < count; i++) {
      values[i] = NOT_DIGITS;
      if (validity !== null && ((validity[i >> 3] as number) & (1 << (i & 7))) === 0) continue;
      const length = lengths[i * 4] as number;
      const at = i * 16 + 4;
      if (this.cpr && (length === 10 || (length === 11 && data[at + 6] === HYPHEN))) {
        let hi = 0;
        let lo = 0;
        let d = 0;
        for (let j = 0, p = at; j < 10; j++, p++) {
          if (j === 6 && length === 11) p++;
          d = (data[p] as number) - 48;
          if (!(d >= 0 && d <= 9)) break;
          if (j < 5) hi = hi * 10 + d;
          else lo = lo * 10 + d;
        }
        if (d >= 0 && d <= 9) {
          values[i] = hi * 100000 + lo;
          // Distinct mode has no table to probe.
          if (!this.distinct) hashes[i] = hashDigits(hi, lo);
          continue;
        }
      }
      lateRows[late] = i;
      lateEntries[late++] =
        length <= INLINE ? this.lookupText(data, at, length) : this.lookupText(resolve(i), 0, length);
    }
    const table = this.table;
    for (let i = 0; i < count; i++) {
      const value = values[i] as number;
      if (value === NOT_DIGITS) continue;
      if (this.distinct) {
        lateEntries[late] = this.addDigits(value, -1, data, i * 16 + 4, lengths[i * 4] === 11);
        lateRows[late++] = i;
        continue;
      }
      const slot = table.probe(value, hashes[i] as number);
      if (table.f64[slot * 4] === value) {
        const packed = table.f64[slot * 4 + 1] as number;
        if ((packed & PENDING) === 0) {
          const s = slot * 8 + 4;
          const o = i * 4;
          const t = table.i32;
          out[o] = t[s] as number;
          out[o + 1] = t[s + 1] as number;
          out[o + 2] = t[s + 2] as number;
          out[o + 3] = t[s + 3] as number;
          continue;
        }
        lateEntries[late] = packed >>> 3;
      } else {
        lateEntries[late] = this.addDigits(value, slot, data, i * 16 + 4, lengths[i * 4] === 11);
      }
      lateRows[late++] = i;
    }
    this.flush();
    const raw = this.raw;
    for (let k = 0; k < late; k++) {
      const e = (lateEntries[k] as number) * 4;
      const o = (lateRows[k] as number) * 4;
      out[o] = raw[e] as number;
      out[o + 1] = raw[e + 1] as number;
      out[o + 2] = raw[e + 2] as number;
      out[o + 3] = raw[e + 3] as number;
    }
  }

  private ensureScratch(count: number): void {
    if (this.values.length >= count) return;
    this.values = new Float64Array(count);
    this.hashes = new Int32Array(count);
    this.lateRows = new Int32Array(count);
    this.lateEntries = new Int32Array(count);
  }

  /**
   * A new entry for ten digits not seen before; `slot` is the free table slot the probe ended on,
   * or -1 in distinct mode, where there is no table.
   */
  private addDigits(value: number, slot: number, src: Uint8Array, offset: number, hyphen: boolean): number {
    let digits = src;
    let at = offset;
    if (hyphen) {
      for (let j = 0; j < 10; j++) this.digits[j] = src[offset + (j < 6 ? j : j + 1)] as number;
      digits = this.digits;
      at = 0;
    }
    const status = STATUS_INDEX[cprStatusOfDigits(digits, at)];
    const entry = this.addEntry(status, value);
    const full = slot >= 0 && this.table.insert(slot, value, entry * 8 + PENDING + status);
    (this.fixed as HmacKernel).place(this.fixedCount, digits, at, 10);
    this.fixedEntries[this.fixedCount] = entry;
    this.fixedSlots[this.fixedCount++] = slot;
    if (this.fixedCount === BATCH) this.flushFixed();
    if (full) {
      // Pending slots must be written before slot numbers change.
      this.flushFixed();
      this.table.grow();
    }
    return entry;
  }

  private lookupText(src: Uint8Array, offset: number, length: number): number {
    const text = this.decoder.decode(src.subarray(offset, offset + length));
    if (this.cpr) {
      const normalised = normaliseCpr(text);
      if (normalised !== null) {
        const hi = Number(normalised.slice(0, 5));
        const lo = Number(normalised.slice(5));
        const value = hi * 100000 + lo;
        const digits = Buffer.from(normalised, 'latin1');
        if (this.distinct) return this.addDigits(value, -1, digits, 0, false);
        const slot = this.table.probe(value, hashDigits(hi, lo));
        if (this.table.f64[slot * 4] === value) return (this.table.f64[slot * 4 + 1] as number) >>> 3;
        return this.addDigits(value, slot, digits, 0, false);
      }
    }
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    const entry = this.addEntry(this.cpr ? STATUS_INDEX.invalid : NOT_CPR, NOT_DIGITS);
    this.byText.set(text, entry);
    if (length <= this.generic.maxValueLength) {
      this.generic.place(this.genericCount, src, offset, length);
      this.genericEntries[this.genericCount++] = entry;
      if (this.genericCount === BATCH) this.flushGeneric();
    } else {
      // Longer than one block: rare enough for Node's one-at-a-time HMAC.
      const bytes = Buffer.from(referencePseudonym(this.key, text), 'hex').reverse();
      this.store(entry, new Int32Array(bytes.buffer, bytes.byteOffset, 4), 0);
    }
    return entry;
  }

  private addEntry(status: number, digits: number): number {
    const entry = this.size++;
    if (entry === this.status.length) {
      const raw = new Int32Array(this.raw.length * 2);
      raw.set(this.raw);
      this.raw = raw;
      const statuses = new Uint8Array(this.status.length * 2);
      statuses.set(this.status);
      this.status = statuses;
      const digitsOf = new Float64Array(this.digitsOf.length * 2);
      digitsOf.set(this.digitsOf);
      this.digitsOf = digitsOf;
    }
    this.status[entry] = status;
    this.digitsOf[entry] = digits;
    return entry;
  }

  /** Hashes every pending value. */
  private flush(): void {
    this.flushFixed();
    this.flushGeneric();
  }

  private flushFixed(): void {
    if (this.fixedCount === 0) return;
    const bytes = (this.fixed as HmacKernel).run(this.fixedCount);
    const out = new Int32Array(bytes.buffer, bytes.byteOffset, this.fixedCount * 4);
    const f64 = this.table.f64;
    for (let p = 0; p < this.fixedCount; p++) {
      const slot = this.fixedSlots[p] as number;
      this.store(this.fixedEntries[p] as number, out, p);
      if (slot < 0) continue;
      this.table.setPseudonym(slot, out, p);
      f64[slot * 4 + 1] = (f64[slot * 4 + 1] as number) - PENDING;
    }
    this.fixedCount = 0;
  }

  private flushGeneric(): void {
    if (this.genericCount === 0) return;
    const bytes = this.generic.run(this.genericCount);
    const out = new Int32Array(bytes.buffer, bytes.byteOffset, this.genericCount * 4);
    for (let p = 0; p < this.genericCount; p++) this.store(this.genericEntries[p] as number, out, p);
    this.genericCount = 0;
  }

  private store(entry: number, src: Int32Array, index: number): void {
    const raw = this.raw;
    raw[entry * 4] = src[index * 4] as number;
    raw[entry * 4 + 1] = src[index * 4 + 1] as number;
    raw[entry * 4 + 2] = src[index * 4 + 2] as number;
    raw[entry * 4 + 3] = src[index * 4 + 3] as number;
    const other = this.seen.add(this.raw, entry);
    if (other < 0) return;
    const digits = this.digitsOf[entry] as number;
    if (digits !== NOT_DIGITS && this.digitsOf[other] === digits) {
      // The same CPR number in another form: same pseudonym by construction, one person.
      this.status[entry] = ALIAS;
      this.aliases++;
    } else {
      throw new PseudonymError(
        'pseudonym_collision',
        'two distinct values have the same pseudonym; refusing to merge them',
      );
    }
  }

  /** Pseudonyms for a list of values (null stays null), for small inputs and tests. */
  pseudonymise(values: readonly (string | null)[]): (string | null)[] {
    const data = new Uint8Array(values.length * 16);
    const view = new DataView(data.buffer);
    const long: Uint8Array[] = [];
    const validity = new Uint8Array(Math.ceil(values.length / 64) * 8);
    values.forEach((v, i) => {
      if (v === null) return;
      validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
      const bytes = Buffer.from(v, 'utf8');
      view.setUint32(i * 16, bytes.length, true);
      if (bytes.length <= INLINE) data.set(bytes, i * 16 + 4);
      else long[i] = bytes;
    });
    const out = new Int32Array(values.length * 4);
    this.pseudonymiseStrings(data, values.length, validity, (i) => long[i] as Uint8Array, out);
    const bytes = new Uint8Array(out.buffer);
    return values.map((v, i) => (v === null ? null : pseudonymHex(bytes, i * 16)));
  }

  /** Fails closed unless every distinct value has its own pseudonym (checked as entries arrive). */
  assertInjective(): void {
    const distinct = this.size - this.aliases;
    if (this.seen.size !== distinct) {
      throw new PseudonymError(
        'pseudonym_collision',
        `distinct values (${distinct}) and distinct pseudonyms (${this.seen.size}) differ`,
      );
    }
  }

  stats(): PseudonymStats {
    if (!this.cpr) return { distinct: this.size - this.aliases, cpr: null };
    const distinct = [0, 0, 0, 0, 0, 0];
    for (let e = 0; e < this.size; e++) (distinct[this.status[e] as number] as number)++;
    const cpr = Object.fromEntries(CPR_STATUSES.map((s, i) => [s, distinct[i] as number])) as Record<
      CprStatus,
      number
    >;
    return { distinct: this.size - this.aliases, cpr };
  }

  /** Overwrites the kernels' key material and every pseudonym held (after the output is written). */
  destroy(): void {
    this.fixed?.destroy();
    this.generic.destroy();
    this.raw.fill(0);
    this.table.clear();
    this.byText.clear();
  }
}
