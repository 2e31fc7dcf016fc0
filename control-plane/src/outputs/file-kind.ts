/**
 * What a file is, from its name and its first bytes. Content wins over the name: a `.csv` that is
 * really a zip is an archive. A person must look at images and PDFs; containers and data formats
 * (zip, Parquet, Stata, SQLite, …) can carry any rows unseen, so they are refused.
 */

export type FileKind =
  | 'table' // delimited text
  | 'json'
  | 'json-lines'
  | 'html'
  | 'notebook'
  | 'text'
  | 'code'
  | 'svg'
  | 'image'
  | 'document' // PDF, PostScript: binary for the checker, readable for a person
  | 'archive'
  | 'data'
  | 'unknown';

const BY_EXTENSION: Record<string, FileKind> = {};
const add = (kind: FileKind, extensions: string) => {
  for (const e of extensions.split(' ')) BY_EXTENSION[e] = kind;
};
add('table', 'csv tsv tab');
add('json', 'json geojson');
add('json-lines', 'jsonl ndjson');
add('html', 'html htm');
add('notebook', 'ipynb');
add('text', 'txt md markdown log lst smcl tex rst xml yaml yml toml rtf');
add('code', 'py r rmd qmd sql do ado sas sps js mjs ts sh bash jl m c h cpp go rs java scala stan');
add('svg', 'svg');
add('image', 'png jpg jpeg gif tif tiff bmp webp');
add('document', 'pdf eps ps');
add('archive', 'zip tar gz tgz bz2 xz 7z rar zst jar whl xlsx xlsm docx pptx odt ods odp');
add(
  'data',
  'parquet feather arrow rds rdata rda dta sav sas7bdat xpt sqlite sqlite3 db duckdb pkl pickle npy npz h5 hdf5 xls mat',
);

const startsWith = (bytes: Uint8Array, signature: number[], at = 0) =>
  signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

interface Signature {
  kind: FileKind;
  bytes: number[];
  /** Offset of the signature in the file (tar's sits after its header). */
  at?: number;
  /** For images a browser can show. */
  mediaType?: string;
}

const sig = (kind: FileKind, bytes: number[], more: Omit<Signature, 'kind' | 'bytes'> = {}): Signature => ({
  kind,
  bytes,
  ...more,
});

/** Signatures of containers and binary formats (their "magic numbers"). */
const MAGIC: Signature[] = [
  sig('archive', [0x50, 0x4b, 0x03, 0x04]), // zip and every OOXML/ODF document
  sig('archive', [0x50, 0x4b, 0x05, 0x06]), // empty zip
  sig('archive', [0x1f, 0x8b]), // gzip
  sig('archive', [0x42, 0x5a, 0x68]), // bzip2
  sig('archive', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), // xz
  sig('archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), // 7z
  sig('archive', ascii('Rar!')),
  sig('archive', [0x28, 0xb5, 0x2f, 0xfd]), // zstd
  sig('archive', ascii('ustar'), { at: 257 }), // tar
  sig('data', ascii('PAR1')), // Parquet
  sig('data', ascii('SQLite format 3')),
  sig('data', ascii('ARROW1')),
  sig('data', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), // OLE2: .xls, .doc
  sig('image', [0x89, 0x50, 0x4e, 0x47], { mediaType: 'image/png' }),
  sig('image', [0xff, 0xd8, 0xff], { mediaType: 'image/jpeg' }),
  sig('image', ascii('GIF8'), { mediaType: 'image/gif' }),
  sig('document', ascii('%PDF')),
];

const signatureOf = (bytes: Uint8Array) => MAGIC.find((s) => startsWith(bytes, s.bytes, s.at));

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function kindFromContent(bytes: Uint8Array): FileKind | null {
  return signatureOf(bytes)?.kind ?? null;
}

/** The media type of a PNG, JPEG or GIF image; undefined for anything else. */
export function imageMediaType(bytes: Uint8Array): string | undefined {
  return signatureOf(bytes)?.mediaType;
}

/** The kind the checker treats the file as: content signature first, then extension. */
export function fileKind(path: string, bytes: Uint8Array): FileKind {
  return kindFromContent(bytes) ?? BY_EXTENSION[extensionOf(path)] ?? 'unknown';
}

export const TEXTUAL: ReadonlySet<FileKind> = new Set([
  'table',
  'json',
  'json-lines',
  'html',
  'notebook',
  'text',
  'code',
  'svg',
]);

/** UTF-8, or Latin-1 when the bytes are not UTF-8 (older Danish Windows files); null for binary. */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}
