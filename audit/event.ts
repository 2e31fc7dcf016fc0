import { fromUtf8, utf8 } from './encoding.js';
import { AuditError } from './errors.js';

/**
 * A log entry is one event, serialised as RFC 8785 canonical JSON (sorted keys, no whitespace,
 * ECMAScript number form) so that anyone can re-derive the exact leaf bytes from the event.
 */
export interface LogEvent {
  /** Dotted name, e.g. "extract.accessed"; each type has a schema for its details. */
  type: string;
  /** RFC 3339 UTC time with milliseconds, set when the event was appended. */
  time: string;
  /** Who acted, e.g. "account:<uuid>" or "system". */
  actor: string;
  project: string | null;
  /** What was acted on, e.g. "extract:<id>". */
  subject: string | null;
  details: Record<string, unknown>;
}

/** Entry bundles (C2SP tlog-tiles) length-prefix entries with a uint16. */
export const MAX_EVENT_BYTES = 65535;

const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const FIELDS = ['actor', 'details', 'project', 'subject', 'time', 'type'];

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw malformed('numbers must be finite');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) {
      throw malformed('strings must be well-formed Unicode');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.some(([, v]) => v === undefined)) throw malformed('undefined is not a JSON value');
    // RFC 8785 orders keys by UTF-16 code units, which is what the default sort compares.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${canonicalJson(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw malformed(`${typeof value} is not a JSON value`);
}

export function checkEventEnvelope(event: unknown): asserts event is LogEvent {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw malformed('event must be an object');
  const e = event as Record<string, unknown>;
  const keys = Object.keys(e).sort();
  if (keys.join() !== FIELDS.join()) throw malformed(`event fields must be exactly ${FIELDS.join(', ')}`);
  if (typeof e.type !== 'string' || e.type.length > 64 || !TYPE.test(e.type))
    throw malformed('bad event type');
  if (typeof e.time !== 'string' || !TIME.test(e.time) || Number.isNaN(Date.parse(e.time))) {
    throw malformed('time must be RFC 3339 UTC with milliseconds');
  }
  if (!isLabel(e.actor)) throw malformed('actor must be a non-empty string');
  if (e.project !== null && !isLabel(e.project)) throw malformed('project must be a string or null');
  if (e.subject !== null && !isLabel(e.subject)) throw malformed('subject must be a string or null');
  if (typeof e.details !== 'object' || e.details === null || Array.isArray(e.details)) {
    throw malformed('details must be an object');
  }
}

/** The leaf bytes of an event. */
export function encodeEvent(event: LogEvent): Uint8Array {
  checkEventEnvelope(event);
  const bytes = utf8(canonicalJson(event));
  if (bytes.length > MAX_EVENT_BYTES)
    throw malformed(`event is ${bytes.length} bytes, over ${MAX_EVENT_BYTES}`);
  return bytes;
}

/** Parses leaf bytes back into an event; only the canonical form is accepted. */
export function decodeEvent(data: Uint8Array | string): LogEvent {
  let text: string;
  let parsed: unknown;
  try {
    text = typeof data === 'string' ? data : fromUtf8(data);
    parsed = JSON.parse(text);
  } catch (e) {
    throw new AuditError('malformed_event', 'entry is not UTF-8 JSON', { cause: e });
  }
  checkEventEnvelope(parsed);
  if (canonicalJson(parsed) !== text) throw malformed('entry is not in canonical JSON form');
  return parsed;
}

function isLabel(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 200 && !/\p{Cc}/u.test(v);
}

function malformed(message: string): AuditError {
  return new AuditError('malformed_event', message);
}
