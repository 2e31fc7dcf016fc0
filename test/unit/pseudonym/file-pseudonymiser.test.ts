import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import t from 'tap';
import { pseudonymiseFile } from '../../../control-plane/src/pseudonym/file-pseudonymiser.js';
import { SecretKey } from '../../../control-plane/src/pseudonym/secret-key.js';
import { deriveSubKey, referencePseudonym } from '../../../control-plane/src/pseudonym/subkeys.js';
import {
  buildWeakPseudonymExtension,
  withPseudonymExtension,
} from '../../support/weak-pseudonym-extension.js';

/** Matches a PseudonymError by its reason (tap's types only know `code`). */
const failure = (reason: string) => ({ reason }) as unknown as Error;

const secret = SecretKey.fromBytes(Buffer.alloc(32, 3));
const person = deriveSubKey(secret, 'person');
const dir = mkdtempSync(join(tmpdir(), 'klarsyn-pseudonymise-'));

async function connect() {
  const instance = await DuckDBInstance.create(':memory:');
  return instance.connect();
}

const CPRS = ['0707614285', '0101854001', '1212121212', '3102001234', '2902004000'];

/** A small register: persons with mothers (some shared), a null, a hyphenated and an invalid value. */
async function writeRegister(path: string, format: 'parquet' | 'csv'): Promise<void> {
  const db = await connect();
  await db.run(`CREATE TABLE r AS SELECT * FROM (VALUES
    ('0707614285', '0101854001', 1), ('1212121212', '010185-4001', 2), ('3102001234', NULL, 3),
    ('2902004000', '0707614285', 4), ('ukendt', '1212121212', 5)) v(pnr, mor_id, n)`);
  await db.run(
    `COPY r TO '${path}' (${format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true'})`,
  );
  db.closeSync();
}

t.test('invariant 2: a pseudonymised file has no CPR number in any output byte', async (t) => {
  const input = join(dir, 'bef.csv');
  const output = join(dir, 'bef-out.csv');
  await writeRegister(input, 'csv');
  const result = await pseudonymiseFile({ secret, input, output, cprColumns: ['pnr', 'mor_id'] });
  t.equal(result.rows, 5);
  t.same(result.stats, { distinct: 6, cpr: { valid: 1, valid_no_mod11: 3, invalid: 2 } });
  const text = readFileSync(output, 'latin1');
  for (const cpr of [...CPRS, '010185-4001']) t.notOk(text.includes(cpr), `${cpr} absent`);
  t.notMatch(text, /\d{6}-?\d{4}/, 'nothing CPR-shaped');
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.split(','));
  t.same(lines[0], ['pnr', 'mor_id', 'n']);
  // Family links hold: person 1's pseudonym is person 4's mother, person 3's is person 5's mother.
  t.equal(lines[1]?.[0], referencePseudonym(person, '0707614285'));
  t.equal(lines[4]?.[1], lines[1]?.[0]);
  t.equal(lines[5]?.[1], lines[2]?.[0]);
  t.equal(lines[2]?.[1], lines[1]?.[1], 'hyphenated and plain forms of one CPR agree');
  t.equal(lines[3]?.[1], '', 'null stays null');
  t.equal(
    lines[5]?.[0],
    referencePseudonym(person, 'ukendt'),
    'invalid values are pseudonymised, not passed through',
  );
});

t.test('Parquet in and out; numeric CPR columns get their leading zero back', async (t) => {
  const db = await connect();
  const input = join(dir, 'numeric.parquet');
  await db.run(`COPY (SELECT 707614285::BIGINT AS pnr, 'a' AS note) TO '${input}' (FORMAT parquet)`);
  const output = join(dir, 'numeric-out.parquet');
  await pseudonymiseFile({ secret, input, output, cprColumns: ['pnr'] });
  const rows = (await db.runAndReadAll(`SELECT * FROM read_parquet('${output}')`)).getRowObjectsJS();
  t.same(rows, [{ pnr: referencePseudonym(person, '0707614285'), note: 'a' }]);
});

t.test('rows keep their order in a file large enough for DuckDB to use several threads', async (t) => {
  const db = await connect();
  for (const format of ['parquet', 'csv'] as const) {
    const input = join(dir, `ordered.${format}`);
    // 400,000 rows (several row groups), 1,000 persons repeating out of order.
    await db.run(
      `COPY (SELECT lpad(CAST((i * 7919) % 1000 + 101010000 AS VARCHAR), 10, '0') AS pnr, i AS n
             FROM range(400000) r(i)) TO '${input}' (${format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true'})`,
    );
    const output = join(dir, `ordered-out.${format}`);
    const result = await pseudonymiseFile({ secret, input, output, cprColumns: ['pnr'] });
    t.equal(result.rows, 400000);
    t.equal(result.stats.distinct, 1000);
    const read = format === 'parquet' ? `read_parquet('${output}')` : `read_csv('${output}', header = true)`;
    const misplaced = await db.runAndReadAll(
      `SELECT count(*) FILTER (WHERE n <> position - 1) AS misplaced, count(*) AS n
       FROM (SELECT n, row_number() OVER () AS position FROM ${read})`,
    );
    t.same(misplaced.getRowObjectsJS(), [{ misplaced: 0n, n: 400000n }], `${format}: every row in its place`);
  }
});

t.test('bad input fails clearly and leaves no output behind', async (t) => {
  const input = join(dir, 'good.parquet');
  await writeRegister(input, 'parquet');
  const corrupt = join(dir, 'corrupt.parquet');
  writeFileSync(corrupt, 'PAR1 this is not parquet');
  const cases: [string, Parameters<typeof pseudonymiseFile>[0], string][] = [
    [
      'missing column',
      { secret, input, output: join(dir, 'o1.parquet'), cprColumns: ['pnr', 'cpr'] },
      'cpr_column_missing',
    ],
    [
      'corrupt file',
      { secret, input: corrupt, output: join(dir, 'o2.parquet'), cprColumns: ['pnr'] },
      'input_unreadable',
    ],
    [
      'unknown format',
      { secret, input: join(dir, 'x.txt'), output: join(dir, 'o3.csv'), cprColumns: ['pnr'] },
      'input_unreadable',
    ],
    [
      'missing file',
      { secret, input: join(dir, 'none.csv'), output: join(dir, 'o4.csv'), cprColumns: ['pnr'] },
      'input_unreadable',
    ],
  ];
  for (const [name, options, reason] of cases) {
    await t.rejects(pseudonymiseFile(options), failure(reason), name);
    t.notOk(existsSync(options.output), `${name}: no output`);
  }
  t.same(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary files left',
  );
});

t.test('invariant 2: a pseudonym shared by two CPR numbers leaves no output behind', async (t) => {
  const input = join(dir, 'many.parquet');
  const db = await connect();
  await db.run(
    `COPY (SELECT lpad(CAST(101850000 + i AS VARCHAR), 10, '0') AS pnr FROM range(300) r(i)) TO '${input}' (FORMAT parquet)`,
  );
  db.closeSync();
  const output = join(dir, 'many-out.parquet');
  await withPseudonymExtension(buildWeakPseudonymExtension(), () =>
    t.rejects(
      pseudonymiseFile({ secret, input, output, cprColumns: ['pnr'] }),
      failure('pseudonym_collision'),
    ),
  );
  t.notOk(existsSync(output), 'no output');
  t.same(
    readdirSync(dir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary files left',
  );
});
