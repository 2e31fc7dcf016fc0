/**
 * Delimited text (RFC 4180): fields separated by a delimiter, optionally quoted with `"`, a quote
 * inside a quoted field doubled, records ended by CRLF or LF. The delimiter is the one of `,` `;` TAB
 * `|` that occurs most in the first record, so Danish spreadsheet exports (`;`, decimal comma) read too.
 */
import { makeTable, type Table } from './table.js';

const QUOTE = 34;
const CR = 13;
const LF = 10;
const DELIMITERS = [',', ';', '\t', '|'];

export class CsvError extends Error {
  override name = 'CsvError';
}

const isEnd = (c: number, sep: number) => c === sep || c === LF || c === CR;

export function detectDelimiter(text: string): string {
  let inQuotes = false;
  const counts = new Map<string, number>();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && DELIMITERS.includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** All records, the header included; blank lines are skipped. Throws CsvError on an open quote. */
export function parseRecords(input: string, delimiter: string = detectDelimiter(input)): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = delimiter.charCodeAt(0);
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  while (i <= n) {
    let field: string;
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) throw new CsvError(`a quoted field opened near character ${i} is never closed`);
        value += text.slice(from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      // Text right after a closing quote (`"a"b`) stays in the same field, as spreadsheets read it.
      const start = i;
      while (i < n && !isEnd(text.charCodeAt(i), sep)) i++;
      field = value + text.slice(start, i);
    } else {
      const start = i;
      while (i < n && !isEnd(text.charCodeAt(i), sep)) i++;
      field = text.slice(start, i);
    }
    record.push(field);
    const c = text.charCodeAt(i);
    if (c === sep) {
      i++;
      continue;
    }
    // End of record: CRLF, LF, CR or the end of the text.
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    if (!(record.length === 1 && record[0] === '')) records.push(record);
    record = [];
  }
  return records;
}

export function parseCsv(text: string): Table {
  const delimiter = detectDelimiter(text);
  const [header = [], ...rows] = parseRecords(text, delimiter);
  return makeTable(
    header.map((h) => h.trim()),
    rows,
    { decimalComma: delimiter !== ',' },
  );
}

/** One record as RFC 4180 text: fields with the delimiter, a quote or a line break are quoted. */
export function formatRecord(fields: readonly string[], delimiter = ','): string {
  return fields
    .map((f) => (f.includes(delimiter) || /["\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f))
    .join(delimiter);
}
