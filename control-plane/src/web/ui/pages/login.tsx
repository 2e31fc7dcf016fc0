import { useState } from 'preact/hooks';
import { useSession } from '../api/session.js';
import { ErrorAlert } from '../components/alerts.js';
import { Page } from '../components/page.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, useLocation } from '../router.js';

/** Only same-site paths are followed after login, so a crafted link cannot send people elsewhere. */
function safeNext(next: string | null, here: string): string {
  const target = next ?? (here === '/login' ? '/' : here);
  return target.startsWith('/') && !target.startsWith('//') ? target : '/';
}

/** The login form; also shown in place of a page that needs a signed-in person. */
export function LoginPage() {
  const { t } = useI18n();
  const { login } = useSession();
  const { path, query } = useLocation();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      await login(String(form.get('username')), String(form.get('password')));
      navigate(safeNext(query.get('next'), path), { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={t('auth.login')} intro={path === '/login' ? undefined : t('auth.needed')}>
      {error !== undefined && <ErrorAlert error={error} />}
      <form class="narrow" onSubmit={submit}>
        <div class="field">
          <label for="username">{t('auth.username')}</label>
          <input id="username" name="username" autocomplete="username" required maxLength={64} />
        </div>
        <div class="field">
          <label for="password">{t('auth.password')}</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button type="submit" disabled={busy}>
          {t('auth.login')}
        </button>
      </form>
    </Page>
  );
}
