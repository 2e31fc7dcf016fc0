import { randomUUID } from 'node:crypto';
import t from 'tap';
import { outboxPrefix } from '../../control-plane/src/storage/layout.js';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser } from './support/browser.js';
import { loggedIn } from './support/people.js';
import { DEMO_PASSWORD, startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT);

// A file of one row per person with CPR-shaped identifiers, submitted for release: the checks block
// it and quote the offending cells, but no page may show a CPR number (checkPage asserts it on each).

const ROWS_CSV = 'person,visits\n010190-1234,3\n020285-2345,1\n030370-3456,4\n';

async function call(url: string, path: string, token?: string, body?: object) {
  const res = await fetch(`${url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

t.test('a file quoting CPR numbers is shown blocked, the numbers masked', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const [project] = await call(klarsyn.url, '/api/v1/register/projects');
  const workspaceId = randomUUID();
  await klarsyn.store.put(`${outboxPrefix(project.id, workspaceId)}persons.csv`, Buffer.from(ROWS_CSV));
  const { accessToken } = await call(klarsyn.url, '/api/v1/auth/login', undefined, {
    username: 'forsker',
    password: DEMO_PASSWORD,
  });
  const draft = await call(klarsyn.url, `/api/v1/projects/${project.id}/release-requests`, accessToken, {
    workspaceId,
    files: ['persons.csv'],
    context: 'Visits per person',
  });
  await call(klarsyn.url, `/api/v1/release-requests/${draft.id}/submit`, accessToken, {});
  const browser = await launchBrowser(t);

  for (const username of ['forsker', 'reviewer1']) {
    const person = await loggedIn(browser, klarsyn.url, username);
    await person.page.goto(`/releases/${draft.id}`);
    const file = person.page
      .getByRole('table', { name: 'Filer' })
      .getByRole('row')
      .filter({ hasText: 'persons.csv' });
    await file.getByText('blokeret').waitFor();
    const main = (await person.page.locator('main').textContent()) ?? '';
    t.match(main, /••••••-••••/, `${username}: the quoted identifiers are masked`);
    t.notMatch(main, /010190|1234/, `${username}: no digit of them shows`);
    await checkPage(t, person, `release-privacy-${username}`);
  }
});
