import { useSession } from '../api/session.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, navigate, useLocation } from '../router.js';

/** Who is signed in, with which roles, and the way out; or the way in. */
export function AccountMenu() {
  const { t } = useI18n();
  const { principal, logout } = useSession();
  const { path } = useLocation();
  if (principal === undefined) return null;
  if (principal === null) {
    if (path === '/login') return null;
    return (
      <Link class="button secondary" href={`/login?next=${encodeURIComponent(path)}`}>
        {t('auth.login')}
      </Link>
    );
  }
  const roles = principal.roles
    .map((r) =>
      r === 'steward' ? `${t('role.steward')} (${principal.authorities.join(', ')})` : t(`role.${r}`),
    )
    .join(', ');
  return (
    <div class="account-menu">
      <span>
        {t('auth.signedInAs', { user: principal.username })} <span class="roles">({roles})</span>
      </span>
      <button
        type="button"
        class="secondary"
        onClick={async () => {
          await logout();
          navigate('/');
        }}
      >
        {t('auth.logout')}
      </button>
    </div>
  );
}
