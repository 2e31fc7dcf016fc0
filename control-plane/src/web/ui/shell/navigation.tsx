import { useSession } from '../api/session.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, useLocation } from '../router.js';
import { ROUTES } from '../routes.js';

/** The main menu: public pages for everyone, then the pages the person's roles open. */
export function Navigation() {
  const { t } = useI18n();
  const { has } = useSession();
  const { path } = useLocation();
  const entries = ROUTES.filter((r) => r.nav && (!r.roles || r.roles.some(has)));
  // The deepest entry the address is under is the current page (/steward/catalog, not /steward).
  const current = entries
    .filter((r) => path === r.path || path.startsWith(`${r.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return (
    <nav aria-label={t('nav.label')} class="main-nav">
      <ul>
        {entries.map((r) => {
          const here = r === current;
          return (
            <li key={r.path}>
              <Link href={r.path} aria-current={here ? 'page' : undefined}>
                {t(r.nav as NonNullable<typeof r.nav>)}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
