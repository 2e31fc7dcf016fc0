/**
 * Record-like structures inside JSON (pandas `to_json` in every orient, API dumps, JSON lines) as
 * tables, so an individual-level dump in JSON meets the same rules as a CSV.
 */
import { makeTable, type Table } from './table.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (v: Json): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const scalar = (v: Json | undefined): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

function recordsTable(records: { [key: string]: Json }[], origin: string, keyColumn?: string[]): Table {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of records)
    for (const k of Object.keys(r))
      if (!seen.has(k)) {
        seen.add(k);
        header.push(k);
      }
  const rows = records.map((r, i) => {
    const cells = header.map((h) => scalar(r[h]));
    return keyColumn ? [keyColumn[i] as string, ...cells] : cells;
  });
  return makeTable(keyColumn ? ['(key)', ...header] : header, rows, { origin });
}

/**
 * Tables found anywhere in the document: arrays of objects (orient=records), objects whose values are
 * all objects (orient=index or columns), `{columns, data}` (orient=split) and arrays of arrays.
 */
export function jsonTables(doc: Json, path = '$'): Table[] {
  const found: Table[] = [];
  if (Array.isArray(doc)) {
    if (doc.length > 0 && doc.every(isRecord)) found.push(recordsTable(doc, `JSON ${path}`));
    else if (doc.length > 1 && doc.every(Array.isArray)) {
      const [header, ...rows] = doc as Json[][];
      found.push(
        makeTable(
          (header ?? []).map(scalar),
          rows.map((r) => r.map(scalar)),
          { origin: `JSON ${path}` },
        ),
      );
    }
    doc.forEach((v, i) => {
      if (typeof v === 'object' && v !== null) found.push(...jsonTables(v, `${path}[${i}]`));
    });
    return found;
  }
  if (!isRecord(doc)) return found;
  const entries = Object.entries(doc);
  if (Array.isArray(doc.columns) && Array.isArray(doc.data) && doc.data.every(Array.isArray)) {
    const rows = (doc.data as Json[][]).map((r) => r.map(scalar));
    found.push(makeTable(doc.columns.map(scalar), rows, { origin: `JSON ${path}` }));
  } else if (entries.length > 1 && entries.every(([, v]) => isRecord(v))) {
    found.push(
      recordsTable(
        entries.map(([, v]) => v as { [key: string]: Json }),
        `JSON ${path}`,
        entries.map(([k]) => k),
      ),
    );
  }
  for (const [k, v] of entries) {
    if (typeof v === 'object' && v !== null) found.push(...jsonTables(v, `${path}.${k}`));
  }
  return found;
}

/** JSON lines: one record per line. Lines that are not JSON objects are left to the text scans. */
export function jsonLinesTable(text: string): Table | null {
  const records: { [key: string]: Json }[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    try {
      const v = JSON.parse(line) as Json;
      if (isRecord(v)) records.push(v);
    } catch {}
  }
  return records.length > 0 ? recordsTable(records, 'JSON lines') : null;
}

export type { Json };
