import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import { useSession } from '../../api/session.js';
import type { Account } from '../../api/types.js';
import { ActionsColumnHeader } from '../../components/actions-column-header.js';
import { ErrorAlert, Loading } from '../../components/alerts.js';
import { Page } from '../../components/page.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';
import { RoleList } from './role-list.js';

/** Every account with its roles; disabling one ends its access at its next token refresh. */
export function AccountsPage() {
  const { t } = useI18n();
  const { principal } = useSession();
  const accounts = useResource(() => api<Account[]>('GET', '/api/v1/accounts/'), []);
  const [error, setError] = useState<unknown>();

  const setDisabled = async (account: Account, disabled: boolean) => {
    setError(undefined);
    try {
      await api<Account>('PATCH', `/api/v1/accounts/${account.id}`, { disabled });
      accounts.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={t('accounts.title')}>
      <p>
        <Link class="button" href="/admin/accounts/new">
          {t('accounts.new')}
        </Link>
      </p>
      {error !== undefined && <ErrorAlert error={error} />}
      {accounts.loading && !accounts.data && <Loading />}
      {accounts.error !== undefined && <ErrorAlert error={accounts.error} />}
      {accounts.data && (
        <table>
          <caption class="visually-hidden">{t('accounts.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('auth.username')}</th>
              <th scope="col">{t('accounts.displayName')}</th>
              <th scope="col">{t('accounts.roles')}</th>
              <th scope="col">{t('accounts.state')}</th>
              <ActionsColumnHeader />
            </tr>
          </thead>
          <tbody>
            {accounts.data.map((a) => (
              <tr key={a.id}>
                <th scope="row">{a.username}</th>
                <td>{a.displayName}</td>
                <td>
                  <RoleList roles={a.roles} />
                </td>
                <td>{t(a.disabled ? 'accounts.disabled' : 'accounts.active')}</td>
                <td>
                  {a.id !== principal?.accountId && (
                    <button type="button" class="secondary" onClick={() => setDisabled(a, !a.disabled)}>
                      {t(a.disabled ? 'accounts.enable' : 'accounts.disable', { user: a.username })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
