import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { Workspace, WorkspaceTemplate } from '../../api/types.js';
import { ActionsColumnHeader } from '../../components/actions-column-header.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';

const POLL_MS = 2000;
/** States the reconciler is still moving a workspace through; the list is fetched again meanwhile. */
const MOVING = new Set(['requested', 'provisioning', 'stopping']);

/**
 * A project's workspaces: launch one on the newest extract, open it through the authenticated
 * proxy, stop or restart it. Batch templates need a script and are launched from the CLI.
 */
export function WorkspacesSection({
  projectId,
  headingLevel = 2,
}: {
  projectId: string;
  headingLevel?: 2 | 3;
}) {
  const { t, dateTime } = useI18n();
  const H = `h${headingLevel}` as 'h2';
  const loaded = useResource(async () => {
    const [workspaces, templates] = await Promise.all([
      api<Workspace[]>('GET', `/api/v1/projects/${projectId}/workspaces`),
      api<WorkspaceTemplate[]>('GET', '/api/v1/workspace-templates'),
    ]);
    return { workspaces, templates: templates.filter((x) => x.kind === 'interactive') };
  }, [projectId]);
  const [template, setTemplate] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const moving = loaded.data?.workspaces.some((w) => MOVING.has(w.status)) ?? false;

  useEffect(() => {
    if (!moving) return;
    const timer = setTimeout(loaded.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [moving, loaded.data, loaded.reload]);

  const act = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await call();
      loaded.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const open = (w: Workspace) =>
    act(async () => {
      // A one-time link through the control plane's proxy; the workspace itself has no other way in.
      const { url } = await api<{ url: string }>('POST', `/api/v1/workspaces/${w.id}/connect`);
      window.location.assign(url);
    });

  const templates = loaded.data?.templates ?? [];
  const chosen = template || templates[0]?.name || '';
  const selectId = `template-${projectId}`;
  return (
    <section class="workspaces">
      <H>{t('workspaces.title')}</H>
      {error !== undefined && <ErrorAlert error={error} />}
      {loaded.error !== undefined && <ErrorAlert error={loaded.error} />}
      {!loaded.data && loaded.error === undefined && <Loading />}
      {templates.length > 0 && (
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            act(() => api('POST', `/api/v1/projects/${projectId}/workspaces`, { template: chosen }));
          }}
        >
          <div class="field">
            <label for={selectId}>{t('workspaces.template')}</label>
            <select id={selectId} value={chosen} onChange={(e) => setTemplate(e.currentTarget.value)}>
              {templates.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.name} – {x.description}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={busy}>
            {t('workspaces.launch')}
          </button>
        </form>
      )}
      {loaded.data?.workspaces.length === 0 && <p>{t('workspaces.none')}</p>}
      {loaded.data && loaded.data.workspaces.length > 0 && (
        <table>
          <caption class="visually-hidden">{t('workspaces.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('workspaces.template')}</th>
              <th scope="col">{t('projects.status')}</th>
              <th scope="col">{t('workspaces.extract')}</th>
              <th scope="col">{t('workspaces.since')}</th>
              <ActionsColumnHeader />
            </tr>
          </thead>
          <tbody>
            {loaded.data.workspaces.map((w) => (
              <tr key={w.id}>
                <th scope="row">{w.template}</th>
                <td>
                  <span class={`badge workspace-${w.status}`}>{t(`workspaces.status.${w.status}`)}</span>
                  {w.reason && <div class="muted">{w.reason}</div>}
                </td>
                <td>{t('extracts.version', { version: w.extractVersion })}</td>
                <td>{dateTime(w.statusChangedAt)}</td>
                <td class="actions">
                  {w.status === 'running' && (
                    <button type="button" disabled={busy} onClick={() => open(w)}>
                      {t('workspaces.open', { template: w.template })}
                    </button>
                  )}
                  {(w.status === 'running' || w.status === 'provisioning' || w.status === 'requested') && (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      onClick={() => act(() => api('POST', `/api/v1/workspaces/${w.id}/stop`))}
                    >
                      {t('workspaces.stop', { template: w.template })}
                    </button>
                  )}
                  {(w.status === 'stopped' || w.status === 'failed') && (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      onClick={() => act(() => api('POST', `/api/v1/workspaces/${w.id}/restart`))}
                    >
                      {t('workspaces.restart', { template: w.template })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
