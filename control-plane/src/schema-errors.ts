import type { ErrorObject } from 'ajv';

/** Schema errors as a person reads them: the dotted path and what is wrong, unknown keys named. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(root)';
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        return `unknown key ${at === '(root)' ? extra : `${at}.${extra}`}`;
      }
      return `${at} ${e.message}`;
    })
    .join('; ');
}
