import type { Browser, Page } from 'playwright-core';
import { loggedIn } from './people.js';

/** Steps several browser tests share, in Danish as the demo accounts see the application. */

const year = new Date().getUTCFullYear();

/** The researcher fills the guided application (statins, sex, birth date; cohort DE11) and saves a draft. */
export async function applyThroughWizard(page: Page, title: string): Promise<void> {
  await page.getByRole('link', { name: 'Ansøg' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Søg om data' }).waitFor();
  await page.getByLabel('Titel').fill(title);
  await page
    .getByLabel('Formål')
    .fill('Estimate the risk of hip fracture among statin users aged 65 and over.');
  await page.getByLabel('Institution').fill('University of Southern Denmark');
  await page
    .getByLabel('Retsgrundlag')
    .fill('GDPR art. 6(1)(e) and 9(2)(j); Danish Data Protection Act § 10');
  await page.getByRole('button', { name: 'Næste' }).click();
  await page.getByRole('heading', { name: 'Trin 2 af 5: Periode' }).waitFor();
  await page.getByLabel('Fra', { exact: true }).fill('2019-01-01');
  await page.getByLabel('Til', { exact: true }).fill('2023-12-31');
  await page.getByLabel('Sletningsdato').fill(`${year + 2}-12-31`);
  await page.getByRole('button', { name: 'Næste' }).click();
  await page.getByRole('heading', { name: 'Trin 3 af 5: Variable' }).waitFor();
  for (const [key, why] of [
    ['lmdb.pnr', 'link prescriptions to persons'],
    ['lmdb.atc', 'identify statins (C10AA)'],
    ['bef.koen', 'adjust for sex'],
    ['bef.reg', 'tables by region'],
  ] as const) {
    await page.locator(`[id="choose-${key}"]`).check();
    await page.locator(`[id="justification-${key}"]`).fill(why);
  }
  await page.getByRole('button', { name: 'Næste' }).click();
  await page.getByRole('heading', { name: 'Trin 4 af 5: Population' }).waitFor();
  await page.getByLabel('Kodevariabel').selectOption('diagnoser.diagnosekode');
  await page.getByLabel('Kodepræfikser').fill('DE11');
  await page.getByRole('button', { name: 'Næste' }).click();
  await page.getByRole('heading', { name: 'Trin 5 af 5: Gennemse' }).waitFor();
  await page.getByRole('button', { name: 'Gem kladde' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** A steward opens the application from their queue and approves their authority's part. */
export async function approveAs(
  browser: Browser,
  url: string,
  username: string,
  authority: string,
  title: string,
  check?: (page: Page, step: string) => Promise<void>,
): Promise<void> {
  const steward = await loggedIn(browser, url, username);
  const page = steward.page;
  await page.getByRole('link', { name: 'Ansøgninger til afgørelse' }).first().click();
  const waiting = page.getByRole('table').first();
  await waiting.getByRole('link', { name: title }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  await page.getByLabel('Godkend').check();
  await page.getByLabel('Begrundelse').fill(`${authority}: proportionate and justified`);
  await check?.(page, 'decision');
  await page.getByRole('button', { name: `Registrer afgørelsen for ${authority}` }).click();
  await page.getByText('Afgørelsen er registreret.').waitFor();
  await steward.context.close();
}
