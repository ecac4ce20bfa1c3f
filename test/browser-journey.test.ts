import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, launchChromium, watchedPage, type WatchedPage } from './kit/browser.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { projectRoot, spawnGateway, type SpawnedGateway } from './kit/gateway.js';

/**
 * The web app as an end user meets it, on a gateway started as a user starts it (development, the
 * emulator's refresh webhooks on, no JWT settings): sign in, create the customer, pick a bank, link
 * it through the emulator's Link page, read the dashboard, page and filter transactions, disconnect;
 * then a bank that answers later (progress, then the data live) and a session that ends (reconnect).
 * Nothing may leave 127.0.0.1 and nothing may log a console error. It is about the browser, not the
 * database: CI runs it once, in the Postgres pass.
 */
describe.runIf(usingPostgres && chromiumInstalled && existsSync(join(projectRoot, 'web', 'dist', 'index.html')))('the web app, in a browser', () => {
  let database: TestDatabase;
  let gateway: SpawnedGateway;
  let url: string;
  let browser: Browser;
  let sandboxUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('browser_journey');
    gateway = spawnGateway({ ...database.env, NODE_ENV: 'development', PORT: '0', LEAN_SANDBOX_PORT: '0', LEAN_SANDBOX_REFRESH_WEBHOOKS: 'true' });
    url = await gateway.ready;
    const config = (await (await fetch(`${url}/dev/config`)).json()) as { sandboxUrl: string };
    sandboxUrl = config.sandboxUrl;
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    // The gateway's errors, if any, beside a failed journey (their stack names the resolver).
    // eslint-disable-next-line no-console -- the gateway's errors beside a failed journey in CI's output
    for (const line of [...(gateway?.stdout ?? []), ...(gateway?.stderr ?? [])]) if (/"level":(50|60)/.test(line)) console.log('gateway:', line.slice(0, 1500));
    await browser?.close();
    gateway?.child.kill('SIGTERM');
    await gateway?.exited;
    await database?.drop();
  });

  it('signs in, links a bank, reads and filters the dashboard, disconnects', async () => {
    const watched = await watchedPage(browser, { origin: url });
    const { page } = watched;
    try {
      await signInAndCreateCustomer(watched, 'browser-user-1');
      await chooseBank(page, 'LEANMB1', ['Accounts', 'Balance', 'Identity', 'Transactions']);
      await page.getByRole('button', { name: 'Continue to your bank' }).click();
      const link = linkPage(page);
      await link.getByRole('button', { name: 'Link' }).waitFor();
      await watched.screenshot('web-link');
      await link.getByRole('button', { name: 'Link' }).click();

      const dashboard = page.getByTestId('dashboard');
      await dashboard.getByTestId('account').first().waitFor({ timeout: 20_000 });
      await expect.poll(() => dashboard.getByTestId('balance').first().innerText(), { timeout: 15_000 }).toMatch(/\d,?\d*\.\d{2,} [A-Z]{3}/);
      const rows = page.getByTestId('transaction');
      await rows.first().waitFor({ timeout: 20_000 });
      await watched.screenshot('web-dashboard');

      // More pages, by cursor: the list grows.
      const before = await rows.count();
      const more = page.getByRole('button', { name: 'Load more' });
      if (await more.isVisible()) {
        await more.click();
        await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(before);
      }

      // A filter: money in only.
      await page.getByLabel('Direction').selectOption('CREDIT');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect.poll(async () => (await rows.count()) > 0 && (await page.locator('tr.debit').count()) === 0, { timeout: 10_000 }).toBe(true);

      await page.getByRole('button', { name: 'Disconnect' }).click();
      await page.getByRole('form', { name: 'Link a bank' }).waitFor({ timeout: 10_000 });
      expect(watched.outside).toEqual([]);
      expect(watched.errors).toEqual([]);
    } catch (error) {
      // What the page showed when it failed, for whoever reads CI's screenshots.
      await watched.screenshot(`failed-${expect.getState().currentTestName?.replace(/\W+/g, '-') ?? 'journey'}`).catch(() => undefined);
      throw error;
    } finally {
      await watched.close();
    }
  }, 90_000);

  it('shows progress while the bank answers later, then the data live; and a reconnect', async () => {
    const watched = await watchedPage(browser, { origin: url });
    const { page } = watched;
    try {
      await signInAndCreateCustomer(watched, 'browser-user-2');
      await chooseBank(page, 'LEANMB3_ASYNC', ['Accounts', 'Balance', 'Transactions']);
      await page.getByRole('button', { name: 'Continue to your bank' }).click();
      await linkPage(page).getByRole('button', { name: 'Link' }).click();
      // LEANMB3_ASYNC answers transactions PENDING: progress first, then the rows once results.ready arrives.
      await page.getByTestId('results-pending').first().waitFor({ timeout: 20_000 });
      await watched.screenshot('web-pending');
      await page.getByTestId('transaction').first().waitFor({ timeout: 30_000 });
      await expect.poll(() => page.getByTestId('results-pending').count(), { timeout: 10_000 }).toBe(0);

      // A session that ends: LEANMB4_OTP, its session expired at the emulator.
      await page.getByRole('button', { name: 'Link a bank' }).click();
      await chooseBank(page, 'LEANMB4_OTP', ['Accounts', 'Balance', 'Transactions']);
      await page.getByRole('button', { name: 'Continue to your bank' }).click();
      const link = linkPage(page);
      await link.getByRole('button', { name: 'Link' }).click();
      const entity = page.getByTestId('entity-LEANMB4_OTP');
      await entity.getByTestId('account').first().waitFor({ timeout: 20_000 });
      const entityId = await leanEntityOf(sandboxUrl, 'LEANMB4_OTP');
      await fetch(`${sandboxUrl}/sandbox/entities/${entityId}/expire-session`, { method: 'POST' });
      // The stored copy is still fresh: Refresh has the gateway ask Lean, which answers RECONNECT_REQUIRED.
      await entity.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('button', { name: 'Reconnect' }).first().click({ timeout: 20_000 });
      await linkPage(page).getByRole('button', { name: 'Reconnect' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Reconnect' }).count(), { timeout: 20_000 }).toBe(0);
      expect(watched.outside).toEqual([]);
      expect(watched.errors).toEqual([]);
    } catch (error) {
      // What the page showed when it failed, for whoever reads CI's screenshots.
      await watched.screenshot(`failed-${expect.getState().currentTestName?.replace(/\W+/g, '-') ?? 'journey'}`).catch(() => undefined);
      throw error;
    } finally {
      await watched.close();
    }
  }, 90_000);

  async function signInAndCreateCustomer(watched: WatchedPage, appUserId: string): Promise<void> {
    const { page } = watched;
    await page.getByLabel('App user id').fill(appUserId);
    if (appUserId.endsWith('-1')) await watched.screenshot('web-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('form', { name: 'Link a bank' }).waitFor();
  }
});

async function chooseBank(page: Page, identifier: string, permissions: string[]): Promise<void> {
  await page.getByTestId(`bank-${identifier}`).click();
  for (const permission of permissions) await page.getByRole('checkbox', { name: permission, exact: true }).check();
}

function linkPage(page: Page): FrameLocator {
  return page.frameLocator('iframe[title="Lean Link"]');
}

/** The emulator's entity id of the newest link to this bank, from the webhooks the emulator sent. */
async function leanEntityOf(sandboxUrl: string, bankIdentifier: string): Promise<string> {
  const sent = (await (await fetch(`${sandboxUrl}/sandbox/webhooks`)).json()) as { webhooks?: { body?: { type?: string; payload?: { id?: string } } }[] };
  for (const webhook of [...(sent.webhooks ?? [])].reverse()) {
    const body = webhook.body;
    if (body?.type === 'entity.created' && JSON.stringify(body).includes(bankIdentifier) && body.payload?.id !== undefined) return body.payload.id;
  }
  throw new Error(`no entity.created for ${bankIdentifier}`);
}
