import type { DuckDBConnection } from '@duckdb/node-api';
import t, { type Test } from 'tap';
import { analyseCpr } from '../../../control-plane/src/pseudonym/cpr.js';
import {
  finishRun,
  openPseudonymisingDatabase,
  pseudonymSql,
  startRun,
} from '../../../control-plane/src/pseudonym/duckdb-extension.js';
import { SecretKey } from '../../../control-plane/src/pseudonym/secret-key.js';
import { deriveSubKey, referencePseudonym } from '../../../control-plane/src/pseudonym/subkeys.js';
import { Rng } from '../../../control-plane/src/synth/rng.js';
import {
  buildWeakPseudonymExtension,
  withPseudonymExtension,
} from '../../support/weak-pseudonym-extension.js';

/** Matches a PseudonymError by its reason (tap's types only know `code`). */
const failure = (reason: string) => ({ reason }) as unknown as Error;

const projectA = SecretKey.fromBytes(Buffer.alloc(32, 0xa));
const projectB = SecretKey.fromBytes(Buffer.alloc(32, 0xb));
const rng = new Rng('duckdb-extension');

/** CPR-shaped, hyphenated, padded, invalid, non-ASCII, one-block-boundary, long and empty values. */
function values(n: number): (string | null)[] {
  return Array.from({ length: n }, (_, i) => {
    const digits = String(rng.int(1e10)).padStart(10, '0');
    switch (i % 11) {
      case 0:
        return null;
      case 1:
        return `${digits.slice(0, 6)}-${digits.slice(6)}`;
      case 2:
        return ` \t${digits}\n`;
      case 3:
        return 'ukendt';
      case 4:
        return `ø${digits}`;
      case 5:
        return `${digits}${digits}${digits}${digits}${digits}${digits}`;
      case 6:
        return '';
      case 7:
        // With the 18-byte tag, 37 bytes fill one SHA-256 block exactly; 38 need a second.
        return digits.repeat(4).slice(0, 37 + (i % 2));
      case 8:
        return `\u00a0${digits}`;
      default:
        return digits;
    }
  });
}

/** A connection to a new database with the extension loaded, closed when the test ends. */
async function connect(t: Test, options: Record<string, string> = {}): Promise<DuckDBConnection> {
  const instance = await openPseudonymisingDatabase(options);
  const db = await instance.connect();
  t.teardown(() => {
    db.closeSync();
    instance.closeSync();
  });
  return db;
}

/** Pseudonyms of `input` through SQL, each value repeated `copies` times so DuckDB uses its threads. */
async function pseudonymise(
  db: DuckDBConnection,
  key: ReturnType<typeof deriveSubKey>,
  input: (string | null)[],
  copies = 1,
): Promise<Map<string | null, Set<string | null>>> {
  await db.run('CREATE OR REPLACE TEMP TABLE input (v VARCHAR)');
  const appender = await db.createAppender('input');
  for (let c = 0; c < copies; c++) {
    for (const v of input) {
      if (v === null) appender.appendNull();
      else appender.appendVarchar(v);
      appender.endRow();
    }
  }
  appender.closeSync();
  await startRun(db, key);
  const reader = await db.runAndReadAll(`SELECT v, ${pseudonymSql(key, 'v')} AS p FROM input`);
  const seen = new Map<string | null, Set<string | null>>();
  for (const [v, p] of reader.getRows() as [string | null, string | null][]) {
    if (!seen.has(v)) seen.set(v, new Set());
    seen.get(v)?.add(p);
  }
  return seen;
}

function disagreements(key: ReturnType<typeof deriveSubKey>, seen: Map<string | null, Set<string | null>>) {
  return [...seen].filter(([v, ps]) => {
    const want = v === null ? null : referencePseudonym(key, v);
    return ps.size !== 1 || !ps.has(want);
  });
}

for (const portable of [false, true]) {
  const label = portable ? 'the portable SHA-256' : 'the CPU SHA extensions where present';
  t.test(
    `invariant 2: pseudonyms equal the HMAC definition for every kind of value (${label})`,
    async (t) => {
      if (portable) process.env.KLARSYN_PSEUDONYM_PORTABLE = '1';
      const db = await connect(t, { threads: '2' });
      delete process.env.KLARSYN_PSEUDONYM_PORTABLE;
      const accelerated = (
        await db.runAndReadAll('SELECT klarsyn_pseudonym_accelerated()')
      ).getRows()[0]?.[0];
      if (portable) t.equal(accelerated, false, 'the portable code ran');
      for (const purpose of ['person', 'contact'] as const) {
        const key = deriveSubKey(projectA, purpose);
        const input = values(4000);
        t.same(disagreements(key, await pseudonymise(db, key, input, 30)), [], purpose);
        const stats = await finishRun(db, key);
        t.equal(
          stats.distinct,
          new Set(input.filter((v) => v !== null).map((v) => referencePseudonym(key, v))).size,
        );
      }
    },
  );
}

t.test('invariant 2: deterministic within a project, unlinkable across projects', async (t) => {
  const db = await connect(t);
  const cprs = ['0707614285', '0101854001', '3102001234'];
  const of = async (secret: SecretKey) => {
    const key = deriveSubKey(secret, 'person');
    const seen = await pseudonymise(db, key, cprs);
    await finishRun(db, key);
    return cprs.map((c) => [...(seen.get(c) ?? [])][0] as string);
  };
  const a1 = await of(projectA);
  const a2 = await of(projectA);
  const b = await of(projectB);
  t.same(a1, a2);
  t.equal(new Set([...a1, ...b]).size, 6);
  for (const p of a1) t.match(p, /^[0-9a-f]{32}$/);
});

t.test('a run counts distinct values by CPR status, forms of one number once', async (t) => {
  const db = await connect(t);
  const key = deriveSubKey(projectA, 'person');
  // valid; its hyphenated and padded forms; a 1 January number failing modulus 11; a bad date; text.
  await pseudonymise(db, key, [
    '0707614285',
    '070761-4285',
    ' 0707614285',
    '0101851234',
    '3102001234',
    'x',
    null,
  ]);
  t.same(await finishRun(db, key), { distinct: 4, cpr: { valid: 1, valid_no_mod11: 1, invalid: 2 } });
  await startRun(db, key);
  t.same(
    await finishRun(db, key),
    { distinct: 0, cpr: { valid: 0, valid_no_mod11: 0, invalid: 0 } },
    'ended',
  );
  const contact = deriveSubKey(projectA, 'contact');
  await pseudonymise(db, contact, ['0707614285', '070761-4285']);
  t.same(await finishRun(db, contact), { distinct: 2, cpr: null }, 'record ids are not normalised');
});

t.test(
  'CPR statuses agree with cpr.ts on every date edge: 29 February in every century, month and day bounds',
  async (t) => {
    const db = await connect(t);
    const key = deriveSubKey(projectA, 'person');
    const cprs: string[] = [];
    for (let yy = 0; yy < 100; yy++)
      for (let seventh = 0; seventh < 10; seventh++)
        for (const ddmm of ['2902', '2802', '3002', '3104', '3004', '0000', '0113', '3212', '0001']) {
          cprs.push(
            `${ddmm}${String(yy).padStart(2, '0')}${seventh}${String(rng.int(1000)).padStart(3, '0')}`,
          );
        }
    await pseudonymise(db, key, cprs);
    const want = { valid: 0, valid_no_mod11: 0, invalid: 0 };
    for (const cpr of new Set(cprs)) want[analyseCpr(cpr).status]++;
    t.ok(want.invalid > 0 && want.valid > 0 && want.valid_no_mod11 > 0, 'every status occurs');
    t.same((await finishRun(db, key)).cpr, want);
  },
);

t.test('invariant 2: the key must be a constant of the query, never null or empty', async (t) => {
  const db = await connect(t);
  await t.rejects(
    db.run(`SELECT klarsyn_pseudonym(CAST(v AS BLOB), 'tag', true, v) FROM (VALUES ('a'), ('b')) t(v)`),
    /must be non-null constants/,
  );
  for (const [tag, mode] of [
    ['v', 'true'],
    ["'tag'", "v = 'a'"],
  ]) {
    await t.rejects(
      db.run(`SELECT klarsyn_pseudonym('\\x01'::BLOB, ${tag}, ${mode}, v) FROM (VALUES ('a'), ('b')) t(v)`),
      /must be non-null constants/,
      `tag ${tag}, mode ${mode}`,
    );
  }
  await t.rejects(db.run(`SELECT klarsyn_pseudonym(NULL, 'tag', true, '0707614285')`), /non-null constants/);
  await t.rejects(db.run(`SELECT klarsyn_pseudonym(''::BLOB, 'tag', true, '0707614285')`), /empty key/);
});

t.test('invariant 2: two values with one pseudonym fail the run instead of merging persons', async (t) => {
  const weak = buildWeakPseudonymExtension();
  await withPseudonymExtension(weak, async () => {
    const db = await connect(t);
    const key = deriveSubKey(projectA, 'person');
    // One-byte pseudonyms: 300 distinct numbers cannot have 300 distinct pseudonyms. Small runs
    // are checked on one thread, runs of 100,000 values and more in parallel parts: both fail.
    const cprs = Array.from({ length: 300 }, (_, i) => String(101850000 + i).padStart(10, '0'));
    for (const copies of [3, 400]) {
      await pseudonymise(db, key, cprs, copies);
      await t.rejects(finishRun(db, key), failure('pseudonym_collision'), `${300 * copies} rows`);
    }
    // A value met again is not a collision: one value, many rows.
    await pseudonymise(db, key, ['0707614285', '070761-4285'], 60_000);
    t.same((await finishRun(db, key)).distinct, 1);
  });
});

t.test('invariant 2: the key is never in SQL text, so never in an error message', async (t) => {
  const db = await connect(t);
  const key = deriveSubKey(projectA, 'person');
  const hex = Buffer.from(key.key.expose()).toString('hex');
  t.notMatch(pseudonymSql(key, 'v'), hex);
  await startRun(db, key);
  const error = await db.run(`SELECT ${pseudonymSql(key, 'no_such_column')}`).catch((e: Error) => e);
  t.ok(error instanceof Error, 'the query fails');
  t.notMatch((error as Error).message, hex, 'without the key in its message');
  await finishRun(db, key);
  await t.rejects(
    db.run(`SELECT ${pseudonymSql(key, "'0707614285'")}`),
    /non-null constants/,
    'gone after its run',
  );
});
