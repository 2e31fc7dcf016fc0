import type { Classification, Source, Variable } from '../../api/types.js';

export interface CatalogFilter {
  text: string;
  authority: string;
  classification: Classification | '';
}

export interface SourceMatch {
  source: Source;
  variables: Variable[];
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle);

/**
 * The sources and variables a filter leaves. Text matching a source's name or description keeps
 * all its variables; otherwise only the variables whose name or description match are shown.
 */
export function filterCatalog(sources: readonly Source[], filter: CatalogFilter): SourceMatch[] {
  const needle = filter.text.trim().toLowerCase();
  return sources.flatMap((source) => {
    if (filter.authority && source.authority !== filter.authority) return [];
    const byClass = source.variables.filter(
      (v) => !filter.classification || v.classification === filter.classification,
    );
    const sourceHit =
      !needle || [source.id, source.name, source.description].some((s) => contains(s, needle));
    const variables = sourceHit
      ? byClass
      : byClass.filter((v) => contains(v.name, needle) || contains(v.description, needle));
    return variables.length > 0 ? [{ source, variables }] : [];
  });
}
