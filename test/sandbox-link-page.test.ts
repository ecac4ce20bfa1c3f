import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, launchChromium, watchedPage, type WatchedPage } from './kit/browser.js';
import { startTestSandbox, type TestSandbox } from './kit/sandbox.js';

interface LinkMessage {
  source: string;
  status: string;
  method: string;
  entity_id?: string;
  message?: string;
}

/** A web app of its own origin: it frames the emulator's Link page and keeps every message it receives. */
async function startParentApp(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const frame = new URL(req.url ?? '/', 'http://parent').searchParams.get('frame') ?? 'about:blank';
    const html = `<!doctype html><html><head><link rel="icon" href="data:,"><title>app</title></head><body>
<iframe id="link" title="Lean Link" width="600" height="600" src="${frame.replace(/"/g, '&quot;')}"></iframe>
<script>window.received = []; window.addEventListener('message', function (event) { window.received.push({ origin: event.origin, data: event.data }); });</script>
</body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.runIf(chromiumInstalled)("the emulator's Link page, in a browser", () => {
  let lean: TestSandbox;
  let browser: Browser;
  let parent: { origin: string; server: Server };
  let customerId: string;

  beforeAll(async () => {
    lean = await startTestSandbox();
    browser = await launchChromium();
    parent = await startParentApp();
    customerId = (await lean.lean.createCustomer('link-page-user')).id;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (parent ? parent.server.close(() => resolve()) : resolve()));
    await lean?.close();
  });

  /** Opens the parent app framing the Link page with these query parameters. */
  async function openLink(query: Record<string, string>): Promise<WatchedPage> {
    const frame = `${lean.url}/sandbox/link?${new URLSearchParams({ ...query, origin: parent.origin }).toString()}`;
    const watched = await watchedPage(browser);
    await watched.page.goto(`${parent.origin}/?frame=${encodeURIComponent(frame)}`);
    return watched;
  }

  const messagesOf = async (watched: WatchedPage, count = 1): Promise<{ origin: string; data: LinkMessage }[]> => {
    await watched.page.waitForFunction((n) => (window as unknown as { received: unknown[] }).received.length >= n, count, { timeout: 10_000 });
    return watched.page.evaluate(() => (window as unknown as { received: { origin: string; data: LinkMessage }[] }).received);
  };

  const options = () => ({ customer_id: customerId, bank_identifier: 'LEANMB1', permissions: ['identity', 'accounts', 'balance', 'transactions'], account_type: 'PERSONAL' });

  it('Link creates the entity at the emulator and tells the framing app SUCCESS with its entity id', async () => {
    const watched = await openLink({ options: JSON.stringify(options()) });
    const frame = watched.page.frameLocator('#link');
    await expect.poll(() => frame.getByText('Lean Mock Bank (LEANMB1)').count()).toBe(1);
    expect(await frame.getByRole('listitem').allTextContents()).toEqual(['identity', 'accounts', 'balance', 'transactions']);
    await frame.getByRole('button', { name: 'Link' }).click();
    const [received] = await messagesOf(watched);
    expect(received?.origin).toBe(lean.url);
    expect(received?.data).toMatchObject({ source: 'lean-sandbox-link', status: 'SUCCESS', method: 'CONNECT' });
    expect(Object.keys(received?.data ?? {}).sort()).toEqual(['entity_id', 'method', 'source', 'status']);
    expect(received?.data.entity_id).toMatch(/^[0-9a-f-]{36}$/);
    const entities = await lean.lean.listEntities(customerId);
    expect(entities.map((entity) => entity.id)).toContain(received?.data.entity_id);
    await watched.screenshot('sandbox-link-page-linked');
    expect(watched.errors).toEqual([]);
    expect(watched.outside).toEqual([]);
    await watched.close();
  });

  it('Cancel tells CANCELLED and creates nothing', async () => {
    const before = (await lean.lean.listEntities(customerId)).length;
    const watched = await openLink({ options: JSON.stringify(options()) });
    await watched.page.frameLocator('#link').getByRole('button', { name: 'Cancel' }).click();
    const [received] = await messagesOf(watched);
    expect(received?.data).toEqual({ source: 'lean-sandbox-link', status: 'CANCELLED', method: 'CONNECT' });
    expect(await lean.lean.listEntities(customerId)).toHaveLength(before);
    expect(watched.errors).toEqual([]);
    await watched.close();
  });

  it('Reconnect ends the reconnect the emulator waits for and tells SUCCESS with the entity id', async () => {
    const [entity] = await lean.lean.listEntities(customerId);
    if (entity === undefined) throw new Error('the Link test before this one linked no entity');
    await lean.control('POST', `/sandbox/entities/${entity.id}/expire-session`);
    const answer = await lean.lean.identity(entity.id);
    if (answer.kind !== 'reconnectRequired') throw new Error(`expected RECONNECT_REQUIRED, got ${answer.kind}`);
    const watched = await openLink({ reconnect_id: answer.reconnectId });
    await watched.page.frameLocator('#link').getByRole('button', { name: 'Reconnect' }).click();
    const [received] = await messagesOf(watched);
    expect(received?.data).toEqual({ source: 'lean-sandbox-link', status: 'SUCCESS', method: 'RECONNECT', entity_id: entity.id });
    expect((await lean.lean.identity(entity.id)).kind).toBe('ok');
    expect(watched.errors).toEqual([]);
    await watched.close();
  });

  it('Reconnect with an unknown reconnect id tells ERROR with the emulator’s message', async () => {
    const watched = await openLink({ reconnect_id: '00000000-0000-4000-8000-000000000000' });
    await watched.page.frameLocator('#link').getByRole('button', { name: 'Reconnect' }).click();
    const [received] = await messagesOf(watched);
    expect(received?.data).toEqual({ source: 'lean-sandbox-link', status: 'ERROR', method: 'RECONNECT', message: 'No reconnect in progress with this reconnect_id.' });
    // The emulator's 404 is an answer the page handles, yet Chromium logs every failed fetch; nothing else may be logged.
    expect(watched.errors.filter((line) => !/status of 404/.test(line))).toEqual([]);
    await watched.close();
  });

  it('an origin that is not a development one (here `*`) is not answered: the outcome goes to nobody', async () => {
    const frame = `${lean.url}/sandbox/link?${new URLSearchParams({ options: JSON.stringify(options()), origin: '*' }).toString()}`;
    const watched = await watchedPage(browser);
    try {
      await watched.page.goto(`${parent.origin}/?frame=${encodeURIComponent(frame)}`);
      await watched.page.frameLocator('#link').getByRole('button', { name: 'Cancel' }).click();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await watched.page.evaluate(() => (window as unknown as { received: unknown[] }).received.length)).toBe(0);
    } finally {
      await watched.close();
    }
  });
});

describe("the emulator's control routes answer CORS for development origins", () => {
  let lean: TestSandbox;
  beforeAll(async () => {
    lean = await startTestSandbox();
  });
  afterAll(async () => {
    await lean?.close();
  });

  it('a preflight from http://127.0.0.1:5173 to /sandbox/connect answers 204 with the origin allowed', async () => {
    const response = await fetch(`${lean.url}/sandbox/connect`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('echoes localhost origins on answers, but neither other origins nor on Lean’s own routes', async () => {
    const stats = await fetch(`${lean.url}/sandbox/stats`, { headers: { origin: 'http://localhost:3000' } });
    expect(stats.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const foreign = await fetch(`${lean.url}/sandbox/stats`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const leanRoute = await fetch(`${lean.url}/banks/v1`, { headers: { origin: 'http://localhost:3000' } });
    expect(leanRoute.headers.get('access-control-allow-origin')).toBeNull();
    const page = await fetch(`${lean.url}/sandbox/link`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-frame-options')).toBeNull();
    // Framed by development apps only (the framing test above is one), not by any site.
    expect(page.headers.get('content-security-policy')).toBe('frame-ancestors http://localhost:* http://127.0.0.1:*');
  });
});
