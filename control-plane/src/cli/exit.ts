/** CLI exit statuses: 0 ok, 1 failure with a one-line reason, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Code of a CommanderError a command throws to end with a status of its own (e.g. 3 = needs review). */
export const COMMAND_EXIT = 'klarsyn.exit';
