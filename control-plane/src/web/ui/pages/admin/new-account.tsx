import { useState } from 'preact/hooks';
import { api } from '../../api/client.js';
import type { Account, Authority, Role, RoleGrant } from '../../api/types.js';
import { ErrorAlert } from '../../components/alerts.js';
import { Fieldset, ProblemSummary, TextField } from '../../components/fields.js';
import { Page } from '../../components/page.js';
import { type Problems, problem } from '../../components/problem.js';
import { useResource } from '../../components/use-resource.js';
import { useI18n } from '../../i18n/i18n.js';
import { navigate } from '../../router.js';

/** Roles that need no authority; stewards are granted per authority below. */
const PLAIN_ROLES: readonly Exclude<Role, 'steward'>[] = ['researcher', 'reviewer', 'admin'];

/** A new local account with its roles. Without a password it can only sign in through the institution. */
export function NewAccountPage() {
  const { t } = useI18n();
  const authorities = useResource(() => api<Authority[]>('GET', '/api/v1/catalog/authorities'), []);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [grants, setGrants] = useState<RoleGrant[]>([]);
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>();

  const has = (g: RoleGrant) => grants.some((x) => x.role === g.role && x.authority === g.authority);
  const toggle = (g: RoleGrant, on: boolean) =>
    setGrants(
      on ? [...grants, g] : grants.filter((x) => !(x.role === g.role && x.authority === g.authority)),
    );

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Problems = {};
    if (!username.trim()) found.username = problem('accounts.problem.username');
    if (!displayName.trim()) found.displayName = problem('accounts.problem.displayName');
    if (password && password.length < 12) found.password = problem('accounts.problem.password');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setError(undefined);
    try {
      await api<Account>('POST', '/api/v1/accounts/', {
        username: username.trim().toLowerCase(),
        displayName: displayName.trim(),
        ...(password ? { password } : {}),
        roles: grants,
      });
      navigate('/admin/accounts');
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Page title={t('accounts.new')}>
      <form onSubmit={submit} noValidate class="narrow">
        <ProblemSummary problems={problems} />
        {error !== undefined && <ErrorAlert error={error} />}
        <TextField
          id="username"
          label={t('auth.username')}
          hint={t('accounts.hint.username')}
          value={username}
          onValue={setUsername}
          problem={problems.username}
          maxLength={64}
          autocomplete="off"
        />
        <TextField
          id="displayName"
          label={t('accounts.displayName')}
          value={displayName}
          onValue={setDisplayName}
          problem={problems.displayName}
          maxLength={200}
          autocomplete="off"
        />
        <TextField
          id="password"
          type="password"
          label={t('auth.password')}
          hint={t('accounts.hint.password')}
          value={password}
          onValue={setPassword}
          problem={problems.password}
          autocomplete="new-password"
        />
        <Fieldset legend={t('accounts.roles')}>
          {PLAIN_ROLES.map((role) => (
            <div class="choice" key={role}>
              <input
                type="checkbox"
                id={`role-${role}`}
                checked={has({ role })}
                onChange={(e) => toggle({ role }, e.currentTarget.checked)}
              />
              <label for={`role-${role}`}>{t(`role.${role}`)}</label>
            </div>
          ))}
          {authorities.data?.map((a) => (
            <div class="choice" key={a.code}>
              <input
                type="checkbox"
                id={`role-steward-${a.code}`}
                checked={has({ role: 'steward', authority: a.code })}
                onChange={(e) => toggle({ role: 'steward', authority: a.code }, e.currentTarget.checked)}
              />
              <label for={`role-steward-${a.code}`}>{t('accounts.stewardOf', { authority: a.code })}</label>
            </div>
          ))}
        </Fieldset>
        <button type="submit">{t('accounts.create')}</button>
      </form>
    </Page>
  );
}
