/**
 * The entry points for callers that hold an extract (the release workflow, `klarsyn outputs check
 * --extract`): re-run the query-backed outputs of a request in a sandbox, then check the whole request
 * with that evidence. The checker itself stays pure; this is the only place that opens DuckDB.
 */
import { checkOutputs } from '../check.js';
import type { CheckReport, CheckRequest, QueryEvidence } from '../model.js';
import { type LocalExtract, readLocalExtract } from './local-extract.js';
import { QuerySandbox, type SandboxLimits } from './sandbox.js';
import { type QueryRequest, verifyWithSandbox } from './verify.js';

export interface VerifyOptions {
  limits?: Partial<SandboxLimits>;
  /** Check each Parquet file's SHA-256 against the manifest when reading a directory (default true). */
  verifyHashes?: boolean;
}

const extractOf = (extract: LocalExtract | string, options: VerifyOptions) =>
  typeof extract === 'string'
    ? readLocalExtract(extract, { verifyHashes: options.verifyHashes ?? true })
    : extract;

/** Evidence by file path for every file whose outputs.yaml entry names a query. */
export async function verifyQueryBackedOutputs(
  request: QueryRequest,
  extract: LocalExtract | string,
  options: VerifyOptions = {},
): Promise<Record<string, QueryEvidence>> {
  const local = extractOf(extract, options);
  if (!(request.metadata?.files ?? []).some((e) => e.query)) return {};
  const sandbox = await QuerySandbox.open(local, options.limits);
  try {
    return await verifyWithSandbox(sandbox, request);
  } finally {
    sandbox.close();
  }
}

/** `checkOutputs` with query-backed outputs verified against the extract (and its cohort size). */
export async function checkWithExtract(
  request: CheckRequest,
  extract: LocalExtract | string,
  options: VerifyOptions = {},
): Promise<CheckReport> {
  const local = extractOf(extract, options);
  const queries = await verifyQueryBackedOutputs(request, local, options);
  const context = request.context ?? {};
  return checkOutputs({
    ...request,
    context: {
      cohortSize: local.manifest.cohortSize,
      ...context,
      queries: { ...context.queries, ...queries },
    },
  });
}
