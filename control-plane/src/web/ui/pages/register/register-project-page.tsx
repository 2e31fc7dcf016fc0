import { api } from '../../api/client.js';
import type { RegisteredProject } from '../../api/types.js';
import { Page } from '../../components/page.js';
import { UnloadedPage } from '../../components/unloaded-page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { ActivitySection } from './activity-section.js';
import { RegisterEntry } from './register-entry.js';

/** One project of the register at its own address, for linking from the log and elsewhere. */
export function RegisterProjectPage({ id }: { id: string }) {
  const { t } = useI18n();
  const project = useResource(() => api<RegisteredProject>('GET', `/api/v1/register/projects/${id}`), [id]);
  if (!project.data) return <UnloadedPage title={t('register.title')} error={project.error} />;
  return (
    <Page title={project.data.title}>
      <RegisterEntry project={project.data} headingLevel={1} />
      <ActivitySection projectId={project.data.id} />
      <p>
        <Link href="/register">{t('register.back')}</Link>
      </p>
    </Page>
  );
}
