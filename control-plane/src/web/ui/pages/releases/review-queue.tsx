import { api } from '../../api/client.js';
import type { ReleaseRequest } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { ReleaseStatusBadge, VerdictBadge } from './release-badges.js';

/** Requests an output reviewer may review: never those of their own projects. */
export function ReviewQueuePage() {
  const { t, dateTime } = useI18n();
  const queue = useResource(() => api<ReleaseRequest[]>('GET', '/api/v1/release-requests/queue'), []);
  return (
    <Page title={t('release.queue.title')} intro={t('release.queue.intro')}>
      {queue.loading && !queue.data && <Loading />}
      {queue.error !== undefined && <ErrorAlert error={queue.error} />}
      {queue.data?.length === 0 && <p>{t('release.queue.empty')}</p>}
      {queue.data && queue.data.length > 0 && (
        <table>
          <caption class="visually-hidden">{t('release.queue.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('release.request')}</th>
              <th scope="col">{t('release.state')}</th>
              <th scope="col">{t('release.files')}</th>
              <th scope="col">{t('release.queue.submitted')}</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <Link href={`/releases/${r.id}`}>{r.context.split('\n')[0]?.slice(0, 80)}</Link>
                </th>
                <td>
                  <ReleaseStatusBadge status={r.status} />
                </td>
                <td>
                  <ul class="plain">
                    {r.files.map((f) => (
                      <li key={f.id}>
                        {f.name} <VerdictBadge verdict={f.verdict} />
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{r.submittedAt ? dateTime(r.submittedAt) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
