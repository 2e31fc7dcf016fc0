/**
 * C2SP tlog-tiles resource names: tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>], where N is
 * written in zero-padded groups of three digits, all but the last prefixed with "x".
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

export interface TilePath {
  /** 'entries' for entry bundles, else the tile level (0 holds leaf hashes). */
  level: number | 'entries';
  index: number;
  /** TILE_WIDTH for a full tile, 1..255 for a partial one. */
  width: number;
}

export function encodeTileIndex(index: number): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

export function tilePath({ level, index, width }: TilePath): string {
  return `tile/${level}/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

const PATH = /^tile\/(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*\d{3})(?:\.p\/([1-9]\d{0,2}))?$/;

/** Undefined for anything that is not a canonical tile or bundle path. */
export function parseTilePath(path: string): TilePath | undefined {
  const m = PATH.exec(path);
  if (!m) return undefined;
  const level = m[1] === 'entries' ? 'entries' : Number(m[1]);
  if (level !== 'entries' && level > 63) return undefined;
  const index = Number((m[2] as string).replaceAll('x', '').replaceAll('/', ''));
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3]);
  // A partial width is 1..255; a full tile has no .p suffix.
  if (!Number.isSafeInteger(index) || (m[3] !== undefined && width >= TILE_WIDTH)) return undefined;
  // Only the shortest encoding is canonical: no leading all-zero groups.
  if (encodeTileIndex(index) !== m[2]) return undefined;
  return { level, index, width };
}
