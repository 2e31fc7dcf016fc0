import { createHmac } from 'node:crypto';
import t from 'tap';
import { BATCH, HmacKernel } from '../../../control-plane/src/pseudonym/hmac-kernel.js';
import { Rng } from '../../../control-plane/src/synth/rng.js';

const rng = new Rng('hmac-kernel');
const bytes = (n: number) => Uint8Array.from({ length: n }, () => rng.int(256));

function reference(key: Uint8Array, tag: Uint8Array, value: Uint8Array): string {
  return createHmac('sha256', key).update(tag).update(value).digest().subarray(0, 16).toString('hex');
}

/** The kernel's 16 bytes are a little-endian 128-bit integer; hex reads them backwards. */
function hexAt(out: Uint8Array, i: number): string {
  return Buffer.from(out.subarray(i * 16, i * 16 + 16))
    .reverse()
    .toString('hex');
}

t.test('agrees with Node createHmac for every tag length and value length', async (t) => {
  for (const tagLength of [0, 3, 18, 19, 45]) {
    const key = bytes(32);
    const tag = bytes(tagLength);
    const shapes = [null, ...(tagLength <= 45 ? [10] : []), 0, 55 - tagLength];
    for (const valueLength of shapes) {
      const kernel = new HmacKernel(key, { tag, valueLength });
      const n = 257;
      const values = Array.from({ length: n }, (_, i) =>
        bytes(valueLength ?? i % (kernel.maxValueLength + 1)),
      );
      values.forEach((v, i) => {
        kernel.place(i, v, 0, v.length);
      });
      const out = kernel.run(n);
      const bad = values.filter((v, i) => hexAt(out, i) !== reference(key, tag, v)).length;
      t.equal(bad, 0, `tag ${tagLength}, value ${valueLength ?? 'any'}`);
    }
  }
});

t.test('a full batch, and values placed from an offset in a larger buffer', async (t) => {
  const key = bytes(32);
  const tag = Buffer.from('klarsyn:person:v1:');
  const kernel = new HmacKernel(key, { tag, valueLength: 10 });
  const buffer = bytes(BATCH * 16);
  for (let i = 0; i < BATCH; i++) kernel.place(i, buffer, i * 16 + 4, 10);
  const out = kernel.run(BATCH);
  let bad = 0;
  for (let i = 0; i < BATCH; i++) {
    if (hexAt(out, i) !== reference(key, tag, buffer.subarray(i * 16 + 4, i * 16 + 14))) bad++;
  }
  t.equal(bad, 0);
});

t.test('RFC 4231 test case 2 (truncated to 128 bits) through the kernel', async (t) => {
  // Key "Jefe", data "what do ya want for nothing?": HMAC-SHA256 = 5bdcc146bf60754e6a042426089575c7…
  const key = Buffer.from('Jefe');
  const kernel = new HmacKernel(key, { tag: new Uint8Array(0), valueLength: null });
  const data = Buffer.from('what do ya want for nothing?');
  kernel.place(0, data, 0, data.length);
  t.equal(hexAt(kernel.run(1), 0), '5bdcc146bf60754e6a042426089575c7');
});

t.test('refuses messages longer than one block', async (t) => {
  t.throws(() => new HmacKernel(bytes(32), { tag: bytes(50), valueLength: 10 }), RangeError);
});
