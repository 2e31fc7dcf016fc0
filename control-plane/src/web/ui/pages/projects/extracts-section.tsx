import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { Extract } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { ExtractManifestView } from './extract-manifest.js';

/** How often a running extract's progress is fetched again. */
const POLL_MS = 1500;

/** A project's extract versions: build progress, then the manifest. Rows never reach the browser. */
export function ExtractsSection({ projectId, canRequest }: { projectId: string; canRequest: boolean }) {
  const { t, dateTime } = useI18n();
  const extracts = useResource(
    () => api<Extract[]>('GET', `/api/v1/projects/${projectId}/extracts`),
    [projectId],
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const running = extracts.data?.some((e) => e.status === 'running') ?? false;

  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(extracts.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, extracts.data, extracts.reload]);

  const request = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api<Extract>('POST', `/api/v1/projects/${projectId}/extracts`);
      extracts.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const newestFirst = [...(extracts.data ?? [])].sort((a, b) => b.version - a.version);
  return (
    <section aria-labelledby="extracts-heading">
      <h2 id="extracts-heading">{t('extracts.title')}</h2>
      <p class="hint">{t('extracts.intro')}</p>
      {canRequest && (
        <p>
          <button type="button" onClick={request} disabled={busy || running}>
            {t('extracts.request')}
          </button>
        </p>
      )}
      {error !== undefined && <ErrorAlert error={error} />}
      {extracts.loading && !extracts.data && <Loading />}
      {extracts.error !== undefined && <ErrorAlert error={extracts.error} />}
      {extracts.data?.length === 0 && <p>{t('extracts.none')}</p>}
      {newestFirst.map((e) => (
        <article key={e.id} class="extract" aria-labelledby={`extract-${e.version}`}>
          <h3 id={`extract-${e.version}`}>
            {t('extracts.version', { version: e.version })}{' '}
            <span class={`badge extract-${e.status}`}>{t(`extracts.status.${e.status}`)}</span>
          </h3>
          <p class="muted">
            {t('extracts.requested', { at: dateTime(e.requestedAt) })}
            {e.finishedAt && ` · ${t('extracts.finished', { at: dateTime(e.finishedAt) })}`}
          </p>
          {e.status === 'running' && (
            <p>
              <label for={`progress-${e.version}`}>{t('extracts.progress', { stage: e.stage })}</label>{' '}
              <progress id={`progress-${e.version}`} max={1} value={e.progress} />
            </p>
          )}
          {e.status === 'failed' && <p class="problem">{e.error}</p>}
          {e.manifestSha256 && (
            <p>
              {t('extracts.manifestHash')} <code class="hash">{e.manifestSha256}</code>
            </p>
          )}
          {e.manifest && <ExtractManifestView manifest={e.manifest} />}
        </article>
      ))}
    </section>
  );
}
