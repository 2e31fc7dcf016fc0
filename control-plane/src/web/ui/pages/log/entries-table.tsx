import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import type { CheckedEntry } from './log-verification.js';

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The newest entries, each shown only with the verdict of its inclusion proof. */
export function EntriesTable({ entries, size }: { entries: CheckedEntry[]; size: number }) {
  const { t, dateTime } = useI18n();
  return (
    <section aria-labelledby="entries-heading">
      <h2 id="entries-heading">{t('log.entries')}</h2>
      <p>{t('log.entriesIntro', { shown: entries.length, size })}</p>
      <table class="log-entries">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t('log.proof')}</th>
            <th scope="col">{t('log.time')}</th>
            <th scope="col">{t('log.event')}</th>
            <th scope="col">{t('log.project')}</th>
            <th scope="col">{t('log.details')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.index} id={`entry-${e.index}`} class={e.verified ? undefined : 'unverified'}>
              <th scope="row">{e.index}</th>
              {e.verified ? (
                <>
                  <td>
                    <span class="badge decision-approved">{t('log.proofOk')}</span>
                  </td>
                  <td>{dateTime(e.event.time)}</td>
                  <td>
                    <code>{e.event.type}</code>
                    {e.event.subject && <div class="muted">{e.event.subject}</div>}
                  </td>
                  <td>
                    {e.event.project && (
                      <Link href={`/register/${e.event.project}`}>{t('log.projectLink')}</Link>
                    )}
                  </td>
                  <td>
                    <ul class="plain details">
                      {Object.entries(e.event.details).map(([k, v]) => (
                        <li key={k}>
                          {k}: {shown(v)}
                        </li>
                      ))}
                    </ul>
                  </td>
                </>
              ) : (
                <>
                  <td>
                    <span class="badge decision-rejected">{t('log.proofFailed')}</span>
                  </td>
                  <td colSpan={4}>{t('log.entryHidden', { reason: e.reason })}</td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
