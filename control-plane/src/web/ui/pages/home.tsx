import { useSession } from '../api/session.js';
import { Page } from '../components/page.js';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';

/** What Klarsyn is, and where each kind of visitor goes next. */
export function HomePage() {
  const { t } = useI18n();
  const { principal, has } = useSession();
  return (
    <Page title={t('home.title')} intro={t('home.intro')}>
      <ul class="cards">
        <li>
          <h2>
            <Link href="/catalog">{t('nav.catalog')}</Link>
          </h2>
          <p>{t('home.catalog')}</p>
        </li>
        <li>
          <h2>
            <Link href="/register">{t('nav.register')}</Link>
          </h2>
          <p>{t('home.register')}</p>
        </li>
        {has('researcher') && (
          <li>
            <h2>
              <Link href="/apply">{t('nav.apply')}</Link>
            </h2>
            <p>{t('home.apply')}</p>
          </li>
        )}
        {has('steward') && (
          <li>
            <h2>
              <Link href="/steward">{t('nav.steward')}</Link>
            </h2>
            <p>{t('home.steward')}</p>
          </li>
        )}
        {has('admin') && (
          <li>
            <h2>
              <Link href="/admin/accounts">{t('nav.accounts')}</Link>
            </h2>
            <p>{t('home.accounts')}</p>
          </li>
        )}
        {principal === null && (
          <li>
            <h2>
              <Link href="/login">{t('auth.login')}</Link>
            </h2>
            <p>{t('home.login')}</p>
          </li>
        )}
      </ul>
    </Page>
  );
}
