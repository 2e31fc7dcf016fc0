/**
 * The <table> elements of an HTML file (pandas `to_html`, R `knitr::kable`, notebook outputs) as
 * tables, so an individual-level dump in HTML meets the same rules as a CSV.
 */
import { makeTable, type Table } from './table.js';

const TABLE = /<table\b[^>]*>([\s\S]*?)<\/table\s*>/gi;
const ROW = /<tr\b[^>]*>([\s\S]*?)(?=<tr\b|<\/tr\s*>|<\/t(?:head|body|foot)\s*>|$)/gi;
const CELL = /<(t[hd])\b([^>]*)>([\s\S]*?)(?=<t[hd]\b|<\/t[hd]\s*>|$)/gi;
const SPAN = /\bcolspan\s*=\s*["']?(\d+)/i;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlText(fragment: string): string {
  return fragment
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code =
          name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Each table's first row is its header; a cell spanning n columns fills n cells. */
export function htmlTables(html: string): Table[] {
  const tables: Table[] = [];
  let number = 0;
  for (const t of html.matchAll(TABLE)) {
    number++;
    const rows: string[][] = [];
    for (const r of (t[1] as string).matchAll(ROW)) {
      const cells: string[] = [];
      for (const c of (r[1] as string).matchAll(CELL)) {
        const span = Math.min(Number(SPAN.exec(c[2] as string)?.[1] ?? 1), 1000);
        const text = htmlText(c[3] as string);
        for (let i = 0; i < span; i++) cells.push(text);
      }
      if (cells.length > 0) rows.push(cells);
    }
    const [header = [], ...body] = rows;
    if (header.length > 0) tables.push(makeTable(header, body, { origin: `HTML table ${number}` }));
  }
  return tables;
}
