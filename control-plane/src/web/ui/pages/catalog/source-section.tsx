import type { Authority, Source, Variable } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';
import { VariableNameCells, VariableTableHead } from './variable-table.js';

/** One data source with the variables the filter left, as a table a screen reader can navigate. */
export function SourceSection({
  source,
  variables,
  authority,
}: {
  source: Source;
  variables: Variable[];
  authority: Authority | undefined;
}) {
  const { t, date } = useI18n();
  const headingId = `source-${source.id}`;
  return (
    <section class="source" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {source.name} <code class="source-id">{source.id}</code>
      </h2>
      <dl class="facts">
        <dt>{t('catalog.authority')}</dt>
        <dd>{authority ? `${authority.code} – ${authority.name}` : source.authority}</dd>
        <dt>{t('catalog.coverage')}</dt>
        <dd>
          {date(source.coverage.from)} – {date(source.coverage.to)}
        </dd>
        {source.synthetic && (
          <>
            <dt>{t('catalog.data')}</dt>
            <dd>{t('catalog.synthetic')}</dd>
          </>
        )}
      </dl>
      {source.description && <p>{source.description}</p>}
      <table>
        <VariableTableHead sourceId={source.id} />
        <tbody>
          {variables.map((v) => (
            <tr key={v.name}>
              <VariableNameCells variable={v} />
              <td>
                <span class={`tag tag-${v.classification}`}>{t(`classification.${v.classification}`)}</span>
              </td>
              <td>{v.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
