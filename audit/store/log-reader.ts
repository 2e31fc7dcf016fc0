import type pg from 'pg';
import { AuditError } from '../errors.js';
import { consistencyRanges, hashRange, inclusionRanges, type Range } from '../merkle/ranges.js';
import { TILE_WIDTH } from '../tiles/paths.js';
import { PerfectNodes } from './perfect-nodes.js';
import { proofNodes } from './proof-nodes.js';
import { readTiles } from './tile-store.js';

export interface StoredCheckpoint {
  size: number;
  root: Uint8Array;
  /** The signed note with any stored witness cosignature lines appended. */
  note: string;
  createdAt: Date;
}

export interface StoredEntry {
  index: number;
  data: Uint8Array;
}

export interface LogReaderOptions {
  /** Publish only checkpoints with at least this many witness cosignatures (default 0). */
  witnessQuorum?: number;
}

/**
 * Read side of the log for the public API: checkpoints, entries, proofs and tlog-tiles
 * resources. A proof is one query for the few hashes it needs (proofNodes).
 */
export class LogReader {
  private knownSize = -1;
  private readonly known = new PerfectNodes();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: LogReaderOptions = {},
  ) {}

  /** The newest checkpoint that meets the witness quorum. */
  async latest(): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>({
      name: 'tlog_latest_checkpoint',
      text: `SELECT c.size, c.root, c.note, c.created_at,
                    coalesce((SELECT string_agg(s.line, '' ORDER BY s.witness) FROM tlog_cosignatures s
                              WHERE s.size = c.size), '') AS cosignatures
             FROM tlog_checkpoints c
             WHERE $1 = 0 OR (SELECT count(*) FROM tlog_cosignatures s WHERE s.size = c.size) >= $1
             ORDER BY c.size DESC LIMIT 1`,
      values: [this.options.witnessQuorum ?? 0],
    });
    return rows[0] && toCheckpoint(rows[0]);
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    const { rows } = await this.pool.query<CheckpointRow>({
      name: 'tlog_checkpoint_at',
      text: `SELECT c.size, c.root, c.note, c.created_at,
                    coalesce((SELECT string_agg(s.line, '' ORDER BY s.witness) FROM tlog_cosignatures s
                              WHERE s.size = c.size), '') AS cosignatures
             FROM tlog_checkpoints c WHERE c.size = $1`,
      values: [size],
    });
    return rows[0] && toCheckpoint(rows[0]);
  }

  /** Entries [start, end) that exist, in order; the caller bounds the range. */
  async entries(start: number, end: number): Promise<StoredEntry[]> {
    const { rows } = await this.pool.query<{ idx: string; data: Buffer }>({
      name: 'tlog_entries_range',
      text: 'SELECT idx, data FROM tlog_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      values: [start, end],
    });
    return rows.map((r) => ({ index: Number(r.idx), data: r.data }));
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    await this.checkSize(size);
    if (!(index >= 0 && index < size))
      throw new AuditError('invalid_argument', `index ${index} is not below size ${size}`);
    return this.hashes(inclusionRanges(index, size));
  }

  async consistencyProof(size1: number, size2: number): Promise<Uint8Array[]> {
    await this.checkSize(size2);
    if (!(size1 > 0 && size1 <= size2)) {
      throw new AuditError(
        'invalid_argument',
        `consistency needs 0 < size1 <= size2, got ${size1} and ${size2}`,
      );
    }
    return this.hashes(consistencyRanges(size1, size2));
  }

  /** A tlog-tiles hash tile of `width` hashes; undefined if the tree does not have that many yet. */
  async tile(level: number, index: number, width: number): Promise<Uint8Array | undefined> {
    const bytes = (await readTiles(this.pool, [{ level, index }])).get(level, index);
    return bytes && bytes.length >= width * 32 ? bytes.subarray(0, width * 32) : undefined;
  }

  /** A tlog-tiles entry bundle: big-endian uint16 length-prefixed entries. */
  async entryBundle(index: number, width: number): Promise<Uint8Array | undefined> {
    const start = index * TILE_WIDTH;
    await this.checkSize(start + width);
    const entries = await this.entries(start, start + width);
    if (entries.length !== width) return undefined;
    const out = new Uint8Array(entries.reduce((n, e) => n + 2 + e.data.length, 0));
    const view = new DataView(out.buffer);
    let at = 0;
    for (const e of entries) {
      view.setUint16(at, e.data.length);
      out.set(e.data, at + 2);
      at += 2 + e.data.length;
    }
    return out;
  }

  /** Refuses sizes beyond the latest signed checkpoint: nobody could verify such a proof. */
  private async checkSize(size: number): Promise<void> {
    if (size <= this.knownSize) return;
    const { rows } = await this.pool.query<{ size: string | null }>(
      'SELECT max(size) AS size FROM tlog_checkpoints',
    );
    this.knownSize = Number(rows[0]?.size ?? -1);
    if (size > this.knownSize) {
      throw new AuditError(
        'invalid_argument',
        `size ${size} exceeds the latest checkpoint (${this.knownSize})`,
      );
    }
  }

  private async hashes(ranges: Range[]): Promise<Uint8Array[]> {
    if (ranges.length === 0) return [];
    const node = await proofNodes(this.pool, ranges, this.knownSize, this.known);
    return ranges.map(([a, b]) => hashRange(a, b, node));
  }
}

interface CheckpointRow {
  size: string;
  root: Buffer;
  note: string;
  created_at: Date;
  cosignatures: string;
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    size: Number(row.size),
    root: row.root,
    note: row.note + row.cosignatures,
    createdAt: row.created_at,
  };
}
