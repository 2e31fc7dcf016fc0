import { parseCsv } from '../csv.js';
import { decodeText, fileKind, imageMediaType, TEXTUAL } from '../file-kind.js';
import { maskCprNumbers } from '../redact.js';

/**
 * What a reviewer (or the author) sees of a submitted file before release: a table's rows, a text,
 * an image. Bounded, and CPR-shaped numbers masked, like the findings: the preview serves the
 * review, it is not a way around it.
 */
export type FilePreview =
  | { kind: 'table'; header: string[]; rows: string[][]; totalRows: number }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'image'; mediaType: string; base64: string }
  | { kind: 'none'; reason: string };

export const PREVIEW_ROWS = 500;
export const PREVIEW_TEXT_CHARS = 64 * 1024;
const PREVIEW_IMAGE_BYTES = 4 * 1024 * 1024;

export function previewOf(name: string, bytes: Uint8Array): FilePreview {
  const kind = fileKind(name, bytes);
  if (kind === 'image' || kind === 'svg') {
    const mediaType = kind === 'svg' ? 'image/svg+xml' : imageMediaType(bytes);
    if (!mediaType) return { kind: 'none', reason: 'an image format the browser cannot show' };
    if (bytes.length > PREVIEW_IMAGE_BYTES) return { kind: 'none', reason: 'the image is too large to show' };
    return { kind: 'image', mediaType, base64: Buffer.from(bytes).toString('base64') };
  }
  if (!TEXTUAL.has(kind)) return { kind: 'none', reason: `a ${kind} file cannot be shown` };
  const text = decodeText(bytes);
  if (text === null) return { kind: 'none', reason: 'the file is not text' };
  const table = kind === 'table' ? tableOf(text) : undefined;
  if (table) {
    return {
      kind: 'table',
      header: table.header.map(maskCprNumbers),
      rows: table.rows.slice(0, PREVIEW_ROWS).map((row) => row.map(maskCprNumbers)),
      totalRows: table.rows.length,
    };
  }
  return {
    kind: 'text',
    text: maskCprNumbers(text.slice(0, PREVIEW_TEXT_CHARS)),
    truncated: text.length > PREVIEW_TEXT_CHARS,
  };
}

/** A table, or undefined when the text does not parse as one (it is shown as text instead). */
function tableOf(text: string) {
  try {
    return parseCsv(text);
  } catch {
    return undefined;
  }
}
