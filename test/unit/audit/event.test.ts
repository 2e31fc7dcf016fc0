import t from 'tap';
import { fromUtf8 } from '../../../audit/encoding.js';
import { canonicalJson, decodeEvent, encodeEvent, type LogEvent } from '../../../audit/index.js';

const event: LogEvent = {
  type: 'extract.accessed',
  time: '2026-11-22T10:00:00.000Z',
  actor: 'account:8d0f5a2e-0000-4000-8000-000000000001',
  project: 'P-2026-001',
  subject: 'extract:v3',
  details: { workspace: 'ws-1', files: 3 },
};

t.test(
  'RFC 8785 canonical form: sorted keys by UTF-16 code units, ES number form, no whitespace',
  async (t) => {
    // RFC 8785 §3.2.3 sorting example.
    const keys = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    t.equal(
      canonicalJson(keys),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // RFC 8785 §3.2.2.3 number examples.
    t.equal(
      canonicalJson([Number('333333333.33333329'), 1e30, 4.5, 2e-3, 0.000000000000000000000000001, -0]),
      '[333333333.3333333,1e+30,4.5,0.002,1e-27,0]',
    );
    t.equal(
      canonicalJson({ b: [true, null, 'x'], a: { d: 1, c: 2 } }),
      '{"a":{"c":2,"d":1},"b":[true,null,"x"]}',
    );
    t.throws(() => canonicalJson({ a: Number.NaN }), { code: 'malformed_event' });
    t.throws(() => canonicalJson({ a: undefined }), { code: 'malformed_event' });
    t.throws(() => canonicalJson({ a: '\ud800' }), { code: 'malformed_event' });
    t.throws(() => canonicalJson(new Date()), { code: 'malformed_event' });
  },
);

t.test('events encode canonically and decode back; only the canonical bytes are accepted', async (t) => {
  const bytes = encodeEvent(event);
  t.equal(
    fromUtf8(bytes),
    '{"actor":"account:8d0f5a2e-0000-4000-8000-000000000001","details":{"files":3,"workspace":"ws-1"},"project":"P-2026-001","subject":"extract:v3","time":"2026-11-22T10:00:00.000Z","type":"extract.accessed"}',
  );
  t.same(decodeEvent(bytes), event);
  t.throws(() => decodeEvent(JSON.stringify(event, null, 1)), { code: 'malformed_event' });
  t.throws(() => decodeEvent(new Uint8Array([0xff])), { code: 'malformed_event' });
});

t.test('the event envelope is exact', async (t) => {
  const bad: unknown[] = [
    { ...event, extra: 1 },
    { ...event, type: 'Extract' },
    { ...event, type: 'extract' },
    { ...event, time: '2026-11-22 10:00:00' },
    { ...event, time: '2026-11-22T10:00:00Z' },
    { ...event, actor: '' },
    { ...event, actor: 'a\nb' },
    { ...event, project: 3 },
    { ...event, subject: undefined },
    { ...event, details: [] },
    { ...event, details: { big: 'x'.repeat(70000) } },
  ];
  for (const e of bad) t.throws(() => encodeEvent(e as LogEvent), { code: 'malformed_event' });
});
