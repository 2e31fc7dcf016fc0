import t from 'tap';
import {
  BROWSER_TEST_TIMEOUT,
  checkPage,
  launchBrowser,
  newVisitor,
  type Visitor,
} from './support/browser.js';
import { DEMO_APPLICATION, DEMO_PASSWORD, startKlarsyn } from './support/server.js';

t.setTimeout(BROWSER_TEST_TIMEOUT);

// The log page verifies in the browser with klarsyn/audit: the checkpoint's signature, that the
// log only grew since the last visit, and each entry's inclusion proof. Whatever the server (or
// anyone in between) alters must show as a failure, never as success.

async function logSize(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/log/checkpoint`);
  return res.ok ? Number((await res.text()).split('\n')[1]) : 0;
}

/** The log's size once the integrator has published everything appended so far. */
async function settledLog(url: string, atLeast: number): Promise<number> {
  let last = -1;
  let steady = 0;
  for (let i = 0; i < 200 && steady < 6; i++) {
    const size = await logSize(url);
    steady = size >= atLeast && size === last ? steady + 1 : 0;
    last = size;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (steady < 6) throw new Error(`the log did not settle at ${atLeast} entries or more`);
  return last;
}

/** New log entries: the researcher submits one more application through the API. */
async function submitApplication(url: string): Promise<void> {
  const post = async (path: string, body?: object, token?: string) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const { accessToken } = await post('/api/v1/auth/login', { username: 'forsker', password: DEMO_PASSWORD });
  const project = await post(
    '/api/v1/projects/',
    { ...DEMO_APPLICATION, title: 'A second application' },
    accessToken,
  );
  await post(`/api/v1/projects/${project.id}/submit`, undefined, accessToken);
}

const verdict = (v: Visitor) => v.page.locator('main .verification').first().textContent();

t.test('the log page proves the checkpoint, the entries and the growth of the log', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const first = await settledLog(klarsyn.url, 1);
  const browser = await launchBrowser(t);
  const visitor = await newVisitor(browser, klarsyn.url);
  const { page } = visitor;

  await page.goto('/log');
  await page.getByRole('heading', { name: 'Seneste checkpoint' }).waitFor();
  t.match(await verdict(visitor), `Checkpointet med ${first} poster er signeret med loggens nøgle`);
  t.match(await verdict(visitor), /første besøg/);
  const rows = page.locator('table.log-entries tbody tr');
  t.equal(await rows.count(), Math.min(25, first));
  t.equal(await rows.filter({ hasText: 'efterprøvet' }).count(), await rows.count(), 'every entry proven');
  t.match(await page.locator('table.log-entries').textContent(), /project\.decision/);
  await checkPage(t, visitor, 'log-01-first-visit');

  await submitApplication(klarsyn.url);
  const second = await settledLog(klarsyn.url, first + 1);
  await page.reload();
  await page.getByRole('heading', { name: 'Seneste checkpoint' }).waitFor();
  t.match(
    await verdict(visitor),
    `loggen med ${second} poster bygger videre på checkpointet med ${first} poster`,
    'the next visit proves consistency with the remembered checkpoint',
  );
  await checkPage(t, visitor, 'log-02-consistent-next-visit');

  // A rewritten history: the consistency proof no longer holds.
  await submitApplication(klarsyn.url);
  const third = await settledLog(klarsyn.url, second + 1);
  await page.route('**/api/v1/log/proofs/consistency*', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.proof[0] = Buffer.alloc(32, 7).toString('base64');
    await route.fulfill({ response: res, json: body });
  });
  await page.reload();
  await page.getByRole('heading', { name: 'Efterprøvningen fejlede' }).waitFor();
  t.match(
    await page.getByRole('alert').textContent(),
    /historik er blevet omskrevet.*inconsistent_checkpoints/,
  );
  t.equal(await page.getByRole('heading', { name: 'Seneste checkpoint' }).count(), 0, 'no success shown');
  await checkPage(t, visitor, 'log-03-inconsistent');
  await page.unroute('**/api/v1/log/proofs/consistency*');
  await page.reload();
  await page.getByRole('heading', { name: 'Seneste checkpoint' }).waitFor();
  t.match(
    await verdict(visitor),
    `loggen med ${third} poster bygger videre på checkpointet med ${second} poster`,
    'the failed visit did not move the remembered checkpoint',
  );

  // A different log key than the one this browser first saw.
  await page.route('**/api/v1/log/key', async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.verifierKey = body.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    await route.fulfill({ response: res, json: body });
  });
  await page.reload();
  await page.getByRole('heading', { name: 'Efterprøvningen fejlede' }).waitFor();
  t.match(await page.getByRole('alert').textContent(), /anden nøgle.*key_changed/);
  await checkPage(t, visitor, 'log-04-key-changed');
});

t.test('a tampered checkpoint or proof is shown as a failure', async (t) => {
  const klarsyn = await startKlarsyn(t);
  const size = await settledLog(klarsyn.url, 2);
  const browser = await launchBrowser(t);

  const forged = await newVisitor(browser, klarsyn.url);
  await forged.page.route('**/api/v1/log/checkpoint', async (route) => {
    const res = await route.fetch();
    const lines = (await res.text()).split('\n');
    lines[2] = Buffer.alloc(32, 1).toString('base64'); // another root hash under the old signature
    await route.fulfill({ response: res, body: lines.join('\n') });
  });
  await forged.page.goto('/log');
  await forged.page.getByRole('heading', { name: 'Efterprøvningen fejlede' }).waitFor();
  t.match(await forged.page.getByRole('alert').textContent(), /ikke en gyldig signatur/);
  t.equal(await forged.page.locator('table.log-entries').count(), 0, 'no entries shown as if verified');
  await checkPage(t, forged, 'log-05-forged-checkpoint');

  const proofs = await newVisitor(browser, klarsyn.url);
  const target = size - 1;
  await proofs.page.route(`**/api/v1/log/entries/${target}?*`, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    const bytes = Buffer.from(body.data, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 2) ^ 1, bytes.length - 2); // one altered character
    body.data = bytes.toString('base64');
    await route.fulfill({ response: res, json: body });
  });
  await proofs.page.goto('/log');
  await proofs.page.getByRole('heading', { name: 'Nyeste poster' }).waitFor();
  const row = proofs.page.locator(`#entry-${target}`);
  t.match(await row.textContent(), /bevis fejlede/, 'the altered entry fails its proof');
  t.notMatch(await row.textContent(), /efterprøvet/);
  t.match(await proofs.page.locator(`#entry-${target - 1}`).textContent(), /efterprøvet/, 'the others hold');
  await checkPage(t, proofs, 'log-06-forged-entry');
});
