import t from 'tap';
import { EventTypeRegistry } from '../../../audit/store/event-types.js';

const closed = { type: 'object', additionalProperties: false, properties: { file: { type: 'string' } } };
const event = (details: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'output.released',
  time: '2026-11-22T10:00:00.000Z',
  actor: 'account:3f2c1e5a-1234-4abc-9def-0123456789ab',
  project: 'P-1',
  subject: null,
  details,
  ...extra,
});

t.test('a type is registered once, with a closed details schema', async (t) => {
  const types = new EventTypeRegistry();
  types.register({ type: 'output.released', description: 'x', details: closed });
  types.register({ type: 'output.released', description: 'x', details: closed });
  t.throws(() => types.register({ type: 'output.released', description: 'other', details: closed }), {
    code: 'invalid_argument',
  });
  t.throws(() => types.register({ type: 'open.event', description: 'x', details: { type: 'object' } }), {
    code: 'invalid_argument',
  });
  t.throws(() => types.register({ type: 'Bad', description: 'x', details: closed }), {
    code: 'malformed_event',
  });
  t.same(
    types.list().map((d) => d.type),
    ['output.released'],
  );
});

t.test(
  'invariant 2: nothing that looks like a CPR number is logged; hashes and UUIDs are fine',
  async (t) => {
    const types = new EventTypeRegistry();
    types.register({ type: 'output.released', description: 'x', details: closed });
    for (const bad of ['0101901234', '010190-1234', 'patient 010190-1234.', 'cpr:0101901234']) {
      t.throws(() => types.encode(event({ file: bad })), { code: 'malformed_event' }, bad);
    }
    t.throws(() => types.encode(event({ file: 'a' }, { subject: 'person:010190-1234' })), {
      code: 'malformed_event',
    });
    for (const good of [
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      '3f2c1e5a-1234-4abc-9def-0123456789ab',
      'table-2026-11-22.csv',
      '12345',
    ]) {
      t.ok(types.encode(event({ file: good })), good);
    }
    t.throws(
      () => types.encode(event({ file: 1 })),
      { code: 'malformed_event' },
      'details follow the schema',
    );
    t.throws(() => types.encode({ ...event({}), type: 'never.registered' }), { code: 'malformed_event' });
  },
);
