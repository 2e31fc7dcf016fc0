import t from 'tap';
import { CsvError, formatRecord, parseCsv, parseRecords } from '../../../control-plane/src/outputs/csv.js';

t.test('RFC 4180: quotes, doubled quotes, line breaks inside quotes, CRLF', async (t) => {
  t.same(parseRecords('a,b\r\n"x, y","say ""hi"""\r\n"two\nlines",3\r\n'), [
    ['a', 'b'],
    ['x, y', 'say "hi"'],
    ['two\nlines', '3'],
  ]);
  t.same(
    parseRecords('a,b,\n1,,\n\n'),
    [
      ['a', 'b', ''],
      ['1', '', ''],
    ],
    'empty fields kept, blank lines skipped',
  );
  t.throws(() => parseRecords('a\n"open'), CsvError);
});

t.test('semicolon files with a decimal comma and a byte order mark read too', async (t) => {
  const table = parseCsv('\ufeffregion;mean\nHovedstaden;12,5\n');
  t.same(table.header, ['region', 'mean']);
  t.equal(table.decimalComma, true);
  t.same(table.rows, [['Hovedstaden', '12,5']]);
});

t.test('cells beyond the header get a column of their own, so they are checked too', async (t) => {
  const table = parseCsv('a,b\n1,2,hidden\n');
  t.same(table.header, ['a', 'b', '(column 3)']);
  t.same(table.ref(0, 2), { row: 1, column: '(column 3)', value: 'hidden' });
});

t.test('records format back with quotes where needed', async (t) => {
  t.equal(formatRecord(['a', 'b,c', 'd"e']), 'a,"b,c","d""e"');
  t.equal(formatRecord(['1,5', 'x'], ';'), '1,5;x');
});
