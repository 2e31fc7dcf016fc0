import type { Application, Source } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

/**
 * An application as the applicant, the stewards and the register read it. With `authorities`,
 * only the variables of those authorities' sources are listed (a steward decides on those).
 */
export function ApplicationSummary({
  application: a,
  sources,
  authorities,
  headingLevel = 2,
}: {
  application: Application;
  sources: readonly Source[];
  authorities?: readonly string[];
  headingLevel?: 2 | 3;
}) {
  const { t, date } = useI18n();
  const H = `h${headingLevel}` as 'h2';
  const authorityOf = (source: string) => sources.find((s) => s.id === source)?.authority ?? '?';
  const variables = a.variables.filter((v) => !authorities || authorities.includes(authorityOf(v.source)));
  return (
    <div class="application">
      <dl class="facts">
        <dt>{t('apply.field.title')}</dt>
        <dd>{a.title}</dd>
        <dt>{t('apply.field.purpose')}</dt>
        <dd class="prose">{a.purpose}</dd>
        <dt>{t('apply.field.institution')}</dt>
        <dd>{a.institution}</dd>
        <dt>{t('apply.field.legalBasis')}</dt>
        <dd>{a.legalBasis}</dd>
        <dt>{t('apply.field.period')}</dt>
        <dd>
          {date(a.period.from)} – {date(a.period.to)}
        </dd>
        <dt>{t('apply.field.deletionDate')}</dt>
        <dd>{date(a.deletionDate)}</dd>
      </dl>
      <H>
        {authorities
          ? t('summary.variablesFor', { authorities: authorities.join(', ') })
          : t('summary.variables')}
      </H>
      <table>
        <caption class="visually-hidden">{t('summary.variables')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('summary.source')}</th>
            <th scope="col">{t('catalog.variable')}</th>
            <th scope="col">{t('summary.authority')}</th>
            <th scope="col">{t('summary.justification')}</th>
          </tr>
        </thead>
        <tbody>
          {variables.map((v) => (
            <tr key={`${v.source}.${v.variable}`}>
              <td>
                <code>{v.source}</code>
              </td>
              <th scope="row">
                <code>{v.variable}</code>
              </th>
              <td>{authorityOf(v.source)}</td>
              <td>{v.justification}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <H>{t('summary.cohort')}</H>
      <p>{t(`apply.match.${a.cohort.match}`)}</p>
      <ul>
        {a.cohort.criteria.map((c) => (
          <li key={`${c.source}.${c.variable}.${c.prefixes.join()}`}>
            {t('summary.criterion', {
              variable: `${c.source}.${c.variable}`,
              prefixes: c.prefixes.join(', '),
            })}
            {(c.from || c.to) && ` (${c.from ? date(c.from) : '…'} – ${c.to ? date(c.to) : '…'})`}
          </li>
        ))}
      </ul>
    </div>
  );
}
