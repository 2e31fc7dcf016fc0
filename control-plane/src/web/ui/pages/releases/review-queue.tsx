import { api } from '../../api/client.js';
import type { ReleaseRequest } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { VerdictBadge } from './release-badges.js';
import { RequestTable } from './request-table.js';

/** Requests an output reviewer may review: never those of their own projects. */
export function ReviewQueuePage() {
  const { t } = useI18n();
  const queue = useResource(() => api<ReleaseRequest[]>('GET', '/api/v1/release-requests/queue'), []);
  return (
    <Page title={t('release.queue.title')} intro={t('release.queue.intro')}>
      {queue.loading && !queue.data && <Loading />}
      {queue.error !== undefined && <ErrorAlert error={queue.error} />}
      {queue.data?.length === 0 && <p>{t('release.queue.empty')}</p>}
      {queue.data && queue.data.length > 0 && (
        <RequestTable
          caption={t('release.queue.title')}
          requests={queue.data}
          files={(r) => (
            <ul class="plain">
              {r.files.map((f) => (
                <li key={f.id}>
                  {f.name} <VerdictBadge verdict={f.verdict} />
                </li>
              ))}
            </ul>
          )}
          when={{ label: t('release.queue.submitted'), of: (r) => r.submittedAt }}
        />
      )}
    </Page>
  );
}
