import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { Authority, Classification, Source } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { type CatalogFilter, filterCatalog } from './catalog-filter.js';
import { SourceSection } from './source-section.js';

const CLASSIFICATIONS: readonly Classification[] = [
  'direct_identifier',
  'quasi_identifier',
  'sensitive',
  'other',
];

/** The public catalog: every authority's sources and variables, searchable without logging in. */
export function CatalogPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<CatalogFilter>({ text: '', authority: '', classification: '' });
  const catalog = useResource(async () => {
    const [authorities, sources] = await Promise.all([
      api<Authority[]>('GET', '/api/v1/catalog/authorities'),
      api<Source[]>('GET', '/api/v1/catalog/sources'),
    ]);
    return { authorities, sources };
  }, []);
  const set = (change: Partial<CatalogFilter>) => setFilter({ ...filter, ...change });

  const matches = catalog.data ? filterCatalog(catalog.data.sources, filter) : [];
  const variableCount = matches.reduce((n, m) => n + m.variables.length, 0);

  return (
    <Page title={t('catalog.title')} intro={t('catalog.intro')}>
      <search aria-label={t('catalog.search')}>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <div class="field">
            <label for="catalog-text">{t('catalog.searchText')}</label>
            <input
              id="catalog-text"
              type="search"
              value={filter.text}
              onInput={(e) => set({ text: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="catalog-authority">{t('catalog.authority')}</label>
            <select
              id="catalog-authority"
              value={filter.authority}
              onChange={(e) => set({ authority: e.currentTarget.value })}
            >
              <option value="">{t('common.all')}</option>
              {catalog.data?.authorities.map((a) => (
                <option key={a.code} value={a.code}>
                  {a.code} – {a.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="catalog-classification">{t('catalog.classification')}</label>
            <select
              id="catalog-classification"
              value={filter.classification}
              onChange={(e) => set({ classification: e.currentTarget.value as Classification | '' })}
            >
              <option value="">{t('common.all')}</option>
              {CLASSIFICATIONS.map((c) => (
                <option key={c} value={c}>
                  {t(`classification.${c}`)}
                </option>
              ))}
            </select>
          </div>
        </form>
      </search>

      {catalog.loading && <Loading />}
      {catalog.error !== undefined && <ErrorAlert error={catalog.error} />}
      {catalog.data && (
        <>
          <p class="result-count" role="status">
            {t('catalog.count', { sources: matches.length, variables: variableCount })}
          </p>
          {matches.map((m) => (
            <SourceSection
              key={m.source.id}
              source={m.source}
              variables={m.variables}
              authority={catalog.data?.authorities.find((a) => a.code === m.source.authority)}
            />
          ))}
        </>
      )}
    </Page>
  );
}
