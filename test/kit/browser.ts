import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from './gateway.js';

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it when missing). */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Whether a browser test can run here; `.ci/run` makes sure it can, so CI never skips them. */
export const chromiumInstalled = existsSync(CHROMIUM_PATH);
/** Where browser tests write their screenshots (kept by CI with the other results). */
export const SCREENSHOT_DIR = process.env['SCREENSHOT_DIR'] ?? join(projectRoot, '.ci-results', 'screenshots');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

/**
 * A page that records what a user would not see: every request's URL (to assert that none leaves
 * 127.0.0.1), console errors and uncaught page errors. Requests to anywhere else are aborted, so a
 * page that needs the internet fails here as it would offline.
 */
export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Every URL the page asked for, in order (http, https and ws). */
  readonly requests: string[];
  /** Requests to a host other than 127.0.0.1 / localhost (aborted). */
  readonly outside: string[];
  /** `console.error` lines and uncaught exceptions. */
  readonly errors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLocalUrl(url: string): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return true;
  try {
    return LOCAL_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

export async function watchedPage(browser: Browser, options: { readonly origin?: string } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const outside: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    requests.push(url);
    if (isLocalUrl(url)) return route.continue();
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  page.on('websocket', (socket) => {
    requests.push(socket.url());
    if (!isLocalUrl(socket.url())) outside.push(socket.url());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  if (options.origin !== undefined) await page.goto(options.origin);
  return {
    page,
    context,
    requests,
    outside,
    errors,
    async screenshot(name: string) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}
