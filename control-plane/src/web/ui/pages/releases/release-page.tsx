import { useState } from 'preact/hooks';
import { api, download } from '../../api/client.js';
import type { ReleaseFile, ReleaseRequest } from '../../api/types.js';
import { ActionsColumnHeader } from '../../components/actions-column-header.js';
import { ErrorAlert, Notice } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { UnloadedPage } from '../../components/unloaded-page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { AuthorPanel } from './author-panel.js';
import { FilePreviewToggle } from './file-preview.js';
import { Findings } from './findings.js';
import { ReleaseStatusBadge, VerdictBadge } from './release-badges.js';
import { DecisionPanel, VoteForm } from './review-panel.js';

const BLIND = new Set(['submitted', 'partially_reviewed']);
const EDITABLE = new Set(['draft', 'returned']);

/** Saves a released file through the API (the token never leaves memory, so no plain link). */
async function save(request: ReleaseRequest, file: ReleaseFile): Promise<void> {
  const blob = await download(`/api/v1/release-requests/${request.id}/files/${file.id}`);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name.split('/').at(-1) ?? file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * One release request, for its researcher, an independent reviewer or an admin: the files with
 * their hashes and the automatic checks' findings beside the flagged cells, the votes the caller
 * may see, and what the caller can do next.
 */
export function ReleasePage({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const loaded = useResource(() => api<ReleaseRequest>('GET', `/api/v1/release-requests/${id}`), [id]);
  const [changed, setChanged] = useState<ReleaseRequest>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [downloaded, setDownloaded] = useState<string>();

  if (!loaded.data) return <UnloadedPage title={t('release.requestTitle')} error={loaded.error} />;
  const request = changed && changed.id === id ? changed : loaded.data;
  const member = request.viewer === 'member';
  const reviewer = request.viewer === 'reviewer';

  const act = async (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      setChanged(await api<ReleaseRequest>(method, path, body));
    } catch (e) {
      setError(e);
      throw e;
    } finally {
      setBusy(false);
    }
  };
  const quietly = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    act(method, path, body).catch(() => undefined);

  const fetchFile = async (file: ReleaseFile) => {
    setError(undefined);
    try {
      await save(request, file);
      setDownloaded(file.name);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={t('release.requestTitle')}>
      <p class="status-line">
        {t('release.state')}: <ReleaseStatusBadge status={request.status} />
        {request.submittedAt && ` · ${t('release.submittedAt', { at: dateTime(request.submittedAt) })}`}
        {request.releasedAt && ` · ${t('release.releasedAt', { at: dateTime(request.releasedAt) })}`}
      </p>
      {error !== undefined && <ErrorAlert error={error} />}
      {downloaded && <Notice kind="success">{t('release.downloaded', { file: downloaded })}</Notice>}
      {request.comment && (
        <div class={`alert ${request.status === 'returned' ? 'alert-warning' : 'alert-info'}`} role="status">
          <h2>{t('release.reviewersComment')}</h2>
          <p class="prose">{request.comment}</p>
        </div>
      )}
      {reviewer && BLIND.has(request.status) && (
        <Notice>{t('release.blind', { n: request.approvalsPerFile })}</Notice>
      )}
      <dl class="facts">
        <dt>{t('release.context')}</dt>
        <dd class="prose">{request.context}</dd>
        <dt>{t('release.profile')}</dt>
        <dd>{request.profile ?? t('release.profilePending')}</dd>
        <dt>{t('release.approvalsNeeded')}</dt>
        <dd>{request.approvalsPerFile}</dd>
        {member && (
          <>
            <dt>{t('release.project')}</dt>
            <dd>
              <Link href={`/projects/${request.projectId}`}>{t('release.toProject')}</Link>
            </dd>
          </>
        )}
      </dl>

      <h2>{t('release.files')}</h2>
      <table class="release-files">
        <caption class="visually-hidden">{t('release.files')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('activity.file')}</th>
            <th scope="col">{t('activity.size')}</th>
            <th scope="col">SHA-256</th>
            <th scope="col">{t('release.checks')}</th>
            <ActionsColumnHeader />
          </tr>
        </thead>
        <tbody>
          {request.files.map((f) => (
            <tr key={f.id} class={f.verdict === 'block' ? 'blocked' : undefined}>
              <th scope="row">
                <a href={`#file-${f.id}`}>{f.name}</a>
              </th>
              <td>{f.size}</td>
              <td>
                <code class="hash">{f.sha256}</code>
              </td>
              <td>
                <VerdictBadge verdict={f.verdict} />
                {f.releasedAt && (
                  <>
                    {' '}
                    <span class="badge release-released">{t('release.status.released')}</span>
                  </>
                )}
              </td>
              <td>
                {member && f.releasedAt && (
                  <button type="button" onClick={() => fetchFile(f)}>
                    {t('release.download', { file: f.name })}
                  </button>
                )}
                {member && EDITABLE.has(request.status) && (
                  <button
                    type="button"
                    class="secondary"
                    disabled={busy}
                    onClick={() => quietly('DELETE', `/api/v1/release-requests/${request.id}/files/${f.id}`)}
                  >
                    {t('release.removeFile', { file: f.name })}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {request.files.map((f) => {
        const votes = request.votes.filter((v) => v.file === f.name && v.revision === f.revision);
        return (
          <section
            key={f.id}
            id={`file-${f.id}`}
            class="release-file"
            aria-labelledby={`file-${f.id}-heading`}
          >
            <h3 id={`file-${f.id}-heading`}>
              {f.name} <VerdictBadge verdict={f.verdict} />
            </h3>
            {f.verdict === 'block' && <p class="problem">{t('release.blocked')}</p>}
            <Findings file={f} />
            <FilePreviewToggle requestId={request.id} file={f} />
            {votes.length > 0 && (
              <ul class="plain votes" aria-label={t('release.votesOn', { file: f.name })}>
                {votes.map((v) => (
                  <li key={`${v.votedAt}-${v.vote}`}>
                    <span class={`badge vote-${v.vote}`}>{t(`release.vote.${v.vote}`)}</span>{' '}
                    {v.mine ? t('release.byYou') : t('release.byReviewer')} ({dateTime(v.votedAt)})
                    {v.comment && <> – {v.comment}</>}
                  </li>
                ))}
              </ul>
            )}
            {reviewer && <VoteForm request={request} file={f} act={quietly} busy={busy} />}
          </section>
        );
      })}

      {member && <AuthorPanel request={request} act={quietly} busy={busy} />}
      {reviewer && <DecisionPanel request={request} act={quietly} busy={busy} />}
    </Page>
  );
}
