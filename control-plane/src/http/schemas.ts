/** The error body every route returns on failure: {error, message, details?}. */
export const errorBody = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'Stable machine-readable code' },
    message: { type: 'string' },
    details: {},
  },
} as const;

/** Response schemas for the failures any authenticated route can produce, merged into each route's own. */
export const commonErrors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
} as const;
