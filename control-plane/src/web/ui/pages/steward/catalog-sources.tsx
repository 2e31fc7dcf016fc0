import { api } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import type { Source } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';

/** The catalog entries of the steward's own authorities, each opening its editor. */
export function StewardCatalogPage() {
  const { t, date } = useI18n();
  const { principal } = useSession();
  const sources = useResource(() => api<Source[]>('GET', '/api/v1/catalog/sources'), []);
  const mine = (sources.data ?? []).filter((s) => principal?.authorities.includes(s.authority));
  return (
    <Page title={t('stewardCatalog.title')} intro={t('stewardCatalog.intro')}>
      {sources.loading && !sources.data && <Loading />}
      {sources.error !== undefined && <ErrorAlert error={sources.error} />}
      {sources.data && mine.length === 0 && <p>{t('stewardCatalog.none')}</p>}
      {mine.length > 0 && (
        <table>
          <caption class="visually-hidden">{t('stewardCatalog.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('stewardCatalog.source')}</th>
              <th scope="col">{t('catalog.authority')}</th>
              <th scope="col">{t('catalog.coverage')}</th>
              <th scope="col">{t('stewardCatalog.variables')}</th>
            </tr>
          </thead>
          <tbody>
            {mine.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <Link
                    href={`/steward/catalog/${s.id}`}
                    aria-label={t('stewardCatalog.edit', { source: s.name })}
                  >
                    {s.name}
                  </Link>{' '}
                  <code class="source-id">{s.id}</code>
                </th>
                <td>{s.authority}</td>
                <td>
                  {date(s.coverage.from)} – {date(s.coverage.to)}
                </td>
                <td>{s.variables.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
