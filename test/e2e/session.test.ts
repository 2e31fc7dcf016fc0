import t from 'tap';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser } from './support/browser.js';
import { loggedIn, menu } from './support/people.js';
import { startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT);

// The access token lives only in the page's memory and lasts 30 s here; the page renews it through
// the httpOnly refresh cookie before it lapses, so a person working on is never asked to log in again.
t.test('the session outlives its access token by silent refresh, in two tabs at once', async (t) => {
  const klarsyn = await startKlarsyn(t, { 'auth.accessTokenTtlSeconds': 30 });
  const browser = await launchBrowser(t);
  const researcher = await loggedIn(browser, klarsyn.url, 'forsker');
  const first = researcher.page;
  // A second tab shares the cookie, and refresh tokens are spent on use: the tabs take turns
  // renewing (a Web Lock), so neither presents a cookie the other has already spent.
  const second = await researcher.context.newPage();
  await second.goto('/projects');
  await second.getByRole('heading', { level: 1, name: 'Mine projekter' }).waitFor();

  await first.waitForTimeout(35_000);
  for (const page of [first, second]) {
    await page.getByRole('link', { name: 'Mine projekter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mine projekter' }).waitFor();
    await page.getByRole('row').nth(1).waitFor();
  }
  t.ok(
    researcher.tokens.length >= 4,
    `tokens were renewed in both tabs (${researcher.tokens.length} issued)`,
  );
  t.same(await menu(researcher), [
    'Datakatalog',
    'Adgangsregister',
    'Gennemsigtighedslog',
    'Ansøg',
    'Mine projekter',
    'Arbejdsområder',
  ]);
  await checkPage(t, researcher, 'session-01-after-token-lifetime');

  await first.getByRole('link', { name: 'Arbejdsområder' }).click();
  await first.getByRole('heading', { level: 2, name: /Antidepressant use/ }).waitFor();
  await first.getByRole('button', { name: 'Start et arbejdsområde' }).waitFor();
  await checkPage(t, researcher, 'session-02-workspaces');
});
