import type { RegisteredProject } from '../../api/types.js';
import { StatusBadge } from '../../components/status-badge.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';

/** One project of the access register: who uses which data, for what, when, and who approved. */
export function RegisterEntry({
  project: p,
  headingLevel,
}: {
  project: RegisteredProject;
  headingLevel: 1 | 2;
}) {
  const { t, date } = useI18n();
  const headingId = `project-${p.id}`;
  return (
    <article class="register-entry" aria-labelledby={headingLevel === 2 ? headingId : undefined}>
      {headingLevel === 2 && (
        <h2 id={headingId}>
          <Link href={`/register/${p.id}`}>{p.title}</Link>
        </h2>
      )}
      <p class="status-line">
        <StatusBadge status={p.status} /> {p.institution}
      </p>
      <p class="prose">{p.purpose}</p>
      <dl class="facts">
        <dt>{t('apply.field.legalBasis')}</dt>
        <dd>{p.legalBasis}</dd>
        <dt>{t('apply.field.period')}</dt>
        <dd>
          {date(p.period.from)} – {date(p.period.to)}
        </dd>
        {p.deletionDate && (
          <>
            <dt>{t('apply.field.deletionDate')}</dt>
            <dd>{date(p.deletionDate)}</dd>
          </>
        )}
        <dt>{t('projects.authorities')}</dt>
        <dd>{p.authorities.join(', ')}</dd>
        <dt>{t('register.sources')}</dt>
        <dd>{p.sources.join(', ')}</dd>
        <dt>{t('summary.variables')}</dt>
        <dd>
          <ul class="inline code-list">
            {p.variables.map((v) => (
              <li key={v}>
                <code>{v}</code>
              </li>
            ))}
          </ul>
        </dd>
        {p.decisions && p.decisions.length > 0 && (
          <>
            <dt>{t('decisions.title')}</dt>
            <dd>
              <ul class="plain">
                {p.decisions.map((d) => (
                  <li key={d.authority}>
                    {d.authority}: {t(`decisions.${d.decision}`)} ({date(d.decidedAt)}) – {d.reason}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
        {p.releases && p.releases.length > 0 && (
          <>
            <dt>{t('register.releases')}</dt>
            <dd>
              <ul class="plain">
                {p.releases.flatMap((r) =>
                  r.files.map((f) => (
                    <li key={`${r.id}-${f.name}`}>
                      {f.name} ({date(r.releasedAt)}) <code class="hash">{f.sha256}</code>
                    </li>
                  )),
                )}
              </ul>
            </dd>
          </>
        )}
      </dl>
    </article>
  );
}
