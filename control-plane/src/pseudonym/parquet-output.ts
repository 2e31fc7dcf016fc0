/**
 * How pseudonymised Parquet is written (COPY options). zstd at level 1 rather than DuckDB's default
 * 3: on the synthetic LMDB it wrote 10M rows faster and smaller (15 MB against 18 MB for the
 * plain columns), and pseudonym columns, random by design, gain nothing from harder work.
 */
export const PARQUET_OUTPUT = 'COMPRESSION zstd, COMPRESSION_LEVEL 1';
