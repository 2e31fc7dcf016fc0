import t from 'tap';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser, newVisitor } from './support/browser.js';
import { DEMO_APPLICATION, startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT);

// An anonymous visitor: the catalogue and the access register need no login, in Danish and English.
t.test('an anonymous visitor reads the catalogue and the access register', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const browser = await launchBrowser(t);
  const visitor = await newVisitor(browser, klarsyn.url);
  const { page } = visitor;
  const h1 = () => page.getByRole('heading', { level: 1 }).textContent();
  const nav = page.getByRole('navigation', { name: 'Hovedmenu' });

  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: 'Klarsyn' }).waitFor();
  t.equal(await page.locator('html').getAttribute('lang'), 'da', 'Danish for a Danish browser');
  t.same(
    await nav.getByRole('link').allTextContents(),
    ['Datakatalog', 'Adgangsregister', 'Gennemsigtighedslog'],
    'the public menu has no researcher, steward or admin entries',
  );
  t.ok(await page.getByRole('link', { name: 'Log ind' }).first().isVisible());
  await checkPage(t, visitor, 'public-01-home');

  await page.keyboard.press('Tab');
  t.equal(
    await page.evaluate(() => document.activeElement?.textContent),
    'Spring til indholdet',
    'skip link first',
  );
  await page.keyboard.press('Enter');
  t.equal(
    await page.evaluate(() => document.activeElement?.id),
    'main',
    'the skip link moves focus to the content',
  );

  await nav.getByRole('link', { name: 'Datakatalog' }).click();
  await page.getByRole('heading', { level: 1, name: 'Datakatalog' }).waitFor();
  t.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1', 'focus follows to the new page');
  t.equal(await nav.getByRole('link', { name: 'Datakatalog' }).getAttribute('aria-current'), 'page');
  const sources = page.locator('section.source h2');
  await sources.first().waitFor();
  t.equal(await sources.count(), 4, 'every source of the synthetic catalogue');
  const lmdb = page.getByRole('table', { name: 'Variable i lmdb' });
  t.match(await lmdb.textContent(), /pnr\s*CPR-nummer \(pseudonymiseret\)\s*direkte identifikator/);
  await checkPage(t, visitor, 'public-02-catalog');

  await page.getByLabel('Søg i kilder og variable').fill('diagnose');
  t.same(
    (await sources.allTextContents()).map((s) => s.split(' ').at(-1)),
    ['diagnoser', 'kontakter'],
    'search finds sources by name and by variable',
  );
  await page.getByLabel('Søg i kilder og variable').fill('');
  await page.getByLabel('Dataansvarlig myndighed').selectOption('DST');
  await page.getByLabel('Klassifikation').selectOption('direct_identifier');
  t.same(await page.locator('table tbody th').allTextContents(), ['pnr', 'mor_id', 'far_id', 'aegte_id']);
  await checkPage(t, visitor, 'public-03-catalog-filtered');

  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Data catalogue' }).waitFor();
  t.equal(await page.locator('html').getAttribute('lang'), 'en');
  t.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
  await checkPage(t, visitor, 'public-04-catalog-english');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Data catalogue' }).waitFor();
  t.pass('the language choice survives a reload');
  await page.getByRole('button', { name: 'Dansk' }).click();

  await page.getByRole('link', { name: 'Adgangsregister' }).first().click();
  await page.getByRole('heading', { level: 2, name: DEMO_APPLICATION.title }).waitFor();
  t.match(await page.getByRole('status').filter({ hasText: 'Projekter' }).textContent(), 'Projekter: 1');
  const entry = page.getByRole('article');
  t.match(await entry.textContent(), /godkendt/);
  t.match(await entry.textContent(), /Klarsyn demo university/);
  t.match(await entry.textContent(), /lmdb\.atc/);
  t.match(await entry.textContent(), /SDS: godkendt/);
  await checkPage(t, visitor, 'public-05-register');

  await page.getByLabel('Datakilde').selectOption('lmdb');
  await page.getByLabel('År').fill('2010');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.getByText('Projekter: 0').waitFor();
  t.match(page.url(), /\/register\?source=lmdb&year=2010$/, 'filters are in the address, for linking');
  await page.getByLabel('År').fill('2021');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.getByText('Projekter: 1').waitFor();
  await checkPage(t, visitor, 'public-06-register-filtered');

  await page.getByRole('link', { name: DEMO_APPLICATION.title }).click();
  await page.getByRole('heading', { level: 1, name: DEMO_APPLICATION.title }).waitFor();
  t.match(page.url(), /\/register\/[0-9a-f-]{36}$/);
  await checkPage(t, visitor, 'public-07-register-project');

  await nav.getByRole('link', { name: 'Gennemsigtighedslog' }).click();
  t.equal(await h1(), 'Gennemsigtighedslog');
  await checkPage(t, visitor, 'public-08-log');

  await page.goto('/projects');
  await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
  t.pass('a page for researchers asks an anonymous visitor to log in');
  await page.getByLabel('Brugernavn').fill('forsker');
  await page.getByLabel('Adgangskode').fill('not the password');
  await page.getByRole('button', { name: 'Log ind' }).click();
  t.match(await page.getByRole('alert').textContent(), /brugernavn eller adgangskode er forkert/);
  await checkPage(t, visitor, 'public-09-login-refused');

  await page.goto('/no/such/page');
  t.equal(await h1(), 'Siden findes ikke');
  await checkPage(t, visitor, 'public-10-not-found');
});
