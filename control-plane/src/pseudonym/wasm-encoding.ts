/**
 * Just enough of the WebAssembly binary format (core spec §5 and the fixed-width SIMD proposal) to
 * emit the straight-line SHA-256 code in `sha256-simd.ts`. Opcode values come from the spec's
 * instruction index.
 */

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const TYPE = { i32: 0x7f, v128: 0x7b } as const;

/** Core opcodes used here. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
} as const;

/** SIMD opcodes (prefix 0xfd, then the LEB128-encoded sub-opcode). */
export const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  and: 0x4e,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
} as const;

/** A function body under construction: parameters are i32, extra locals are declared up front. */
export class FunctionBody {
  readonly code: number[] = [];
  private v128Locals = 0;

  constructor(
    readonly params: number,
    readonly i32Locals: number,
  ) {}

  /** A fresh v128 local; its index follows the parameters and the i32 locals. */
  v128(): number {
    return this.params + this.i32Locals + this.v128Locals++;
  }

  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  get(local: number): this {
    return this.emit(OP.localGet, ...uleb(local));
  }

  set(local: number): this {
    return this.emit(OP.localSet, ...uleb(local));
  }

  i32(value: number): this {
    return this.emit(OP.i32Const, ...sleb(value));
  }

  simd(op: number, ...immediates: number[]): this {
    return this.emit(0xfd, ...uleb(op), ...immediates);
  }

  /** v128.load/store with 16-byte alignment hint and a constant offset. */
  load(offset: number): this {
    return this.simd(SIMD.load, 4, ...uleb(offset));
  }

  store(offset: number): this {
    return this.simd(SIMD.store, 4, ...uleb(offset));
  }

  /** The same 32-bit value in all four lanes. */
  splat(value: number): this {
    const bytes: number[] = [];
    for (let lane = 0; lane < 4; lane++) for (let i = 0; i < 4; i++) bytes.push((value >>> (8 * i)) & 0xff);
    return this.simd(SIMD.const, ...bytes);
  }

  encode(): number[] {
    const locals: number[] = [];
    const groups = [
      [this.i32Locals, TYPE.i32],
      [this.v128Locals, TYPE.v128],
    ].filter(([count]) => (count as number) > 0);
    locals.push(...uleb(groups.length));
    for (const [count, type] of groups) locals.push(...uleb(count as number), type as number);
    const body = [...locals, ...this.code, OP.end];
    return [...uleb(body.length), ...body];
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

/** A module of functions with i32 parameters and no results, one exported memory of `pages` pages. */
export function encodeModule(
  pages: number,
  functions: { name: string; body: FunctionBody }[],
): Uint8Array<ArrayBuffer> {
  const types = functions.map(({ body }) => [
    0x60,
    ...uleb(body.params),
    ...Array(body.params).fill(TYPE.i32),
    0,
  ]);
  const exports = [
    ...uleb(functions.length + 1),
    ...name('memory'),
    0x02,
    0,
    ...functions.flatMap(({ name: n }, i) => [...name(n), 0x00, ...uleb(i)]),
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [...uleb(types.length), ...types.flat()]),
    ...section(3, [...uleb(functions.length), ...functions.flatMap((_, i) => uleb(i))]),
    ...section(5, [1, 0x00, ...uleb(pages)]),
    ...section(7, exports),
    ...section(10, [...uleb(functions.length), ...functions.flatMap(({ body }) => body.encode())]),
  ]);
}
