import { api } from '../../api/client.js';
import type { Project } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { StatusBadge } from '../../components/status-badge.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';

/** The researcher's applications and projects, with where each authority stands. */
export function MyProjectsPage() {
  const { t, date } = useI18n();
  const projects = useResource(() => api<Project[]>('GET', '/api/v1/projects/'), []);
  return (
    <Page title={t('projects.title')}>
      <p>
        <Link class="button" href="/apply">
          {t('projects.new')}
        </Link>
      </p>
      {projects.loading && <Loading />}
      {projects.error !== undefined && <ErrorAlert error={projects.error} />}
      {projects.data?.length === 0 && <p>{t('projects.none')}</p>}
      {projects.data && projects.data.length > 0 && (
        <table>
          <caption class="visually-hidden">{t('projects.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('apply.field.title')}</th>
              <th scope="col">{t('projects.status')}</th>
              <th scope="col">{t('projects.authorities')}</th>
              <th scope="col">{t('projects.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {projects.data.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <Link href={`/projects/${p.id}`}>{p.application.title}</Link>
                </th>
                <td>
                  <StatusBadge status={p.status} />
                </td>
                <td>
                  <ul class="inline">
                    {p.authorities.map((a) => {
                      const d = p.decisions.find((x) => x.authority === a);
                      return (
                        <li key={a}>
                          {a}:{' '}
                          {t(
                            d
                              ? `decisions.${d.decision}`
                              : p.status === 'draft'
                                ? 'decisions.none'
                                : 'decisions.pending',
                          )}
                        </li>
                      );
                    })}
                  </ul>
                </td>
                <td>{date(p.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
