import type { RoleGrant } from '../../api/types.js';
import { useI18n } from '../../i18n/i18n.js';

/** Roles in words, stewards with the authority they act for. */
export function RoleList({ roles }: { roles: RoleGrant[] }) {
  const { t } = useI18n();
  if (roles.length === 0) return <>{t('accounts.noRoles')}</>;
  return (
    <ul class="inline">
      {roles.map((g) => (
        <li key={`${g.role}:${g.authority ?? ''}`}>
          {t(`role.${g.role}`)}
          {g.authority && ` (${g.authority})`}
        </li>
      ))}
    </ul>
  );
}
