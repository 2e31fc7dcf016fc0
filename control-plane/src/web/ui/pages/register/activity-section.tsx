import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { ActivityItem } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { useResource } from '../../components/use-resource.js';
import { type MessageKey, useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { ActivityDetails } from './activity-details.js';

const KINDS = ['application', 'extract', 'workspace', 'output'] as const;
type Kind = (typeof KINDS)[number];

const KIND_LABEL: Record<Kind, MessageKey> = {
  application: 'activity.kind.application',
  extract: 'activity.kind.extract',
  workspace: 'activity.kind.workspace',
  output: 'activity.kind.output',
};

/** Event types the register names in words; any other (a newer capability's) shows its code. */
const TYPE_LABEL: Record<string, MessageKey> = {
  'project.submitted': 'activity.type.projectSubmitted',
  'project.decision': 'activity.type.projectDecision',
  'project.status_changed': 'activity.type.projectStatusChanged',
  'extract.published': 'activity.type.extractPublished',
  'extract.failed': 'activity.type.extractFailed',
  'project.data_deleted': 'activity.type.projectDataDeleted',
  'workspace.requested': 'activity.type.workspaceRequested',
  'workspace.connected': 'activity.type.workspaceConnected',
  'release.files_changed': 'activity.type.releaseFilesChanged',
  'release.checked': 'activity.type.releaseChecked',
  'release.voted': 'activity.type.releaseVoted',
  'release.status_changed': 'activity.type.releaseStatusChanged',
  'release.released': 'activity.type.releaseReleased',
  'release.downloaded': 'activity.type.releaseDownloaded',
};

/**
 * What the project did, from the transparency log: every row links to its entry on the log page,
 * where the visitor's browser proves the entry is in the signed log.
 */
export function ActivitySection({ projectId }: { projectId: string }) {
  const { t, dateTime } = useI18n();
  const [kind, setKind] = useState<Kind | ''>('');
  const activity = useResource(
    () => api<ActivityItem[]>('GET', `/api/v1/register/projects/${projectId}/activity`),
    [projectId],
  );
  const shown = (activity.data ?? []).filter((a) => !kind || a.kind === kind);
  return (
    <section aria-labelledby="activity-heading" class="activity">
      <h2 id="activity-heading">{t('activity.title')}</h2>
      <p class="hint">{t('activity.intro')}</p>
      <div class="field">
        <label for="activity-kind">{t('activity.show')}</label>
        <select
          id="activity-kind"
          value={kind}
          onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value as Kind | '')}
        >
          <option value="">{t('activity.kind.all')}</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(KIND_LABEL[k])}
            </option>
          ))}
        </select>
      </div>
      {activity.loading && !activity.data && <Loading />}
      {activity.error !== undefined && <ErrorAlert error={activity.error} />}
      {activity.data && (
        <p class="result-count" role="status">
          {t('activity.count', { count: shown.length })}
        </p>
      )}
      {shown.length > 0 && (
        <table class="activity-table">
          <caption class="visually-hidden">{t('activity.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('log.time')}</th>
              <th scope="col">{t('log.event')}</th>
              <th scope="col">{t('log.details')}</th>
              <th scope="col">{t('activity.entry')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.index} class={`activity-${a.kind}`}>
                <td>{dateTime(a.time)}</td>
                <th scope="row">
                  {TYPE_LABEL[a.type] ? t(TYPE_LABEL[a.type] as MessageKey) : <code>{a.type}</code>}
                  <div class="muted">{t(KIND_LABEL[a.kind])}</div>
                </th>
                <td>
                  <ActivityDetails item={a} />
                </td>
                <td>
                  <Link
                    href={`/log?entry=${a.index}`}
                    aria-label={t('activity.verifyEntry', { index: a.index })}
                  >
                    #{a.index}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
