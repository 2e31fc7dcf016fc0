import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { ReleaseRequest, Workspace } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { navigate } from '../../router.js';
import { OutboxPicker } from './outbox-picker.js';
import { RequestTable } from './request-table.js';

/** Names typed one per line (or comma-separated), without duplicates. */
const names = (text: string) => [
  ...new Set(
    text
      .split(/[\n,]/)
      .map((n) => n.trim())
      .filter(Boolean),
  ),
];

/**
 * A project's release requests, and a form to compose a new one from files in a workspace's outbox.
 * The request starts as a draft: the researcher checks it on its own page, then submits it.
 */
export function ReleasesSection({ projectId }: { projectId: string }) {
  const { t, dateTime } = useI18n();
  const requests = useResource(
    () => api<ReleaseRequest[]>('GET', `/api/v1/projects/${projectId}/release-requests`),
    [projectId],
  );
  const workspaces = useResource(
    () => api<Workspace[]>('GET', `/api/v1/projects/${projectId}/workspaces`),
    [projectId],
  );
  const [workspaceId, setWorkspaceId] = useState('');
  const [files, setFiles] = useState('');
  const [context, setContext] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [composing, setComposing] = useState(false);
  const chosen = workspaceId || workspaces.data?.[0]?.id || '';

  const compose = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<ReleaseRequest>('POST', `/api/v1/projects/${projectId}/release-requests`, {
        workspaceId: chosen,
        files: names(files),
        context,
      });
      navigate(`/releases/${created.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="releases-heading" class="releases">
      <h2 id="releases-heading">{t('release.title')}</h2>
      <p class="hint">{t('release.intro')}</p>
      {requests.loading && !requests.data && <Loading />}
      {requests.error !== undefined && <ErrorAlert error={requests.error} />}
      {requests.data?.length === 0 && <p>{t('release.none')}</p>}
      {requests.data && requests.data.length > 0 && (
        <RequestTable
          caption={t('release.title')}
          requests={requests.data}
          files={(r) => r.files.map((f) => f.name).join(', ')}
          when={{ label: t('release.updated'), of: (r) => r.updatedAt }}
        />
      )}

      {!composing && (
        <p>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              // The workspaces as they are now: one may have been launched since the page loaded.
              workspaces.reload();
              setComposing(true);
            }}
          >
            {t('release.compose')}
          </button>
        </p>
      )}
      {composing && workspaces.data?.length === 0 && <p class="hint">{t('release.noWorkspace')}</p>}
      {composing && workspaces.data && workspaces.data.length > 0 && (
        <form class="compose" onSubmit={compose} aria-labelledby="compose-heading">
          <h3 id="compose-heading">{t('release.compose')}</h3>
          {error !== undefined && <ErrorAlert error={error} />}
          <div class="field">
            <label for="release-workspace">{t('release.workspace')}</label>
            <select
              id="release-workspace"
              value={chosen}
              onChange={(e) => setWorkspaceId((e.currentTarget as HTMLSelectElement).value)}
            >
              {workspaces.data.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.template} · {t(`workspaces.status.${w.status}`)} · {dateTime(w.createdAt)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="release-files">{t('release.outboxFiles')}</label>
            <p class="hint" id="release-files-hint">
              {t('release.outboxFilesHint')}
            </p>
            <textarea
              id="release-files"
              rows={3}
              required
              aria-describedby="release-files-hint"
              value={files}
              onInput={(e) => setFiles(e.currentTarget.value)}
            />
            {chosen && (
              <OutboxPicker
                workspaceId={chosen}
                chosen={names(files)}
                onChange={(list) => setFiles(list.join('\n'))}
              />
            )}
          </div>
          <div class="field">
            <label for="release-context">{t('release.context')}</label>
            <p class="hint" id="release-context-hint">
              {t('release.contextHint')}
            </p>
            <textarea
              id="release-context"
              rows={5}
              required
              maxLength={20000}
              aria-describedby="release-context-hint"
              value={context}
              onInput={(e) => setContext(e.currentTarget.value)}
            />
          </div>
          <div class="actions">
            <button type="submit" disabled={busy || workspaces.loading}>
              {t('release.create')}
            </button>
            <button type="button" class="secondary" onClick={() => setComposing(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
