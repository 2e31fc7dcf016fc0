/**
 * Output-control profiles: the thresholds a data authority sets for what may leave. The files live in
 * `policies/output/*.yaml` (each field is documented there); this module parses and merges them, with
 * no I/O, so the release workflow can combine the profiles of an extract's authorities.
 */
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { KlarsynError } from '../errors.js';
import { describeSchemaErrors } from '../schema-errors.js';

/** Ordered from most to least permissive: merging takes the later one. */
const ZERO_HANDLING = ['allow', 'review', 'block'] as const;
const MISSING_HANDLING = ['allow', 'review'] as const;
export type ZeroHandling = (typeof ZERO_HANDLING)[number];
export type MissingHandling = (typeof MISSING_HANDLING)[number];

export interface OutputProfile {
  name: string;
  description: string;
  counts: {
    threshold: number;
    zeros: ZeroHandling;
    rounding: number | null;
    missing: MissingHandling;
  };
  magnitude: {
    threshold: number;
    dominance: { n: number; k: number };
    pPercent: number;
  };
  regression: { residualDf: number };
  individual: {
    identifierMinRows: number;
    cohortRowRatio: number;
    dayLevelMinCount: number;
  };
}

const positiveInt = { type: 'integer', minimum: 1 } as const;
const fraction = { type: 'number', exclusiveMinimum: 0, maximum: 1 } as const;

export const profileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'counts', 'magnitude', 'regression', 'individual'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9_+-]{0,63}$' },
    description: { type: 'string', minLength: 1 },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: ['threshold', 'zeros', 'rounding', 'missing'],
      properties: {
        threshold: positiveInt,
        zeros: { enum: [...ZERO_HANDLING] },
        rounding: { anyOf: [{ type: 'integer', minimum: 2 }, { type: 'null' }] },
        missing: { enum: [...MISSING_HANDLING] },
      },
    },
    magnitude: {
      type: 'object',
      additionalProperties: false,
      required: ['threshold', 'dominance', 'pPercent'],
      properties: {
        threshold: positiveInt,
        dominance: {
          type: 'object',
          additionalProperties: false,
          required: ['n', 'k'],
          properties: { n: positiveInt, k: fraction },
        },
        pPercent: fraction,
      },
    },
    regression: {
      type: 'object',
      additionalProperties: false,
      required: ['residualDf'],
      properties: { residualDf: positiveInt },
    },
    individual: {
      type: 'object',
      additionalProperties: false,
      required: ['identifierMinRows', 'cohortRowRatio', 'dayLevelMinCount'],
      properties: {
        identifierMinRows: { type: 'integer', minimum: 2 },
        cohortRowRatio: fraction,
        dayLevelMinCount: positiveInt,
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(profileSchema);

/** Parses one profile file's text; `source` names it in errors. */
export function parseProfile(text: string, source: string): OutputProfile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new KlarsynError(
      'validation_failed',
      `output profile ${source} is not valid YAML: ${(e as Error).message}`,
    );
  }
  if (!validate(doc)) {
    throw new KlarsynError(
      'validation_failed',
      `output profile ${source}: ${describeSchemaErrors(validate.errors)}`,
      { details: validate.errors },
    );
  }
  return doc as unknown as OutputProfile;
}

const stricter = <T extends string>(order: readonly T[], a: T, b: T): T =>
  order.indexOf(a) >= order.indexOf(b) ? a : b;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** A count that is a multiple of both bases is a multiple of their least common multiple. */
function strictestRounding(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return (a * b) / gcd(a, b);
}

/**
 * The strictest combination of profiles, for an extract drawn from several authorities: every
 * threshold at its highest, every handling at its most cautious. A larger n and a smaller k make
 * (n,k)-dominance flag more cells, a larger p makes the p% rule flag more, and fewer rows suffice to
 * call a column identifier-like.
 */
export function mergeProfiles(profiles: readonly OutputProfile[]): OutputProfile {
  const [first, ...rest] = profiles;
  if (!first) throw new KlarsynError('validation_failed', 'no output profile to merge');
  return rest.reduce(
    (a, b): OutputProfile => ({
      name: `${a.name}+${b.name}`,
      description: `strictest of ${a.name} and ${b.name}`,
      counts: {
        threshold: Math.max(a.counts.threshold, b.counts.threshold),
        zeros: stricter(ZERO_HANDLING, a.counts.zeros, b.counts.zeros),
        rounding: strictestRounding(a.counts.rounding, b.counts.rounding),
        missing: stricter(MISSING_HANDLING, a.counts.missing, b.counts.missing),
      },
      magnitude: {
        threshold: Math.max(a.magnitude.threshold, b.magnitude.threshold),
        dominance: {
          n: Math.max(a.magnitude.dominance.n, b.magnitude.dominance.n),
          k: Math.min(a.magnitude.dominance.k, b.magnitude.dominance.k),
        },
        pPercent: Math.max(a.magnitude.pPercent, b.magnitude.pPercent),
      },
      regression: { residualDf: Math.max(a.regression.residualDf, b.regression.residualDf) },
      individual: {
        identifierMinRows: Math.min(a.individual.identifierMinRows, b.individual.identifierMinRows),
        cohortRowRatio: Math.min(a.individual.cohortRowRatio, b.individual.cohortRowRatio),
        dayLevelMinCount: Math.max(a.individual.dayLevelMinCount, b.individual.dayLevelMinCount),
      },
    }),
    first,
  );
}
