import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import type { Project } from '../../api/types.js';
import { ErrorAlert, Notice } from '../../components/alerts.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { Page } from '../../components/page.js';
import { StatusBadge } from '../../components/status-badge.js';
import { UnloadedPage } from '../../components/unloaded-page.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link, useLocation } from '../../router.js';
import { ReleasesSection } from '../releases/releases-section.js';
import { WorkspacesSection } from '../workspaces/workspaces-section.js';
import { ApplicationSummary } from './application-summary.js';
import { DecisionsTable } from './decisions-table.js';
import { ExtractsSection } from './extracts-section.js';
import { useProjectWithSources } from './use-project-with-sources.js';

const WITHDRAWABLE = new Set(['draft', 'submitted', 'partially_approved', 'approved']);

/** One project: where its approval stands, and what the applicant can do next. */
export function ProjectPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { principal, has } = useSession();
  const { query } = useLocation();
  const [actionError, setActionError] = useState<unknown>();
  const [done, setDone] = useState<'submitted' | 'withdrawn' | undefined>();
  const [busy, setBusy] = useState(false);
  // The project as the last action left it; the API answers every action with the whole project.
  const [changed, setChanged] = useState<Project>();
  const loaded = useProjectWithSources(id);

  if (!loaded.data) return <UnloadedPage title={t('project.title')} error={loaded.error} />;
  const { sources } = loaded.data;
  const project = changed ?? loaded.data.project;
  const mine = principal?.accountId === project.applicant;

  const act = async (action: 'submit' | 'withdraw') => {
    setBusy(true);
    setActionError(undefined);
    try {
      setChanged(await api<Project>('POST', `/api/v1/projects/${id}/${action}`));
      setDone(action === 'submit' ? 'submitted' : 'withdrawn');
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={project.application.title}>
      <p class="status-line">
        {t('projects.status')}: <StatusBadge status={project.status} />
      </p>
      {query.get('saved') && !done && <Notice kind="success">{t('project.saved')}</Notice>}
      {done && <Notice kind="success">{t(`project.done.${done}`)}</Notice>}
      {actionError !== undefined && <ErrorAlert error={actionError} />}
      {mine && (
        <div class="actions">
          {project.status === 'draft' && (
            <>
              <Link class="button secondary" href={`/projects/${id}/edit`}>
                {t('project.edit')}
              </Link>
              <button type="button" disabled={busy} onClick={() => act('submit')}>
                {t('project.submit')}
              </button>
            </>
          )}
          {WITHDRAWABLE.has(project.status) && (
            <ConfirmButton
              label={t('project.withdraw')}
              question={t('project.withdrawQuestion')}
              disabled={busy}
              onConfirm={() => act('withdraw')}
            />
          )}
        </div>
      )}
      {project.status === 'draft' && <p class="hint">{t('project.draftHint')}</p>}
      <h2>{t('decisions.title')}</h2>
      <DecisionsTable project={project} />
      {project.status === 'approved' && (
        <ExtractsSection projectId={project.id} canRequest={mine && has('researcher')} />
      )}
      {project.status === 'approved' && mine && <WorkspacesSection projectId={project.id} />}
      {project.status === 'approved' && mine && <ReleasesSection projectId={project.id} />}
      <h2>{t('project.application')}</h2>
      <ApplicationSummary application={project.application} sources={sources} headingLevel={3} />
    </Page>
  );
}
