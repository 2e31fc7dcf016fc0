import { api } from '../../api/client.js';
import type { RegisteredProject, Source } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { navigate, useLocation } from '../../router.js';
import { RegisterEntry } from './register-entry.js';

const FILTERS = ['q', 'source', 'institution', 'year'] as const;
/** Filters the API applies; the free-text search runs over the answer in the browser. */
const API_FILTERS = ['source', 'institution', 'year'] as const;

/** Whether a project mentions every word of the search in its title, purpose, institution or data. */
function matches(p: RegisteredProject, q: string): boolean {
  const text = [p.title, p.purpose, p.institution, ...p.authorities, ...p.variables].join(' ').toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

/**
 * The public access register. Filters live in the URL, so a filtered view can be linked to, and
 * are applied with a button, so nothing reloads under a screen reader while typing.
 */
export function RegisterPage() {
  const { t } = useI18n();
  const { query } = useLocation();
  const search = new URLSearchParams(
    API_FILTERS.flatMap((f) => (query.get(f) ? [[f, query.get(f) as string]] : [])),
  );
  const searchText = search.toString();
  const q = query.get('q') ?? '';
  const sources = useResource(() => api<Source[]>('GET', '/api/v1/catalog/sources'), []);
  const projects = useResource(
    () => api<RegisteredProject[]>('GET', `/api/v1/register/projects${searchText ? `?${searchText}` : ''}`),
    [searchText],
  );

  const found = projects.data?.filter((p) => matches(p, q));

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const next = new URLSearchParams();
    for (const f of FILTERS) {
      const value = String(form.get(f) ?? '').trim();
      if (value) next.set(f, value);
    }
    navigate(`/register${next.size > 0 ? `?${next}` : ''}`, { replace: true });
  };

  return (
    <Page title={t('register.title')} intro={t('register.intro')}>
      <search aria-label={t('register.filter')}>
        <form class="filters" onSubmit={apply} key={`${searchText}&${q}`}>
          <div class="field">
            <label for="register-q">{t('register.search')}</label>
            <input id="register-q" name="q" type="search" maxLength={200} defaultValue={q} />
          </div>
          <div class="field">
            <label for="register-source">{t('register.source')}</label>
            <select id="register-source" name="source" defaultValue={query.get('source') ?? ''}>
              <option value="">{t('common.all')}</option>
              {sources.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.id} – {s.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="register-institution">{t('apply.field.institution')}</label>
            <input
              id="register-institution"
              name="institution"
              maxLength={100}
              defaultValue={query.get('institution') ?? ''}
            />
          </div>
          <div class="field">
            <label for="register-year">{t('register.year')}</label>
            <input
              id="register-year"
              name="year"
              type="number"
              min={1900}
              max={2200}
              inputMode="numeric"
              defaultValue={query.get('year') ?? ''}
            />
          </div>
          <button type="submit">{t('register.apply')}</button>
        </form>
      </search>
      {projects.loading && <Loading />}
      {projects.error !== undefined && <ErrorAlert error={projects.error} />}
      {found && (
        <>
          <p class="result-count" role="status">
            {t('register.count', { count: found.length })}
          </p>
          {found.map((p) => (
            <RegisterEntry key={p.id} project={p} headingLevel={2} />
          ))}
        </>
      )}
    </Page>
  );
}
