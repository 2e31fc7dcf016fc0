import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import type { CheckedEntry } from './log-verification.js';

const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Entries, each shown only with the verdict of its inclusion proof. */
export function EntriesTable({
  entries,
  id,
  title,
  intro,
  anchored,
}: {
  entries: CheckedEntry[];
  id: string;
  title: string;
  intro: string;
  /** An entry whose entry-N anchor is on another table of the page (ids are unique). */
  anchored?: number;
}) {
  const { t, dateTime } = useI18n();
  return (
    <section aria-labelledby={`${id}-heading`} class={id}>
      <h2 id={`${id}-heading`}>{title}</h2>
      <p>{intro}</p>
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
            <tr
              key={e.index}
              id={e.index === anchored ? undefined : `entry-${e.index}`}
              class={e.verified ? undefined : 'unverified'}
            >
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
