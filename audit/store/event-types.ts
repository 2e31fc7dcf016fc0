import { Ajv, type ValidateFunction } from 'ajv';
import { fromUtf8 } from '../encoding.js';
import { AuditError } from '../errors.js';
import { checkEventEnvelope, encodeEvent, type LogEvent } from '../event.js';

/**
 * Every event type has a JSON schema for its `details`. Domains register their types when their
 * module loads; an unregistered type, or details that do not match, cannot enter the log. Schemas
 * must list their fields (additionalProperties false), so nothing unplanned gets published.
 */
export interface EventTypeDefinition {
  type: string;
  description: string;
  /** JSON schema of `details`: an object schema with additionalProperties false. */
  details: Record<string, unknown>;
}

/**
 * The log is public: a Danish CPR number (DDMMYY-SSSS or 10 digits) must never reach it. Bounded
 * by non-alphanumerics, so a run of ten digits inside a hex hash (common) is not mistaken for one.
 */
const CPR = /(?<![0-9A-Za-z])\d{6}-?\d{4}(?![0-9A-Za-z])/;

export class EventTypeRegistry {
  private readonly ajv = new Ajv({ allErrors: true, strict: true });
  private readonly types = new Map<string, { definition: EventTypeDefinition; validate: ValidateFunction }>();

  register(definition: EventTypeDefinition): void {
    const existing = this.types.get(definition.type);
    if (existing) {
      if (JSON.stringify(existing.definition) === JSON.stringify(definition)) return;
      throw new AuditError(
        'invalid_argument',
        `event type ${definition.type} is already registered differently`,
      );
    }
    const schema = definition.details;
    if (schema.type !== 'object' || schema.additionalProperties !== false) {
      throw new AuditError(
        'invalid_argument',
        `details of ${definition.type} must be an object schema without additional properties`,
      );
    }
    // The envelope check validates the type name itself.
    checkEventEnvelope({
      type: definition.type,
      time: '2000-01-01T00:00:00.000Z',
      actor: 'x',
      project: null,
      subject: null,
      details: {},
    });
    this.types.set(definition.type, { definition, validate: this.ajv.compile(schema) });
  }

  list(): EventTypeDefinition[] {
    return [...this.types.values()].map((t) => t.definition).sort((a, b) => a.type.localeCompare(b.type));
  }

  /** Validates an event and returns its leaf bytes (canonical JSON). */
  encode(event: LogEvent): Uint8Array {
    const known = this.types.get(event.type);
    if (!known) throw new AuditError('malformed_event', `unknown event type ${JSON.stringify(event.type)}`);
    if (!known.validate(event.details)) {
      throw new AuditError(
        'malformed_event',
        `details of ${event.type}: ${this.ajv.errorsText(known.validate.errors)}`,
        {
          evidence: { errors: known.validate.errors },
        },
      );
    }
    const bytes = encodeEvent(event);
    if (CPR.test(fromUtf8(bytes))) {
      throw new AuditError(
        'malformed_event',
        'event contains what looks like a CPR number; the log is public',
      );
    }
    return bytes;
  }
}

/** The registry the platform appends through; domains add their types to it. */
export const eventTypes = new EventTypeRegistry();
