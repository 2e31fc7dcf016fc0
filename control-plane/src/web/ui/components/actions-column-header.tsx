import { useI18n } from '../i18n/i18n.js';

/** The header of a table's column of buttons: hidden on screen, named for screen readers. */
export function ActionsColumnHeader() {
  const { t } = useI18n();
  return (
    <th scope="col">
      <span class="visually-hidden">{t('accounts.actions')}</span>
    </th>
  );
}
