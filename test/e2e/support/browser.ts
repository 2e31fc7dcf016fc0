import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AxeResults } from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Test } from 'tap';

/** Debian's Chromium (infra/dev/install-browser.sh); a test tool never downloads its own browser here. */
const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google on this closed network.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = 'test/e2e/screenshots';
/**
 * A browser test starts a database, the control plane and Chromium, on 2 shared cores: more than
 * the suite's default per-file timeout allows when the machine is busy.
 */
export const BROWSER_TEST_TIMEOUT = 600_000;
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Teardown {
  teardown(fn: () => unknown): void;
}

/**
 * Headless Chromium, closed when the test ends. Playwright gives every launch a fresh, empty
 * temporary profile (its own --user-data-dir), so no state leaks between runs.
 */
export async function launchBrowser(t: Teardown): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  t.teardown(() => browser.close());
  mkdirSync(SCREENSHOTS, { recursive: true });
  return browser;
}

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and CSP violations seen so far; a test expects none. */
  problems: string[];
  /** Access tokens the API handed this visitor, to check they never reach the page or storage. */
  tokens: string[];
}

/** A person with their own cookies and storage (one browser context), reading Danish by default. */
export async function newVisitor(browser: Browser, baseURL: string, locale = 'da-DK'): Promise<Visitor> {
  const context = await browser.newContext({ baseURL, locale, viewport: { width: 1280, height: 900 } });
  // Generous waits: other builds share the machine's two cores, and a slow page is not a wrong one.
  context.setDefaultTimeout(90_000);
  const page = await context.newPage();
  const visitor: Visitor = { context, page, problems: [], tokens: [] };
  // Listening on the context covers every tab the person opens.
  context.on('weberror', (e) => visitor.problems.push(`page error: ${e.error().message}`));
  context.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) {
      visitor.problems.push(`CSP: ${m.text()}`);
    }
  });
  context.on('response', async (res) => {
    if (/\/api\/v1\/auth\/(login|refresh)$/.test(res.url()) && res.ok()) {
      visitor.tokens.push((await res.json()).accessToken);
    }
  });
  return visitor;
}

/** Danish CPR numbers, with or without the dash: DDMMYY-SSSS. */
const CPR = /\b[0-3]\d[01]\d\d\d-?\d{4}\b/;

export interface CheckOptions {
  /** Axe rules to leave out, each with the reason in the test. */
  skipRules?: string[];
}

/**
 * What every page must satisfy: no serious or critical accessibility violation (axe-core), no
 * CPR number and no token on screen or in storage, no script error. Saves a screenshot.
 */
export async function checkPage(
  t: Test,
  visitor: Visitor,
  name: string,
  options: CheckOptions = {},
): Promise<void> {
  const { page } = visitor;
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') still holds for the app.
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(
    (skip) =>
      (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, {
        resultTypes: ['violations'],
        rules: Object.fromEntries(skip.map((r) => [r, { enabled: false }])),
      }),
    options.skipRules ?? [],
  )) as AxeResults;
  const severe = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  t.same(
    severe.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`),
    [],
    `${name}: no serious or critical accessibility violations`,
  );

  const text = await page.locator('body').textContent();
  t.notMatch(text, CPR, `${name}: no CPR number on screen`);
  const html = await page.content();
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  for (const token of visitor.tokens) {
    t.notOk(
      html.includes(token) || stored.includes(token),
      `${name}: the access token is not in the page or storage`,
    );
  }
  t.notMatch(stored, /eyJ[\w-]+\.[\w-]+\.|klr_|kls_/, `${name}: no credential in browser storage`);
  t.same(visitor.problems, [], `${name}: no script errors or CSP violations`);
}
