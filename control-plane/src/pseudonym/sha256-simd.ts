import { encodeModule, FunctionBody, SIMD } from './wasm-encoding.js';

/**
 * Emits a WebAssembly module that computes HMAC-SHA256 (RFC 2104, SHA-256 per FIPS 180-4) for
 * four messages at a time, one per 32-bit SIMD lane. Node's per-call `createHmac` manages ~0.2M
 * HMACs/s because each call allocates; this kernel is straight-line code with the key's inner and
 * outer midstates precomputed once, and every word of the padded blocks that is the same for all
 * messages (the domain tag, the padding, the length) folded into constants at emission time.
 *
 * One message is `tag || value` in a single 64-byte inner block (so at most 55 bytes), described
 * by a template: a constant for each word fixed by the tag and the shape, null for a word that
 * varies. Varying words arrive lane-interleaved: for each group of four messages, one 16-byte row
 * per varying word holding that word of messages 0..3 (big-endian words stored as i32).
 */

/** FIPS 180-4 §4.2.2. */
export const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
] as const;

/** FIPS 180-4 §5.3.3. */
export const IV = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
] as const;

/** Memory map (byte offsets); every state is 8 rows of 16 bytes, one word in all four lanes. */
export const LAYOUT = {
  innerState: 0,
  outerState: 128,
  /** Inner state after the rounds whose message words are all constant (the tag). */
  prefixState: 256,
  scratchBlock: 512,
  scratchOut: 768,
  input: 1024,
  /** Messages per call; the output area follows the input area. */
  batch: 2048,
} as const;

export const PAGES = 4;

/** A 32-bit word that is either known when emitting (a number) or held in a v128 local. */
type Word = { constant: number } | { local: number };

const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;
const sigma0 = (x: number) => (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) >>> 0;
const sigma1 = (x: number) => (rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10)) >>> 0;

class Emitter {
  constructor(readonly f: FunctionBody) {}

  push(w: Word): void {
    if ('constant' in w) this.f.splat(w.constant);
    else this.f.get(w.local);
  }

  /** Pushes rotr(x, n) of a local. */
  rotr(x: number, n: number): void {
    const f = this.f;
    f.get(x).i32(n).simd(SIMD.i32x4ShrU);
    f.get(x)
      .i32(32 - n)
      .simd(SIMD.i32x4Shl);
    f.simd(SIMD.or);
  }

  /** Pushes rotr(x,a) ^ rotr(x,b) ^ (shift ? x >>> c : rotr(x,c)). */
  mix(x: number, a: number, b: number, c: number, shift: boolean): void {
    this.rotr(x, a);
    this.rotr(x, b);
    this.f.simd(SIMD.xor);
    if (shift) this.f.get(x).i32(c).simd(SIMD.i32x4ShrU);
    else this.rotr(x, c);
    this.f.simd(SIMD.xor);
  }

  /** Message schedule word t from earlier words, folding whatever is constant. */
  schedule(w: Word[], t: number): Word {
    const terms: [Word, ((x: number) => number) | null, 'sigma0' | 'sigma1' | null][] = [
      [w[t - 2] as Word, sigma1, 'sigma1'],
      [w[t - 7] as Word, null, null],
      [w[t - 15] as Word, sigma0, 'sigma0'],
      [w[t - 16] as Word, null, null],
    ];
    let constant = 0;
    let pushed = 0;
    for (const [word, fn, kind] of terms) {
      if ('constant' in word) {
        constant = (constant + (fn ? fn(word.constant) : word.constant)) >>> 0;
        continue;
      }
      if (kind === 'sigma1') this.mix(word.local, 17, 19, 10, true);
      else if (kind === 'sigma0') this.mix(word.local, 7, 18, 3, true);
      else this.f.get(word.local);
      if (pushed++ > 0) this.f.simd(SIMD.i32x4Add);
    }
    if (pushed === 0) return { constant };
    if (constant !== 0) this.f.splat(constant).simd(SIMD.i32x4Add);
    const local = this.f.v128();
    this.f.set(local);
    return { local };
  }

  /**
   * Rounds `from`..63 on the working variables held in `regs` (a..h locals), computing schedule
   * words on the way. Returns the locals now holding a..h.
   */
  rounds(w: Word[], regs: number[], from: number, to = 64): number[] {
    let [a, b, c, d, e, f, g, h] = regs as [number, number, number, number, number, number, number, number];
    const t1 = this.f.v128();
    const t2 = this.f.v128();
    for (let t = from; t < to; t++) {
      if (w[t] === undefined) w[t] = this.schedule(w, t);
      const word = w[t] as Word;
      // t1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t]; Ch(e,f,g) = bitselect(f, g, e)
      this.f.get(h);
      this.mix(e, 6, 11, 25, false);
      this.f.simd(SIMD.i32x4Add);
      this.f.get(f).get(g).get(e).simd(SIMD.bitselect).simd(SIMD.i32x4Add);
      if ('constant' in word) this.f.splat((K[t] as number) + word.constant);
      else
        this.f
          .get(word.local)
          .splat(K[t] as number)
          .simd(SIMD.i32x4Add);
      this.f.simd(SIMD.i32x4Add).set(t1);
      // t2 = Σ0(a) + Maj(a,b,c); Maj(a,b,c) = bitselect(b, a, a ^ c)
      this.mix(a, 2, 13, 22, false);
      this.f.get(b).get(a).get(a).get(c).simd(SIMD.xor).simd(SIMD.bitselect);
      this.f.simd(SIMD.i32x4Add).set(t2);
      // d + t1 becomes e, t1 + t2 becomes a; the locals rotate instead of the values
      this.f.get(d).get(t1).simd(SIMD.i32x4Add).set(d);
      this.f.get(t1).get(t2).simd(SIMD.i32x4Add).set(h);
      [a, b, c, d, e, f, g, h] = [h, a, b, c, d, e, f, g];
    }
    return [a, b, c, d, e, f, g, h];
  }

  /** Loads the 8 rows of the state at a constant address into fresh locals. */
  loadState(address: number): number[] {
    return Array.from({ length: 8 }, (_, i) => {
      const local = this.f.v128();
      this.f
        .i32(address)
        .load(i * 16)
        .set(local);
      return local;
    });
  }

  /** new[i] = state[i] (at `address`) + regs[i], for the first `count` words. */
  addState(address: number, regs: number[], count: number): number[] {
    return regs.slice(0, count).map((reg, i) => {
      const local = this.f.v128();
      this.f
        .i32(address)
        .load(i * 16)
        .get(reg)
        .simd(SIMD.i32x4Add)
        .set(local);
      return local;
    });
  }
}

/** compress(state, block, out): plain SHA-256 block compression in all lanes, for midstates. */
function compressFunction(): FunctionBody {
  const f = new FunctionBody(3, 0);
  const em = new Emitter(f);
  const regs = Array.from({ length: 8 }, (_, i) => {
    const local = f.v128();
    f.get(0)
      .load(i * 16)
      .set(local);
    return local;
  });
  const w: Word[] = Array.from({ length: 16 }, (_, i) => {
    const local = f.v128();
    f.get(1)
      .load(i * 16)
      .set(local);
    return { local };
  });
  const out = em.rounds(w, regs, 0);
  for (let i = 0; i < 8; i++) {
    f.get(2);
    f.get(0)
      .load(i * 16)
      .get(out[i] as number)
      .simd(SIMD.i32x4Add);
    f.store(i * 16);
  }
  return f;
}

/** Rounds of the inner block whose words are all constant, once per key. */
function leadingConstantWords(template: (number | null)[]): number {
  const i = template.indexOf(null);
  return i === -1 ? 16 : i;
}

function prefixFunction(template: (number | null)[]): FunctionBody {
  const f = new FunctionBody(0, 0);
  const em = new Emitter(f);
  const count = leadingConstantWords(template);
  const w: Word[] = template.slice(0, count).map((c) => ({ constant: c as number }));
  const out = em.rounds(w, em.loadState(LAYOUT.innerState), 0, count);
  out.forEach((reg, i) => {
    f.i32(LAYOUT.prefixState)
      .get(reg)
      .store(i * 16);
  });
  return f;
}

/** Lane shuffles that turn digest rows w0..w3 into one little-endian 128-bit integer per message. */
const PAIR_LOW = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const PAIR_HIGH = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];
const HALVES_LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HALVES_HIGH = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

/**
 * hmac(groups): for each group of four messages, the inner compression from the prefix state,
 * then the outer compression of the inner digest, writing the first 128 bits of each HMAC.
 */
function hmacFunction(template: (number | null)[]): FunctionBody {
  const f = new FunctionBody(1, 3);
  const [groups, g, input, output] = [0, 1, 2, 3];
  const varying = template.filter((w) => w === null).length;
  const em = new Emitter(f);
  f.i32(LAYOUT.input).set(input);
  f.i32(LAYOUT.input + LAYOUT.batch * 4 * 16).set(output);
  f.emit(0x02, 0x40, 0x03, 0x40); // block, loop
  f.get(g).get(groups).emit(0x4f, 0x0d, 1); // g >= groups → break
  let row = 0;
  const inner: Word[] = template.map((c) => {
    if (c !== null) return { constant: c };
    const local = f.v128();
    f.get(input)
      .load(16 * row++)
      .set(local);
    return { local };
  });
  const start = leadingConstantWords(template);
  const innerRegs = em.rounds(inner, em.loadState(LAYOUT.prefixState), start);
  const digest = em.addState(LAYOUT.innerState, innerRegs, 8);
  // Outer block: the 32-byte inner digest, 0x80, zeros, and the length 64 + 32 bytes in bits.
  const outer: Word[] = [
    ...digest.map((local) => ({ local })),
    { constant: 0x80000000 },
    ...Array.from({ length: 6 }, () => ({ constant: 0 })),
    { constant: (64 + 32) * 8 },
  ];
  const outerRegs = em.rounds(outer, em.loadState(LAYOUT.outerState), 0);
  const [w0, w1, w2, w3] = em.addState(LAYOUT.outerState, outerRegs, 4) as [number, number, number, number];
  // Message m's 128-bit value is w0‖w1‖w2‖w3; as a little-endian integer that is w3,w2,w1,w0.
  const t32 = f.v128();
  const t10 = f.v128();
  f.get(w3)
    .get(w2)
    .simd(SIMD.shuffle, ...PAIR_LOW)
    .set(t32);
  f.get(w1)
    .get(w0)
    .simd(SIMD.shuffle, ...PAIR_LOW)
    .set(t10);
  f.get(output)
    .get(t32)
    .get(t10)
    .simd(SIMD.shuffle, ...HALVES_LOW)
    .store(0);
  f.get(output)
    .get(t32)
    .get(t10)
    .simd(SIMD.shuffle, ...HALVES_HIGH)
    .store(16);
  f.get(w3)
    .get(w2)
    .simd(SIMD.shuffle, ...PAIR_HIGH)
    .set(t32);
  f.get(w1)
    .get(w0)
    .simd(SIMD.shuffle, ...PAIR_HIGH)
    .set(t10);
  f.get(output)
    .get(t32)
    .get(t10)
    .simd(SIMD.shuffle, ...HALVES_LOW)
    .store(32);
  f.get(output)
    .get(t32)
    .get(t10)
    .simd(SIMD.shuffle, ...HALVES_HIGH)
    .store(48);
  f.get(input)
    .i32(varying * 16)
    .emit(0x6a)
    .set(input);
  f.get(output).i32(64).emit(0x6a).set(output);
  f.get(g).i32(1).emit(0x6a).set(g);
  f.emit(0x0c, 0, 0x0b, 0x0b); // br loop, end loop, end block
  return f;
}

/** The module for one inner-block template (16 entries: a constant word, or null where messages differ). */
export function emitHmacModule(template: (number | null)[]): Uint8Array<ArrayBuffer> {
  if (template.length !== 16) throw new RangeError('a SHA-256 block has 16 words');
  return encodeModule(PAGES, [
    { name: 'compress', body: compressFunction() },
    { name: 'prefix', body: prefixFunction(template) },
    { name: 'hmac', body: hmacFunction(template) },
  ]);
}
