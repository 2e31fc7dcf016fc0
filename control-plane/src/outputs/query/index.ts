/** Query-backed outputs: a table submitted as a DuckDB query over the extract plus its result. */
export { checkWithExtract, type VerifyOptions, verifyQueryBackedOutputs } from './check-with-extract.js';
export { type ExtractTable, type LocalExtract, MANIFEST_FILE, readLocalExtract } from './local-extract.js';
export { DEFAULT_LIMITS, QuerySandbox, type SandboxLimits } from './sandbox.js';
export { type QueryRequest, verifyWithSandbox } from './verify.js';
