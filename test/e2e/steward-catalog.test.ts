import t from 'tap';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser, newVisitor } from './support/browser.js';
import { loggedIn } from './support/people.js';
import { startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT);

// A steward keeps their authority's catalogue entries: the change is published at once, and a
// steward of another authority cannot make it.

t.test('a steward edits a source of their authority and the catalogue shows it', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const browser = await launchBrowser(t);
  const steward = await loggedIn(browser, klarsyn.url, 'steward-sds');
  const { page } = steward;

  await page.getByRole('link', { name: 'Vores katalogposter' }).click();
  const sources = page.getByRole('table', { name: 'Din myndigheds katalogposter' });
  await sources.getByRole('row').nth(1).waitFor();
  const authorities = await sources.locator('tbody td:first-of-type').allTextContents();
  t.ok(authorities.length > 0 && authorities.every((a) => a === 'SDS'), 'only SDS sources');
  await checkPage(t, steward, 'steward-catalog-01-sources');

  await sources.getByRole('row').filter({ hasText: 'lmdb' }).getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: /^Rediger / }).waitFor();
  t.ok(
    await page.getByLabel('Klassifikation af pnr').isDisabled(),
    'a CPR variable stays a direct identifier',
  );
  await page.getByLabel('Beskrivelse af atc').fill('ATC code of the redeemed drug (WHO), 7 characters');
  await checkPage(t, steward, 'steward-catalog-02-edit');
  await page.getByRole('button', { name: 'Gem og offentliggør' }).click();
  await page.getByText('Gemt og offentliggjort.').waitFor();
  const url = page.url();

  const visitor = await newVisitor(browser, klarsyn.url);
  await visitor.page.goto('/catalog');
  await visitor.page.getByText('ATC code of the redeemed drug (WHO), 7 characters').waitFor();
  t.pass('the public catalogue shows the new description');

  const other = await loggedIn(browser, klarsyn.url, 'steward-dst');
  await other.page.goto(new URL(url).pathname);
  await other.page.getByRole('button', { name: 'Gem og offentliggør' }).click();
  t.match(await other.page.getByRole('alert').textContent(), /only stewards of SDS/);
  await checkPage(t, other, 'steward-catalog-03-other-authority');
});
