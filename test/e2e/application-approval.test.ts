import t from 'tap';
import { writeRegisterFixtures } from '../support/register-fixtures.js';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser, newVisitor } from './support/browser.js';
import { loggedIn, menu } from './support/people.js';
import { startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT);

// The application flow in a real browser: a researcher applies, the two authorities whose data
// the application touches approve, and the project shows approved to the researcher and the public.
const TITLE = 'Statin use and hip fracture in older adults';
const PUBLIC_MENU = ['Datakatalog', 'Adgangsregister', 'Gennemsigtighedslog'];
const year = new Date().getUTCFullYear();

t.test('a researcher applies, two stewards approve, the project is approved', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const browser = await launchBrowser(t);

  const researcher = await loggedIn(browser, klarsyn.url, 'forsker');
  let page = researcher.page;
  t.same(await menu(researcher), [...PUBLIC_MENU, 'Ansøg', 'Mine projekter', 'Arbejdsområder']);
  t.match(await page.locator('header').textContent(), /forsker/);
  await checkPage(t, researcher, 'researcher-01-home');

  await page.getByRole('link', { name: 'Ansøg' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Søg om data' }).waitFor();
  await page.getByRole('button', { name: 'Næste' }).click();
  const problems = page.getByRole('alert');
  t.match(await problems.textContent(), /Der er et problem.*Giv projektet en titel/);
  t.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('role')),
    'alert',
    'focus on the problems',
  );
  t.equal(await page.getByLabel('Titel').getAttribute('aria-invalid'), 'true');
  await checkPage(t, researcher, 'researcher-02-apply-problems');

  await page.getByLabel('Titel').fill(TITLE);
  await page
    .getByLabel('Formål')
    .fill('Estimate the risk of hip fracture among statin users aged 65 and over.');
  await page.getByLabel('Institution').fill('University of Southern Denmark');
  await page
    .getByLabel('Retsgrundlag')
    .fill('GDPR art. 6(1)(e) and 9(2)(j); Danish Data Protection Act § 10');
  await checkPage(t, researcher, 'researcher-03-apply-project');
  await page.getByRole('button', { name: 'Næste' }).click();

  await page.getByRole('heading', { name: 'Trin 2 af 5: Periode' }).waitFor();
  await page.getByLabel('Fra', { exact: true }).fill('2019-01-01');
  await page.getByLabel('Til', { exact: true }).fill('2023-12-31');
  await page.getByLabel('Sletningsdato').fill(`${year - 1}-01-01`);
  await page.getByRole('button', { name: 'Næste' }).click();
  t.match(
    await problems.textContent(),
    /Sletningsdatoen skal ligge i fremtiden/,
    'checked before the API sees it',
  );
  await page.getByLabel('Sletningsdato').fill(`${year + 2}-12-31`);
  await checkPage(t, researcher, 'researcher-04-apply-period');
  await page.getByRole('button', { name: 'Næste' }).click();

  await page.getByRole('heading', { name: 'Trin 3 af 5: Variable' }).waitFor();
  const choose = async (key: string, justification?: string) => {
    await page.locator(`[id="choose-${key}"]`).check();
    if (justification) await page.locator(`[id="justification-${key}"]`).fill(justification);
  };
  await choose('lmdb.pnr', 'link prescriptions to persons');
  await choose('lmdb.atc', 'identify statins (C10AA)');
  await choose('bef.koen', 'adjust for sex');
  await choose('bef.foed_dag');
  await page.getByRole('button', { name: 'Næste' }).click();
  t.match(await problems.textContent(), /Begrund bef\.foed_dag/, 'every variable needs its justification');
  t.match(
    await page.locator('[id="justification-lmdb.pnr-hint"]').textContent(),
    /aldrig CPR-nummeret/,
    'a CPR variable says it is pseudonymised',
  );
  await page.locator('[id="justification-bef.foed_dag"]').fill('age at baseline');
  await checkPage(t, researcher, 'researcher-05-apply-variables');
  await page.getByRole('button', { name: 'Næste' }).click();

  await page.getByRole('heading', { name: 'Trin 4 af 5: Population' }).waitFor();
  await page.getByLabel('Kodevariabel').selectOption('diagnoser.diagnosekode');
  await page.getByLabel('Kodepræfikser').fill('de11, dm80 ds72');
  await checkPage(t, researcher, 'researcher-06-apply-cohort');
  await page.getByRole('button', { name: 'Næste' }).click();

  await page.getByRole('heading', { name: 'Trin 5 af 5: Gennemse' }).waitFor();
  const review = await page.locator('main').textContent();
  t.match(review, /diagnoser\.diagnosekode, der begynder med DE11, DM80, DS72/, 'prefixes normalised');
  t.match(review, /age at baseline/);
  await checkPage(t, researcher, 'researcher-07-apply-review');
  await page.getByRole('button', { name: 'Gem kladde' }).click();

  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  t.match(await page.getByRole('status').first().textContent(), /Kladden er gemt/);
  t.match(await page.locator('.status-line').textContent(), /kladde/);
  await checkPage(t, researcher, 'researcher-08-project-draft');
  await page.getByRole('button', { name: 'Indsend til godkendelse' }).click();
  await page.getByText('Ansøgningen er indsendt').waitFor();
  t.match(await page.locator('.status-line').textContent(), /indsendt/);
  t.same(await page.locator('table.decisions tbody tr').allTextContents(), [
    'DSTafventer afgørelse',
    'SDSafventer afgørelse',
  ]);
  await checkPage(t, researcher, 'researcher-09-project-submitted');

  for (const [username, authority, after] of [
    ['steward-sds', 'SDS', 'delvist godkendt'],
    ['steward-dst', 'DST', 'godkendt'],
  ] as const) {
    const steward = await loggedIn(browser, klarsyn.url, username);
    const sp = steward.page;
    t.same(
      await menu(steward),
      [...PUBLIC_MENU, 'Ansøgninger til afgørelse', 'Vores katalogposter'],
      `${username}: a steward's menu`,
    );
    await sp.getByRole('link', { name: 'Ansøgninger til afgørelse' }).first().click();
    const waiting = sp.getByRole('table').first();
    await waiting.getByRole('link', { name: TITLE }).waitFor();
    await checkPage(t, steward, `${username}-01-queue`);

    await waiting.getByRole('link', { name: TITLE }).click();
    await sp.getByRole('heading', { level: 1, name: TITLE }).waitFor();
    const requested = await sp
      .getByRole('table', { name: 'Ansøgte variable' })
      .locator('tbody tr')
      .allTextContents();
    t.ok(
      requested.length > 0 && requested.every((row) => row.includes(authority)),
      `${username} sees the variables of ${authority}'s sources with their justifications`,
    );
    t.match(requested.join('\n'), authority === 'SDS' ? /atcSDSidentify statins/ : /koenDSTadjust for sex/);
    await sp.getByRole('button', { name: `Registrer afgørelsen for ${authority}` }).click();
    t.match(await sp.getByRole('alert').textContent(), /Vælg godkend eller afvis/);
    await sp.getByLabel('Godkend').check();
    await sp.getByLabel('Begrundelse').fill(`${authority}: proportionate and justified`);
    await checkPage(t, steward, `${username}-02-decision`);
    await sp.getByRole('button', { name: `Registrer afgørelsen for ${authority}` }).click();
    await sp.getByText('Afgørelsen er registreret.').waitFor();
    t.match(await sp.locator('.status-line').textContent(), after);
    await checkPage(t, steward, `${username}-03-decided`);

    await sp.goto('/apply');
    await sp.getByRole('heading', { level: 1, name: 'Ikke for din rolle' }).waitFor();
    t.pass(`${username} cannot open the researcher's pages`);
  }

  await page.getByRole('link', { name: 'Mine projekter' }).click();
  const row = page.getByRole('row').filter({ hasText: TITLE });
  await row.waitFor();
  t.match(await row.textContent(), /godkendt.*DST: godkendt.*SDS: godkendt/);
  await checkPage(t, researcher, 'researcher-10-my-projects');
  await row.getByRole('link', { name: TITLE }).click();
  await page.getByText('SDS: proportionate and justified').waitFor();
  await checkPage(t, researcher, 'researcher-11-project-approved');

  // The approved scope becomes an extract; the page shows its manifest, never its rows.
  await writeRegisterFixtures(klarsyn.store);
  await page.getByRole('button', { name: 'Lav et nyt udtræk' }).click();
  const extract = page.getByRole('article').filter({ hasText: 'Version 1' });
  await extract.getByText('offentliggjort').waitFor({ timeout: 300_000 });
  const manifest = await extract.textContent();
  t.match(manifest, /lmdb.*pnr: personpseudonym/, 'the CPR column is a pseudonym');
  t.match(manifest, /Personer i populationen\s*[1-9]/, 'the cohort found the persons with DE11');
  t.match(manifest, /Manifestets SHA-256:\s*[0-9a-f]{64}/);
  await checkPage(t, researcher, 'researcher-12-extract');

  // A workspace on that extract. Whether it can start depends on the host (the local runtime
  // needs JupyterLab installed); either way the page must show the platform's answer.
  const workspaces = page.locator('section.workspaces');
  await workspaces.getByRole('button', { name: 'Start et arbejdsområde' }).click();
  const started = workspaces
    .getByRole('row')
    .nth(1)
    .getByText(/bestilt|starter|kører/);
  const refused = workspaces.getByRole('alert');
  await started.or(refused).waitFor();
  if (await refused.isVisible()) {
    t.comment(`launch refused on this host: ${await refused.textContent()}`);
    t.match(
      await refused.textContent(),
      /Det er ikke muligt i den nuværende tilstand\..+/,
      'the reason is shown',
    );
  } else {
    t.ok(
      await workspaces.getByRole('button', { name: /^Stop / }).isVisible(),
      'a launched workspace can be stopped',
    );
  }
  await checkPage(t, researcher, 'researcher-13-workspace');

  // The access token lives in memory only; a reload keeps the session through the httpOnly cookie.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  t.ok(researcher.tokens.length >= 2, 'the reload was answered by a silent refresh');
  t.notMatch(await page.evaluate(() => document.cookie), /klarsyn_refresh/, 'the refresh cookie is httpOnly');
  await checkPage(t, researcher, 'researcher-14-after-reload');
  await page.getByRole('button', { name: 'Log ud' }).click();
  await page.getByRole('heading', { level: 1, name: 'Klarsyn' }).waitFor();
  t.same(await menu(researcher), PUBLIC_MENU, 'logged out: the public menu only');
  await page.goto('/projects');
  await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
  t.pass('after logout a reload does not bring the session back');

  const visitor = await newVisitor(browser, klarsyn.url);
  page = visitor.page;
  await page.goto('/register');
  const entry = page.getByRole('article').filter({ hasText: TITLE });
  await entry.waitFor();
  t.match(await entry.textContent(), /godkendt.*University of Southern Denmark/);
  t.match(await entry.textContent(), /SDS: godkendt.*SDS: proportionate and justified/);
  await checkPage(t, visitor, 'public-11-register-after-approval');
});
