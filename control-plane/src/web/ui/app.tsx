import { SessionProvider, useSession } from './api/session.js';
import { Loading } from './components/alerts.js';
import { Page } from './components/page.js';
import { I18nProvider, useI18n } from './i18n/i18n.js';
import { LoginPage } from './pages/login.js';
import { Link, match, useLocation } from './router.js';
import { ROUTES } from './routes.js';
import { AccountMenu } from './shell/account-menu.js';
import { LanguageSwitch } from './shell/language-switch.js';
import { Navigation } from './shell/navigation.js';

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </I18nProvider>
  );
}

function Shell() {
  const { t } = useI18n();
  return (
    <>
      <a class="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header class="site-header">
        <div class="brand">
          <Link href="/" class="brand-name">
            Klarsyn
          </Link>
          <span class="tagline">{t('app.tagline')}</span>
        </div>
        <div class="header-tools">
          <LanguageSwitch />
          <AccountMenu />
        </div>
        <Navigation />
      </header>
      <main id="main" tabIndex={-1}>
        <CurrentPage />
      </main>
      <footer class="site-footer">
        <p>{t('app.footer')}</p>
        <p>
          <a href="/docs">{t('app.apiDocs')}</a>
        </p>
      </footer>
    </>
  );
}

/** The page for the URL, or the login form / a refusal when the person's roles do not open it. */
function CurrentPage() {
  const { t } = useI18n();
  const { principal, has } = useSession();
  const { path } = useLocation();
  for (const route of ROUTES) {
    const params = match(route.path, path);
    if (!params) continue;
    if (!route.roles) return route.render(params);
    if (principal === undefined) return <Loading />;
    if (principal === null) return <LoginPage />;
    if (!route.roles.some(has)) {
      return (
        <Page title={t('page.forbidden.title')}>
          <p>{t('page.forbidden.text')}</p>
        </Page>
      );
    }
    return route.render(params);
  }
  return (
    <Page title={t('page.notFound.title')}>
      <p>{t('page.notFound.text')}</p>
      <p>
        <Link href="/">{t('page.notFound.home')}</Link>
      </p>
    </Page>
  );
}
