/**
 * klarsyn/audit: verification of the Klarsyn transparency log for third parties and browsers.
 * Pure code (SHA-256 and Ed25519 from @noble), no I/O; fetchers and trust material are values.
 */

export {
  type Checkpoint,
  formatCheckpoint,
  type ParsedCheckpoint,
  parseCheckpoint,
  parseCheckpointText,
  signCheckpoint,
  type VerifiedCheckpoint,
  type VerifyCheckpointOptions,
  verifyCheckpoint,
} from './checkpoint.js';
export {
  type Fetch,
  type HttpLogClient,
  httpLogClient,
  type InclusionResponse,
} from './client/http-log-client.js';
export { bytesEqual, fromBase64, toBase64 } from './encoding.js';
export { AuditError, type AuditErrorCode, isAuditError } from './errors.js';
export { canonicalJson, decodeEvent, encodeEvent, type LogEvent, MAX_EVENT_BYTES } from './event.js';
export { CompactRange } from './merkle/compact-range.js';
export { EMPTY_ROOT, HASH_SIZE, type LeafData, leafHash, nodeHash } from './merkle/hash.js';
export {
  consistencyRanges,
  hashRange,
  inclusionRanges,
  type NodeSource,
  type Range,
} from './merkle/ranges.js';
export type { TreeIndex } from './merkle/sizes.js';
export { consistencyProof, inclusionProof, MemoryTree, rootFromLeaves } from './merkle/tree.js';
export { verifyConsistency, verifyInclusion } from './merkle/verify.js';
export {
  type LogClient,
  type MonitorOptions,
  type MonitorResult,
  type MonitorState,
  monitorLog,
} from './monitor.js';
export {
  formatSignerKey,
  formatVerifierKey,
  generateKey,
  keyId,
  parseSignerKey,
  parseVerifierKey,
  SIGNATURE_TYPE,
  type SignatureType,
  type SignerKey,
  type VerifierKey,
} from './note/keys.js';
export {
  type Note,
  type OpenedNote,
  openNote,
  parseNote,
  signNote,
  type VerifiedSignature,
} from './note/note.js';
export type { NoteSignature } from './note/signature.js';
export { type Integration, integrate, type TileWrite } from './tiles/integrate.js';
export { parseTilePath, TILE_HEIGHT, TILE_WIDTH, type TilePath, tilePath } from './tiles/paths.js';
export {
  type TileId,
  TileSet,
  tilesForConsistency,
  tilesForInclusion,
  tilesForRoot,
} from './tiles/tile-set.js';
export {
  type AddCheckpointRequest,
  decideAddCheckpoint,
  formatAddCheckpointRequest,
  parseAddCheckpointRequest,
  type WitnessDecision,
  type WitnessView,
} from './witness.js';
export { checkWitnessQuorum, cosignCheckpoint, type WitnessPolicy } from './witness-policy.js';
