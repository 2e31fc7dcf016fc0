import { api } from '../../api/client.js';
import type { Project } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { WorkspacesSection } from './workspaces-section.js';

/** The researcher's workspaces across their approved projects. */
export function WorkspacesPage() {
  const { t } = useI18n();
  const projects = useResource(() => api<Project[]>('GET', '/api/v1/projects/'), []);
  const approved = projects.data?.filter((p) => p.status === 'approved') ?? [];
  return (
    <Page title={t('workspaces.title')} intro={t('workspaces.intro')}>
      {projects.loading && <Loading />}
      {projects.error !== undefined && <ErrorAlert error={projects.error} />}
      {projects.data && approved.length === 0 && <p>{t('workspaces.noProjects')}</p>}
      {approved.map((p) => (
        <section key={p.id} class="source" aria-labelledby={`workspaces-${p.id}`}>
          <h2 id={`workspaces-${p.id}`}>
            <Link href={`/projects/${p.id}`}>{p.application.title}</Link>
          </h2>
          <WorkspacesSection projectId={p.id} headingLevel={3} />
        </section>
      ))}
    </Page>
  );
}
