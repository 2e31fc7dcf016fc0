import type { MessageKey } from '../i18n/i18n.js';

/** What is wrong with a field, as a message and the values it names. */
export interface Problem {
  key: MessageKey;
  vars?: Record<string, string | number>;
}

/** Field id → its problem. Field ids are also the ids of the inputs, for links from the summary. */
export type Problems = Record<string, Problem>;

export const problem = (key: MessageKey, vars?: Record<string, string | number>): Problem => ({
  key,
  ...(vars ? { vars } : {}),
});
