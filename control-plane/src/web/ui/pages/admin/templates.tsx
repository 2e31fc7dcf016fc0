import { api } from '../../api/client.js';
import type { WorkspaceTemplate } from '../../api/types.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';

/** The workspace templates (policies/workspaces): what researchers may launch, with its limits. */
export function TemplatesPage() {
  const { t } = useI18n();
  const templates = useResource(() => api<WorkspaceTemplate[]>('GET', '/api/v1/workspace-templates'), []);
  return (
    <Page title={t('templates.title')} intro={t('templates.intro')}>
      {templates.loading && !templates.data && <Loading />}
      {templates.error !== undefined && <ErrorAlert error={templates.error} />}
      {templates.data && (
        <table class="templates">
          <caption class="visually-hidden">{t('templates.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('templates.name')}</th>
              <th scope="col">{t('templates.description')}</th>
              <th scope="col">{t('templates.kind')}</th>
              <th scope="col">{t('templates.app')}</th>
              <th scope="col">{t('templates.cpu')}</th>
              <th scope="col">{t('templates.memory')}</th>
              <th scope="col">{t('templates.scratch')}</th>
              <th scope="col">{t('templates.limit')}</th>
            </tr>
          </thead>
          <tbody>
            {templates.data.map((w) => (
              <tr key={w.name}>
                <th scope="row">
                  <code>{w.name}</code>
                </th>
                <td>{w.description}</td>
                <td>{t(w.kind === 'batch' ? 'templates.batch' : 'templates.interactive')}</td>
                <td>{w.app}</td>
                <td>{w.resources?.cpu}</td>
                <td>{w.resources?.memory}</td>
                <td>{w.resources?.scratch}</td>
                <td>
                  {w.idleTimeoutMinutes !== undefined &&
                    t('templates.idle', { minutes: w.idleTimeoutMinutes })}
                  {w.maxRuntimeMinutes !== undefined &&
                    t('templates.maxRuntime', { minutes: w.maxRuntimeMinutes })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="hint">{t('templates.source')}</p>
    </Page>
  );
}
