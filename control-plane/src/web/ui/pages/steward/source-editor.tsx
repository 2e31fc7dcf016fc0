import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { Classification, Source, Variable } from '../../api/types.js';
import { ErrorAlert, Notice } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { UnloadedPage } from '../../components/unloaded-page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { VariableNameCells, VariableTableHead } from '../catalog/variable-table.js';

const CLASSIFICATIONS: Classification[] = ['direct_identifier', 'quasi_identifier', 'sensitive', 'other'];

/**
 * A steward edits a source of their authority: its name, description and coverage, and each
 * variable's description and classification. The API checks the rest (a CPR variable stays a direct
 * identifier) and publishes the change to the transparency log.
 */
export function SourceEditorPage({ id }: { id: string }) {
  const { t } = useI18n();
  const loaded = useResource(() => api<Source>('GET', `/api/v1/catalog/sources/${id}`), [id]);
  if (!loaded.data) return <UnloadedPage title={t('stewardCatalog.title')} error={loaded.error} />;
  return <SourceForm source={loaded.data} key={loaded.data.id} />;
}

function SourceForm({ source }: { source: Source }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Source>(source);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<Source>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...change }));
  };
  const setVariable = (name: string, change: Partial<Variable>) =>
    set({ variables: draft.variables.map((v) => (v.name === name ? { ...v, ...change } : v)) });

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setDraft(await api<Source>('PUT', `/api/v1/catalog/sources/${source.id}`, draft));
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('stewardCatalog.editTitle', { source: source.name })}>
      <p>
        <Link href="/steward/catalog">{t('stewardCatalog.back')}</Link>
      </p>
      {saved && <Notice kind="success">{t('stewardCatalog.saved')}</Notice>}
      {error !== undefined && <ErrorAlert error={error} />}
      <form onSubmit={save}>
        <div class="field">
          <label for="source-name">{t('stewardCatalog.name')}</label>
          <input
            id="source-name"
            required
            maxLength={200}
            value={draft.name}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="source-description">{t('catalog.description')}</label>
          <textarea
            id="source-description"
            rows={3}
            maxLength={4000}
            value={draft.description}
            onInput={(e) => set({ description: e.currentTarget.value })}
          />
        </div>
        <fieldset>
          <legend>{t('catalog.coverage')}</legend>
          {(['from', 'to'] as const).map((end) => (
            <div class="field" key={end}>
              <label for={`coverage-${end}`}>{t(`common.${end}`)}</label>
              <input
                id={`coverage-${end}`}
                type="date"
                required
                value={draft.coverage[end]}
                onInput={(e) => set({ coverage: { ...draft.coverage, [end]: e.currentTarget.value } })}
              />
            </div>
          ))}
        </fieldset>
        <table class="variable-editor">
          <VariableTableHead sourceId={source.id} />
          <tbody>
            {draft.variables.map((v) => (
              <tr key={v.name}>
                <VariableNameCells variable={v} />
                <td>
                  <select
                    aria-label={t('stewardCatalog.classificationOf', { variable: v.name })}
                    value={v.classification}
                    disabled={v.type === 'cpr'}
                    onChange={(e) =>
                      setVariable(v.name, {
                        classification: (e.currentTarget as HTMLSelectElement).value as Classification,
                      })
                    }
                  >
                    {CLASSIFICATIONS.map((c) => (
                      <option key={c} value={c}>
                        {t(`classification.${c}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <textarea
                    aria-label={t('stewardCatalog.descriptionOf', { variable: v.name })}
                    rows={2}
                    maxLength={2000}
                    value={v.description}
                    onInput={(e) => setVariable(v.name, { description: e.currentTarget.value })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="hint">{t('stewardCatalog.publishHint')}</p>
        <button type="submit" disabled={busy}>
          {t('stewardCatalog.save')}
        </button>
      </form>
    </Page>
  );
}
