import t from 'tap';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser } from './support/browser.js';
import { loggedIn, menu } from './support/people.js';
import { startKlarsyn } from './support/server.js';

// Account administration in the browser: an admin grants roles, and the account works at once.
t.setTimeout(BROWSER_TEST_TIMEOUT);
const PUBLIC_MENU = ['Datakatalog', 'Adgangsregister', 'Gennemsigtighedslog'];

t.test('an administrator creates an account with roles, and it can log in', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const browser = await launchBrowser(t);
  const admin = await loggedIn(browser, klarsyn.url, 'admin');
  const { page } = admin;
  t.same(await menu(admin), [...PUBLIC_MENU, 'Konti', 'Skabeloner', 'Outputprofiler']);
  await page.getByRole('link', { name: 'Konti' }).first().click();
  const accounts = page.getByRole('table', { name: 'Konti' });
  await accounts.getByRole('row').filter({ hasText: 'steward-dst' }).waitFor();
  t.match(
    await accounts.getByRole('row').filter({ hasText: 'steward-dst' }).textContent(),
    /dataansvarlig \(DST\)/,
  );
  await checkPage(t, admin, 'admin-01-accounts');

  await page.getByRole('link', { name: 'Ny konto' }).click();
  await page.getByLabel('Brugernavn').fill('Ny-Forsker');
  await page.getByLabel('Navn', { exact: true }).fill('Ny forsker');
  await page.getByLabel('Adgangskode').fill('short');
  await page.getByRole('button', { name: 'Opret konto' }).click();
  t.match(await page.getByRole('alert').textContent(), /mindst 12 tegn/);
  await page.getByLabel('Adgangskode').fill('klarsyn-demo-2026');
  await page.getByLabel('forsker', { exact: true }).check();
  await page.getByLabel('dataansvarlig for SDS').check();
  await checkPage(t, admin, 'admin-02-new-account');
  await page.getByRole('button', { name: 'Opret konto' }).click();
  const created = accounts.getByRole('row').filter({ hasText: 'ny-forsker' });
  await created.waitFor();
  t.match(await created.textContent(), /forsker.*dataansvarlig \(SDS\).*aktiv/);
  await checkPage(t, admin, 'admin-03-account-created');

  const newcomer = await loggedIn(browser, klarsyn.url, 'ny-forsker');
  t.same(await menu(newcomer), [
    ...PUBLIC_MENU,
    'Ansøg',
    'Mine projekter',
    'Arbejdsområder',
    'Ansøgninger til afgørelse',
    'Vores katalogposter',
  ]);

  await created.getByRole('button', { name: 'Spær ny-forsker' }).click();
  await created.getByText('spærret').waitFor();
  t.pass('an account can be disabled');
});

t.test('an administrator reads the workspace templates and the output-control profiles', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const browser = await launchBrowser(t);
  const admin = await loggedIn(browser, klarsyn.url, 'admin');
  const { page } = admin;

  await page.getByRole('link', { name: 'Skabeloner' }).click();
  const templates = page.getByRole('table', { name: 'Skabeloner for arbejdsområder' });
  const jupyter = templates.getByRole('row').filter({ hasText: 'jupyter' }).first();
  await jupyter.waitFor();
  t.match(await jupyter.textContent(), /interaktiv.*jupyterlab.*8Gi.*stopper efter 60 minutter uden brug/);
  t.match(
    await templates.getByRole('row').filter({ hasText: 'batch' }).first().textContent(),
    /kørsel.*script/,
  );
  await checkPage(t, admin, 'admin-04-templates');

  await page.getByRole('link', { name: 'Outputprofiler' }).click();
  const sds = page.getByRole('region', { name: 'sds' });
  await sds.waitFor();
  t.match(await sds.textContent(), /Bruges afSDS/);
  t.match(await sds.textContent(), /Mindste antal i en celle5/);
  t.match(await sds.textContent(), /blokeres når de 2 største bidrag udgør mere end 90 % af summen/);
  t.equal(await page.locator('section.profile').count(), 4, 'every profile file');
  await checkPage(t, admin, 'admin-05-profiles');

  const researcher = await loggedIn(browser, klarsyn.url, 'forsker');
  await researcher.page.goto('/admin/profiles');
  await researcher.page.getByRole('heading', { level: 1, name: 'Ikke for din rolle' }).waitFor();
  t.pass("the admin's views are not in a researcher's reach");
});
