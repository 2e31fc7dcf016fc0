import type { Browser } from 'playwright-core';
import { newVisitor, type Visitor } from './browser.js';
import { DEMO_PASSWORD } from './server.js';

/** A demo account logged in through the login form, in a browser context of its own. */
export async function loggedIn(browser: Browser, url: string, username: string): Promise<Visitor> {
  const visitor = await newVisitor(browser, url);
  const { page } = visitor;
  await page.goto('/login');
  await page.getByLabel('Brugernavn').fill(username);
  await page.getByLabel('Adgangskode').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log ind' }).click();
  await page.getByText(`Logget ind som ${username}`).waitFor();
  return visitor;
}

/** The entries of the main menu, as the person sees them. */
export const menu = (visitor: Visitor) =>
  visitor.page.getByRole('navigation', { name: 'Hovedmenu' }).getByRole('link').allTextContents();
