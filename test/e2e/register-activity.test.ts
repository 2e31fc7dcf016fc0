import t from 'tap';
import { TransparencyLog } from '../../audit/store/transparency-log.js';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser, newVisitor } from './support/browser.js';
import { DEMO_APPLICATION, startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT);

// The register shows what a project did, from the transparency log: each item opens the log page
// at its entry, where the visitor's browser proves that entry. A forged proof shows as a failure.

const MANIFEST = 'b'.repeat(64);

async function logSize(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/log/checkpoint`);
  return res.ok ? Number((await res.text()).split('\n')[1]) : 0;
}

async function settledLog(url: string, atLeast: number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const size = await logSize(url);
    if (size >= atLeast) return size;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the log did not reach ${atLeast} entries`);
}

t.test('a visitor follows a project activity to its proven log entries', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const before = await settledLog(klarsyn.url, 1);
  const [project] = (await (await fetch(`${klarsyn.url}/api/v1/register/projects`)).json()) as {
    id: string;
  }[];
  const id = project?.id as string;
  // The event an extract leaves in the log (the extract flow itself is tested elsewhere; releases in
  // the whole-flow test).
  await new TransparencyLog().appendMany(
    [
      {
        type: 'extract.published',
        actor: 'system',
        project: id,
        subject: 'extract:e2e',
        details: {
          version: 1,
          sources: ['bef', 'lmdb'],
          variables: ['bef.koen', 'lmdb.atc'],
          rows: 1234,
          cohort_size: 321,
          manifest_sha256: MANIFEST,
          key_version: 1,
        },
      },
    ],
    klarsyn.pool,
  );
  const size = await settledLog(klarsyn.url, before + 1);
  const browser = await launchBrowser(t);
  const visitor = await newVisitor(browser, klarsyn.url);
  const { page } = visitor;

  await page.goto('/register');
  await page.getByRole('heading', { level: 2, name: DEMO_APPLICATION.title }).waitFor();
  await page.getByLabel('Søg', { exact: true }).fill('no such words here');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.getByText('Projekter: 0').waitFor();
  t.match(page.url(), /q=no\+such\+words\+here/, 'the search is in the address');
  await page.getByLabel('Søg', { exact: true }).fill(DEMO_APPLICATION.title.split(' ').slice(0, 2).join(' '));
  await page.getByLabel('Institution').fill('demo university');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.getByText('Projekter: 1').waitFor();
  await checkPage(t, visitor, 'activity-01-register-search');

  await page.getByRole('link', { name: DEMO_APPLICATION.title }).click();
  const activity = page.getByRole('table', { name: 'Aktivitet' });
  await activity.waitFor();
  const text = await activity.textContent();
  t.match(text, /Udtræk offentliggjort.*rows: 1234/, 'the extract with its facts');
  t.match(text, new RegExp(`manifest_sha256: ${MANIFEST}`), 'and its manifest hash');
  t.match(text, /Afgørelse fra en dataansvarlig myndighed/, 'the decisions too');
  t.notMatch(text, /account:/, 'nobody is named');
  await checkPage(t, visitor, 'activity-02-project');

  await page.getByLabel('Vis').selectOption('extract');
  t.equal(await activity.locator('tbody tr').count(), 1, 'filtered to extracts');
  await checkPage(t, visitor, 'activity-03-extracts-only');

  const link = activity.getByRole('row').filter({ hasText: 'Udtræk offentliggjort' }).getByRole('link');
  const extractIndex = Number((await link.textContent())?.slice(1));
  t.ok(extractIndex > 0 && extractIndex < (await logSize(klarsyn.url)), 'the link names an entry of the log');
  t.equal(await link.getAttribute('aria-label'), `Efterprøv post ${extractIndex} i loggen`);
  // By keyboard: the link takes focus and Enter follows it.
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 2, name: `Post ${extractIndex}` }).waitFor();
  const chosen = page.locator('section.chosen-entry');
  await chosen.getByText('efterprøvet').waitFor();
  t.match(await chosen.textContent(), /extract\.published.*manifest_sha256/, 'proven in the browser');
  t.match(page.url(), new RegExp(`/log\\?entry=${extractIndex}$`));
  await checkPage(t, visitor, 'activity-04-log-entry-proven');

  // Someone in between alters the entry: the browser shows the proof failing, not the event.
  const forged = await newVisitor(browser, klarsyn.url);
  await forged.page.route(`**/api/v1/log/entries/${extractIndex}?*`, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.data = Buffer.from(
      Buffer.from(body.data, 'base64').toString('utf8').replace('"rows":1234', '"rows":1235'),
    ).toString('base64');
    await route.fulfill({ response: res, json: body });
  });
  await forged.page.goto(`/log?entry=${extractIndex}`);
  const forgedEntry = forged.page.locator('section.chosen-entry');
  await forgedEntry.getByText('bevis fejlede').waitFor();
  t.notMatch(await forgedEntry.textContent(), /1235/, 'the altered entry is not shown');
  await checkPage(t, forged, 'activity-05-log-entry-forged');

  await page.goto(`/log?entry=${size + 1000}`);
  await page.getByText(`Post ${size + 1000} er endnu ikke med`).waitFor();
  await checkPage(t, visitor, 'activity-06-log-entry-beyond');
});
