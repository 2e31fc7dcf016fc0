/** The output-control domain: the disclosure checker, profiles, outputs.yaml and protect. */
export { checkOutputs } from './check.js';
export { METADATA_FILE, parsePseudonymList, readLocalRequest } from './local-files.js';
export {
  entryFor,
  type FileEntry,
  OUTPUT_KINDS,
  type OutputKind,
  type OutputsMetadata,
  parseOutputsMetadata,
} from './metadata.js';
export type {
  CellRef,
  CheckContext,
  CheckReport,
  CheckRequest,
  FileReport,
  Finding,
  OutputFile,
  QueryEvidence,
  ReleasedFile,
  Severity,
  TableContributions,
  Verdict,
} from './model.js';
export { worstVerdict } from './model.js';
export { mergeProfiles, type OutputProfile, parseProfile } from './profile.js';
export { loadProfile, PROFILE_DIR, profileNames, strictestProfile } from './profile-files.js';
export { type ProtectResult, protectTable } from './protect.js';
export {
  checkWithExtract,
  type LocalExtract,
  readLocalExtract,
  type VerifyOptions,
  verifyQueryBackedOutputs,
} from './query/index.js';
