import type { ActivityItem } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

const scalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/** Shown as their own table; the rest of the details are short facts. */
const isFileList = (v: unknown) => Array.isArray(v) && v.some((f) => typeof f === 'object' && f !== null);

/** An activity item's public details: its facts, and the files it names with their SHA-256 hashes. */
export function ActivityDetails({ item }: { item: ActivityItem }) {
  const { t } = useI18n();
  const facts = Object.entries(item.details).filter(([, v]) => !isFileList(v) && typeof v !== 'object');
  const lists = Object.entries(item.details).filter(
    ([, v]) => Array.isArray(v) && !isFileList(v) && v.every(scalar),
  ) as [string, (string | number | boolean)[]][];
  return (
    <>
      {(facts.length > 0 || lists.length > 0) && (
        <ul class="plain details">
          {facts.map(([k, v]) => (
            <li key={k}>
              {k}: {k.endsWith('sha256') ? <code class="hash">{String(v)}</code> : String(v)}
            </li>
          ))}
          {lists.map(([k, v]) => (
            <li key={k}>
              {k}: {v.join(', ')}
            </li>
          ))}
        </ul>
      )}
      {item.files.length > 0 && (
        <table class="files">
          <caption class="visually-hidden">{t('activity.files')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('activity.file')}</th>
              <th scope="col">{t('activity.size')}</th>
              <th scope="col">SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {item.files.map((f) => (
              <tr key={`${f.name}-${f.sha256}`}>
                <td>{f.name}</td>
                <td>{f.size ?? ''}</td>
                <td>
                  <code class="hash">{f.sha256}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
