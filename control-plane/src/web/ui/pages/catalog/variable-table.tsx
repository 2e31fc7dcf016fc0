import type { Variable } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

/**
 * The caption and columns of a source's table of variables, the same where the catalogue shows it
 * and where a steward edits it; each row starts with VariableNameCells, so they change together.
 */
export function VariableTableHead({ sourceId }: { sourceId: string }) {
  const { t } = useI18n();
  return (
    <>
      <caption>{t('catalog.variablesOf', { source: sourceId })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('catalog.variable')}</th>
          <th scope="col">{t('catalog.type')}</th>
          <th scope="col">{t('catalog.classification')}</th>
          <th scope="col">{t('catalog.description')}</th>
        </tr>
      </thead>
    </>
  );
}

/** A variable's name, heading its row, and its type. */
export function VariableNameCells({ variable }: { variable: Variable }) {
  const { t } = useI18n();
  return (
    <>
      <th scope="row">
        <code>{variable.name}</code>
      </th>
      <td>{t(`type.${variable.type}`)}</td>
    </>
  );
}
