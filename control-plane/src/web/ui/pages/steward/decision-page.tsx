import { useState } from 'preact/hooks';
import { useSession } from '../../api/session.js';
import type { Principal, Project } from '../../api/types.js';
import { Notice } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { StatusBadge } from '../../components/status-badge.js';
import { UnloadedPage } from '../../components/unloaded-page.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { ApplicationSummary } from '../projects/application-summary.js';
import { DecisionsTable } from '../projects/decisions-table.js';
import { useProjectWithSources } from '../projects/use-project-with-sources.js';
import { DecisionForm } from './decision-form.js';
import { awaitingFrom } from './pending.js';

/** A steward reads the application, above all the variables from their own sources, and decides. */
export function DecisionPage({ id }: { id: string }) {
  const { t } = useI18n();
  const me = useSession().principal as Principal;
  const [decided, setDecided] = useState<Project>();
  const loaded = useProjectWithSources(id);

  if (!loaded.data) return <UnloadedPage title={t('steward.decisionTitle')} error={loaded.error} />;
  const sources = loaded.data.sources;
  const project = decided ?? loaded.data.project;
  const mine = project.authorities.filter((a) => me.authorities.includes(a));
  const awaiting = awaitingFrom(project, me);

  return (
    <Page title={project.application.title}>
      <p class="status-line">
        {t('projects.status')}: <StatusBadge status={project.status} />
      </p>
      {decided && (
        <Notice kind="success">
          {t('steward.recorded')} <Link href="/steward">{t('steward.backToQueue')}</Link>
        </Notice>
      )}
      <ApplicationSummary application={project.application} sources={sources} authorities={mine} />
      <h2>{t('decisions.title')}</h2>
      <DecisionsTable project={project} />
      {awaiting.length > 0 && (
        <>
          <h2>{t('steward.yourDecision')}</h2>
          <DecisionForm project={project} authorities={awaiting} onDecided={setDecided} />
        </>
      )}
    </Page>
  );
}
