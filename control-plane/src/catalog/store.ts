import type pg from 'pg';
import type { Authority, Catalog, Source, Variable } from './model.js';

type Queryable = pg.Pool | pg.PoolClient;

export async function loadCatalog(db: Queryable): Promise<Catalog> {
  const authorities = await db.query<Authority>(
    `SELECT code, name, description, output_profile AS "outputProfile" FROM data_authorities ORDER BY code`,
  );
  const sources = await db.query<
    Omit<Source, 'variables' | 'link'> & { linkSource: string | null; linkColumn: string | null }
  >(
    `SELECT id, authority, name, description, json_build_object('from', coverage_from::text, 'to', coverage_to::text) AS coverage,
            location, person_column AS "personColumn", period_column AS "periodColumn",
            link_source AS "linkSource", link_column AS "linkColumn", synthetic
     FROM data_sources ORDER BY id`,
  );
  const variables = await db.query<Variable & { source_id: string }>(
    'SELECT source_id, name, type, classification, description FROM data_variables ORDER BY source_id, position',
  );
  return {
    authorities: authorities.rows,
    sources: sources.rows.map(({ linkSource, linkColumn, ...s }) => ({
      ...s,
      link: linkSource && linkColumn ? { source: linkSource, column: linkColumn } : null,
      variables: variables.rows
        .filter((v) => v.source_id === s.id)
        .map(({ name, type, classification, description }) => ({ name, type, classification, description })),
    })),
  };
}

export async function upsertAuthority(tx: pg.PoolClient, a: Authority): Promise<void> {
  await tx.query(
    `INSERT INTO data_authorities (code, name, description, output_profile) VALUES ($1, $2, $3, $4)
     ON CONFLICT (code) DO UPDATE SET name = $2, description = $3, output_profile = $4`,
    [a.code, a.name, a.description, a.outputProfile],
  );
}

/** Replaces a source's description and variables; earlier applications keep their own copy of what they asked for. */
export async function upsertSource(tx: pg.PoolClient, s: Source): Promise<void> {
  await tx.query(
    `INSERT INTO data_sources (id, authority, name, description, coverage_from, coverage_to, location,
                               person_column, period_column, link_source, link_column, synthetic)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO UPDATE SET authority = $2, name = $3, description = $4, coverage_from = $5, coverage_to = $6,
       location = $7, person_column = $8, period_column = $9, link_source = $10, link_column = $11, synthetic = $12`,
    [
      s.id,
      s.authority,
      s.name,
      s.description,
      s.coverage.from,
      s.coverage.to,
      s.location,
      s.personColumn,
      s.periodColumn,
      s.link?.source ?? null,
      s.link?.column ?? null,
      s.synthetic,
    ],
  );
  await tx.query('DELETE FROM data_variables WHERE source_id = $1', [s.id]);
  await tx.query(
    `INSERT INTO data_variables (source_id, name, position, type, classification, description)
     SELECT $1, v->>'name', ord, v->>'type', v->>'classification', coalesce(v->>'description', '')
     FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(v, ord)`,
    [s.id, JSON.stringify(s.variables)],
  );
}

export async function sourceAuthority(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ authority: string }>('SELECT authority FROM data_sources WHERE id = $1', [
    id,
  ]);
  return rows[0]?.authority;
}
