import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { writeRegisterFixtures } from '../support/register-fixtures.js';
import { BROWSER_TEST_TIMEOUT, checkPage, launchBrowser, newVisitor } from './support/browser.js';
import { applyThroughWizard, approveAs } from './support/flows.js';
import { loggedIn } from './support/people.js';
import { startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT * 2);

// The whole way through Klarsyn in a real browser: a researcher applies, two stewards approve, an
// extract is made, a workspace launches, a release request with a benign and a disclosive table is
// submitted and the disclosive one shown blocked with its cells highlighted, two reviewers approve
// the benign one, the researcher downloads it, and an anonymous visitor finds the project and its
// release in the register and proves the release's log entry in the browser.

const TITLE = 'Statin use and hip fracture: the whole flow';
const BENIGN = 'patients_by_region_sex_2023.csv';
const DISCLOSIVE = 'small_groups_by_age.csv';
const BENIGN_CSV = readFileSync(`test/fixtures/outputs/benign/${BENIGN}`);
// Two cells count fewer than 5 persons: the automatic checks block the table. (Other columns than
// the benign table's, or the checks read the two together as one table of the tiny test cohort.)
const DISCLOSIVE_CSV = 'age_group,patients\n65-74,3\n75-84,112\n85+,2\n';
const OUTPUTS_YAML = `files:
  - {path: ${BENIGN}, kind: frequency, dimensions: [region, sex], counts: [patients]}
  - {path: ${DISCLOSIVE}, kind: frequency, dimensions: [age_group], counts: [patients]}
`;
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * A tool path with a stand-in for JupyterLab (support/fake-jupyter.py) whose "analysis" writes the
 * two tables and their outputs.yaml into the workspace's outbox from inside the sandbox.
 */
function analysisToolPath(t: { teardown(fn: () => unknown): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'klarsyn-e2e-tools-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'share', 'analysis'), { recursive: true });
  copyFileSync(new URL('./support/fake-jupyter.py', import.meta.url), join(dir, 'bin', 'jupyter'));
  chmodSync(join(dir, 'bin', 'jupyter'), 0o755);
  writeFileSync(join(dir, 'share', 'analysis', BENIGN), BENIGN_CSV);
  writeFileSync(join(dir, 'share', 'analysis', DISCLOSIVE), DISCLOSIVE_CSV);
  writeFileSync(join(dir, 'share', 'analysis', 'outputs.yaml'), OUTPUTS_YAML);
  for (const d of [dir, join(dir, 'share'), join(dir, 'share', 'analysis')]) chmodSync(d, 0o755);
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('apply, approve, extract, workspace, release, review, download, register', async (t) => {
  const klarsyn = await startKlarsyn(t, { 'workspaces.local.toolPaths': analysisToolPath(t) });
  await writeRegisterFixtures(klarsyn.store);
  const browser = await launchBrowser(t);

  // ── the application and its approval ─────────────────────────────────────────────────
  const researcher = await loggedIn(browser, klarsyn.url, 'forsker');
  const page = researcher.page;
  await applyThroughWizard(page, TITLE);
  const projectId = page.url().split('/').at(-1)?.split('?')[0] as string;
  await page.getByRole('button', { name: 'Indsend til godkendelse' }).click();
  await page.getByText('Ansøgningen er indsendt').waitFor();
  await checkPage(t, researcher, 'flow-01-submitted');
  await approveAs(browser, klarsyn.url, 'steward-sds', 'SDS', TITLE, (p) =>
    checkPage(t, { ...researcher, page: p, problems: [], tokens: [] }, 'flow-02-steward-sds'),
  );
  await approveAs(browser, klarsyn.url, 'steward-dst', 'DST', TITLE);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  t.match(await page.locator('.status-line').textContent(), /godkendt/, 'both authorities approved');

  // ── extract and workspace ────────────────────────────────────────────────────────────
  await page.getByRole('button', { name: 'Lav et nyt udtræk' }).click();
  const extract = page.getByRole('article').filter({ hasText: 'Version 1' });
  await extract.getByText('offentliggjort').waitFor({ timeout: 300_000 });
  await checkPage(t, researcher, 'flow-03-extract');

  const workspaces = page.locator('section.workspaces');
  await workspaces.getByRole('button', { name: 'Start et arbejdsområde' }).click();
  await workspaces.getByRole('row').nth(1).getByText('kører').waitFor({ timeout: 180_000 });
  t.ok(await workspaces.getByRole('button', { name: /^Stop / }).isVisible(), 'the workspace runs');
  await checkPage(t, researcher, 'flow-04-workspace');
  // Opened through the control plane's proxy (a one-time link, then a session cookie).
  await workspaces.getByRole('button', { name: 'Åbn jupyter' }).click();
  await page.getByRole('heading', { name: 'Analysis' }).waitFor();
  t.match(page.url(), /\/workspaces\/[0-9a-f-]{36}\//, 'the workspace answers through the proxy');
  await page.screenshot({ path: 'test/e2e/screenshots/flow-04b-workspace-open.png' });
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  // The analysis in the sandbox wrote its tables to the outbox; they leave only through review.

  // ── the release request ──────────────────────────────────────────────────────────────
  const releases = page.locator('section.releases');
  await releases.getByRole('button', { name: 'Ny anmodning om frigivelse' }).click();
  // The outbox's files are offered as check boxes; ticking one names it in the request.
  for (const name of [BENIGN, DISCLOSIVE]) {
    await releases.getByRole('checkbox', { name: new RegExp(`^${name.replaceAll('.', '\\.')} `) }).check();
  }
  t.equal(
    await releases.getByLabel('Filer fra udbakken').inputValue(),
    `${BENIGN}\n${DISCLOSIVE}`,
    'the ticked outbox files are the request',
  );
  await releases
    .getByLabel('Kontekst til reviewerne')
    .fill('Patients by region and sex, 2023: the descriptive table of the paper.');
  await checkPage(t, researcher, 'flow-05-compose');
  await releases.getByRole('button', { name: 'Opret anmodningen som kladde' }).click();
  await page.getByRole('heading', { level: 1, name: 'Anmodning om frigivelse' }).waitFor();
  const requestId = page.url().split('/').at(-1) as string;
  t.match(await page.locator('.status-line').textContent(), /kladde/);
  await checkPage(t, researcher, 'flow-06-draft');
  await page.getByRole('button', { name: 'Indsend til kontrol og review' }).click();
  await page.locator('.status-line').getByText('indsendt').waitFor();
  const files = page.getByRole('table', { name: 'Filer' });
  t.match(await files.getByRole('row').filter({ hasText: BENIGN }).textContent(), /kontrol bestået/);
  t.match(await files.getByRole('row').filter({ hasText: DISCLOSIVE }).textContent(), /blokeret/);
  t.match(
    await files.getByRole('row').filter({ hasText: BENIGN }).textContent(),
    sha256(BENIGN_CSV),
    'each file with its SHA-256',
  );
  const flagged = page.getByRole('table', { name: `Markerede celler i ${DISCLOSIVE}` });
  const cells = flagged.locator('td.flagged-block');
  t.same(
    (await cells.allTextContents()).map((c) => c.split(' ')[0]),
    ['3', '2'],
    'the two small counts are highlighted as blocked',
  );
  t.match(
    await page.getByRole('list', { name: `Fund i ${DISCLOSIVE}` }).textContent(),
    /blokeret/,
    'the findings beside the table',
  );
  await checkPage(t, researcher, 'flow-07-submitted-blocked');
  // The file itself, on request: every row, the small counts flagged where they stand.
  const disclosive = page.locator('section.release-file').filter({ hasText: DISCLOSIVE });
  await disclosive.getByRole('button', { name: 'Vis filen' }).click();
  const whole = disclosive.getByRole('table', { name: new RegExp(`^${DISCLOSIVE}: de første 3 af 3`) });
  await whole.waitFor();
  t.equal(await whole.locator('tbody tr').count(), 3, 'the whole table is shown');
  t.same(
    (await whole.locator('td.flagged-block').allTextContents()).map((c) => c.split(' ')[0]),
    ['3', '2'],
    'with the same cells flagged',
  );
  await checkPage(t, researcher, 'flow-07b-file-shown');

  // ── two independent reviewers ───────────────────────────────────────────────────────
  for (const [name, first] of [
    ['reviewer1', true],
    ['reviewer2', false],
  ] as const) {
    const reviewer = await loggedIn(browser, klarsyn.url, name);
    const rp = reviewer.page;
    await rp.getByRole('link', { name: 'Udlevering til kontrol' }).first().click();
    await rp.getByRole('heading', { level: 1, name: 'Anmodninger om frigivelse til review' }).waitFor();
    await checkPage(t, reviewer, `flow-08-${name}-queue`);
    await rp.getByRole('table').getByRole('link').first().click();
    await rp.getByRole('heading', { level: 1, name: 'Anmodning om frigivelse' }).waitFor();
    t.match(await rp.getByRole('status').filter({ hasText: 'Blindt review' }).textContent(), /2 reviewere/);
    t.equal(
      await rp.locator('ul.votes').count(),
      0,
      first ? 'no votes yet' : "blind: the first reviewer's votes are hidden",
    );
    // The vote by keyboard alone: Space chooses, Enter sends.
    await rp
      .getByRole('group', { name: `Din stemme om ${BENIGN}` })
      .getByLabel('Godkend')
      .focus();
    await rp.keyboard.press('Space');
    await rp.getByRole('button', { name: `Registrer stemmen om ${BENIGN}` }).focus();
    await rp.keyboard.press('Enter');
    await rp
      .getByRole('list', { name: `Stemmer om ${BENIGN}` })
      .getByText('din stemme')
      .waitFor();
    const blocked = rp.getByRole('group', { name: `Din stemme om ${DISCLOSIVE}` });
    t.ok(await blocked.getByLabel('Godkend').isDisabled(), 'a blocked file cannot be approved');
    await blocked.getByLabel('Bed om ændringer').check();
    await blocked.getByLabel(/Kommentar/).fill('Two cells count fewer than 5 persons; remove the table.');
    await checkPage(t, reviewer, `flow-09-${name}-voting`);
    await rp.getByRole('button', { name: `Registrer stemmen om ${DISCLOSIVE}` }).click();
    await rp
      .getByRole('list', { name: `Stemmer om ${DISCLOSIVE}` })
      .getByText('din stemme')
      .waitFor();
    if (!first) {
      await rp.locator('.status-line').getByText('gennemgået').waitFor();
      t.equal(
        await rp
          .getByRole('list', { name: `Stemmer om ${BENIGN}` })
          .getByRole('listitem')
          .count(),
        2,
        'after the blind phase both votes show',
      );
      await rp.getByLabel('Kommentar til forskeren').fill('Please remove the blocked table and resubmit.');
      await checkPage(t, reviewer, 'flow-10-reviewed');
      await rp.getByRole('button', { name: 'Send tilbage til ændring' }).click();
      await rp.locator('.status-line').getByText('sendt tilbage til ændring').waitFor();
    }
    await reviewer.context.close();
  }

  // ── the researcher answers the returned request ─────────────────────────────────────
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'Reviewernes kommentar' }).waitFor();
  t.match(await page.locator('.alert-warning').textContent(), /remove the blocked table/);
  await checkPage(t, researcher, 'flow-11-returned');
  await page.getByRole('button', { name: `Fjern ${DISCLOSIVE}` }).click();
  await files.getByRole('row').filter({ hasText: DISCLOSIVE }).waitFor({ state: 'detached' });
  await page
    .getByLabel('Kontekst til reviewerne')
    .fill('Removed the table with small groups; the other is unchanged.');
  await page.getByRole('button', { name: 'Indsend igen med dit svar' }).click();
  await page
    .locator('.status-line')
    .getByText(/gennemgået|indsendt/)
    .waitFor();

  // The benign file kept its two approvals; a reviewer approves and releases.
  const reviewer = await loggedIn(browser, klarsyn.url, 'reviewer1');
  await reviewer.page.goto(`/releases/${requestId}`);
  await reviewer.page.getByRole('button', { name: 'Godkend anmodningen' }).click();
  await reviewer.page.getByRole('button', { name: 'Frigiv de godkendte filer' }).click();
  await reviewer.page.locator('.status-line').getByText('frigivet').waitFor();
  await checkPage(t, reviewer, 'flow-12-released');

  // ── download ─────────────────────────────────────────────────────────────────────────
  await page.reload();
  await page.locator('.status-line').getByText('frigivet').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Hent ${BENIGN}` }).click(),
  ]);
  t.equal(download.suggestedFilename(), BENIGN);
  const saved = readFileSync((await download.path()) as string);
  t.equal(sha256(saved), sha256(BENIGN_CSV), 'the downloaded file is the released one');
  await page.getByText(`${BENIGN} er hentet`).waitFor();
  await checkPage(t, researcher, 'flow-13-downloaded');

  // ── the public register ─────────────────────────────────────────────────────────────
  const visitor = await newVisitor(browser, klarsyn.url);
  const vp = visitor.page;
  await vp.goto('/register');
  await vp.getByLabel('Søg', { exact: true }).fill('hip fracture');
  await vp.getByRole('button', { name: 'Filtrer' }).click();
  await vp.getByRole('link', { name: TITLE }).click();
  await vp.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  t.match(vp.url(), `/register/${projectId}`, 'the project at its own address in the register');
  t.match(
    await vp.getByRole('article').textContent(),
    new RegExp(`Frigivne output.*${BENIGN}.*${sha256(BENIGN_CSV)}`),
    'the entry lists the released file with its hash',
  );
  const activity = vp.getByRole('table', { name: 'Aktivitet' });
  const released = activity.getByRole('row').filter({ hasText: 'Filer frigivet' });
  for (let i = 0; i < 60 && (await released.count()) === 0; i++) {
    await new Promise((r) => setTimeout(r, 500)); // the log integrates within moments
    await vp.reload();
    await activity.waitFor();
  }
  t.match(
    await released.textContent(),
    new RegExp(`${BENIGN}.*${sha256(BENIGN_CSV)}`),
    'the release and its hash',
  );
  t.equal(
    await activity.getByRole('row').filter({ hasText: 'Session i arbejdsområde åbnet' }).count(),
    1,
    'the workspace session',
  );
  t.equal(
    await activity.getByRole('row').filter({ hasText: 'Udtræk offentliggjort' }).count(),
    1,
    'the extract',
  );
  t.notMatch(await released.textContent(), new RegExp(DISCLOSIVE), 'the blocked table was never released');
  await checkPage(t, visitor, 'flow-14-register-project');
  await released.getByRole('link').click();
  const chosen = vp.locator('section.chosen-entry');
  await chosen.getByText('efterprøvet').waitFor();
  t.match(await chosen.textContent(), /release\.released/);
  t.match(await vp.locator('main .verification').first().textContent(), /signeret med loggens nøgle/);
  await checkPage(t, visitor, 'flow-15-log-release-proven');
});
