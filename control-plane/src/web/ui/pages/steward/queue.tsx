import { api } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import type { Principal, Project } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { StatusBadge } from '../../components/status-badge.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { awaitingFrom } from './pending.js';

/** Applications touching the steward's authorities: first those awaiting their decision, then the rest. */
export function StewardQueuePage() {
  const { t } = useI18n();
  const { principal } = useSession();
  const projects = useResource(() => api<Project[]>('GET', '/api/v1/projects/'), []);
  const me = principal as Principal;
  const waiting = projects.data?.filter((p) => awaitingFrom(p, me).length > 0) ?? [];
  const others = projects.data?.filter((p) => awaitingFrom(p, me).length === 0) ?? [];
  return (
    <Page title={t('steward.title')} intro={t('steward.intro', { authorities: me.authorities.join(', ') })}>
      {projects.loading && <Loading />}
      {projects.error !== undefined && <ErrorAlert error={projects.error} />}
      {projects.data && (
        <>
          <h2>{t('steward.waiting')}</h2>
          {waiting.length === 0 ? (
            <p>{t('steward.noneWaiting')}</p>
          ) : (
            <QueueTable projects={waiting} me={me} />
          )}
          <h2>{t('steward.others')}</h2>
          {others.length === 0 ? <p>{t('steward.noOthers')}</p> : <QueueTable projects={others} me={me} />}
        </>
      )}
    </Page>
  );
}

function QueueTable({ projects, me }: { projects: Project[]; me: Principal }) {
  const { t, date } = useI18n();
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('apply.field.title')}</th>
          <th scope="col">{t('apply.field.institution')}</th>
          <th scope="col">{t('projects.status')}</th>
          <th scope="col">{t('steward.awaiting')}</th>
          <th scope="col">{t('projects.updated')}</th>
        </tr>
      </thead>
      <tbody>
        {projects.map((p) => (
          <tr key={p.id}>
            <th scope="row">
              <Link href={`/steward/${p.id}`}>{p.application.title}</Link>
            </th>
            <td>{p.application.institution}</td>
            <td>
              <StatusBadge status={p.status} />
            </td>
            <td>{awaitingFrom(p, me).join(', ') || '–'}</td>
            <td>{date(p.updatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
