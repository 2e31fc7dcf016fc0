import type { ExtractManifest } from '../../api/types.js';
import { type MessageKey, useI18n } from '../../i18n/i18n.js';

const TRANSFORMS: Record<string, MessageKey> = {
  person_pseudonym: 'extracts.transform.person_pseudonym',
  record_pseudonym: 'extracts.transform.record_pseudonym',
  generalise: 'extracts.transform.generalise',
  keep: 'extracts.transform.keep',
};

/** What an extract version holds: files with their hashes, columns and how each was transformed. */
export function ExtractManifestView({ manifest }: { manifest: ExtractManifest }) {
  const { t, date } = useI18n();
  return (
    <>
      <dl class="facts">
        <dt>{t('apply.field.period')}</dt>
        <dd>
          {date(manifest.period.from)} – {date(manifest.period.to)}
        </dd>
        <dt>{t('extracts.cohortSize')}</dt>
        <dd>{manifest.cohortSize}</dd>
        <dt>{t('extracts.keyVersion')}</dt>
        <dd>{manifest.keyVersion}</dd>
      </dl>
      <table>
        <caption>{t('extracts.files', { version: manifest.version })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('extracts.file')}</th>
            <th scope="col">{t('extracts.rows')}</th>
            <th scope="col">{t('extracts.columns')}</th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {manifest.files.map((f) => (
            <tr key={f.name}>
              <th scope="row">
                <code>{f.name}</code>
                {f.kAnonymity && (
                  <div class="muted">{t('extracts.kAnonymity', { smallest: f.kAnonymity.smallest })}</div>
                )}
              </th>
              <td>{f.rows}</td>
              <td>
                <ul class="plain">
                  {f.columns.map((c) => (
                    <li key={c.name}>
                      <code>{c.name}</code>: {t(TRANSFORMS[c.transform] ?? 'extracts.transform.keep')}
                      {c.generalisation && ` (${c.generalisation})`}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                <code class="hash">{f.sha256}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
