import { Page } from '../components/page.js';
import { type MessageKey, useI18n } from '../i18n/i18n.js';

/** A menu entry for a capability whose API has not landed yet, so the navigation already has its shape. */
export function ComingLaterPage({ title }: { title: MessageKey }) {
  const { t } = useI18n();
  return (
    <Page title={t(title)}>
      <p>{t('page.comingLater')}</p>
    </Page>
  );
}
