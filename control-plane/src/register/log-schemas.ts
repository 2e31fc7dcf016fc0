/** JSON schemas of the public log API (prefix /api/v1/log). Hashes and entry bytes are base64. */
const base64 = { type: 'string', contentEncoding: 'base64' } as const;
const size = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const hashList = { type: 'array', items: base64, maxItems: 64 } as const;

export const checkpointBody = {
  type: 'object',
  required: ['size', 'root', 'note', 'createdAt'],
  properties: {
    size,
    root: base64,
    note: { type: 'string', description: 'C2SP signed checkpoint with any witness cosignatures' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const keyBody = {
  type: 'object',
  required: ['origin', 'verifierKey'],
  properties: {
    origin: { type: 'string' },
    verifierKey: { type: 'string', description: 'C2SP signed-note verifier key of the log' },
  },
} as const;

export const sizeParams = {
  type: 'object',
  additionalProperties: false,
  required: ['size'],
  properties: { size },
} as const;

export const entriesQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['start', 'end'],
  properties: { start: size, end: size },
} as const;

export const entriesBody = {
  type: 'object',
  required: ['entries'],
  properties: {
    entries: {
      type: 'array',
      items: { type: 'object', required: ['index', 'data'], properties: { index: size, data: base64 } },
    },
  },
} as const;

export const indexParams = {
  type: 'object',
  additionalProperties: false,
  required: ['index'],
  properties: { index: size },
} as const;

export const entryQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { size: { ...size, description: 'tree size of the proof; default the latest checkpoint' } },
} as const;

export const entryBody = {
  type: 'object',
  required: ['index', 'size', 'data', 'event', 'proof', 'checkpoint'],
  properties: {
    index: size,
    size,
    data: base64,
    event: { type: ['object', 'null'], additionalProperties: true, description: 'the decoded event' },
    proof: hashList,
    checkpoint: { type: 'string', description: 'the signed checkpoint of `size`' },
  },
} as const;

export const consistencyQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: size, to: size },
} as const;

export const consistencyBody = {
  type: 'object',
  required: ['from', 'to', 'proof'],
  properties: { from: size, to: size, proof: hashList },
} as const;

export const tileParams = {
  type: 'object',
  required: ['*'],
  properties: { '*': { type: 'string', maxLength: 64 } },
} as const;
