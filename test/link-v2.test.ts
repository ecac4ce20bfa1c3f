import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';
import { startTestSandbox, TEST_APP_TOKEN, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestSandbox } from './kit/sandbox.js';

const PREPARE_LINK = /* GraphQL */ `
  mutation ($customerId: ID!, $bankIdentifier: String) {
    prepareLink(customerId: $customerId, bankIdentifier: $bankIdentifier, permissions: [IDENTITY, ACCOUNTS, BALANCE, TRANSACTIONS]) {
      options
      accessToken
      accessTokenExpiresAt
    }
  }
`;

interface PreparedLink {
  readonly options: Record<string, unknown>;
  readonly accessToken: string | null;
  readonly accessTokenExpiresAt: string | null;
}

/**
 * Lean's auth server seen through a recorder: every token it hands the gateway (scope `api` for data,
 * `customer.<id>` for the Link SDK), so a test can tell which one an answer carries.
 */
async function startRecordingAuth(target: string): Promise<{ url: string; issued: { scope: string; token: string }[]; close(): Promise<void> }> {
  const issued: { scope: string; token: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const answer = await fetch(`${target}${req.url ?? '/'}`, {
          method: req.method ?? 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: Buffer.concat(chunks),
        });
        const text = await answer.text();
        const body = JSON.parse(text) as { access_token?: string; scope?: string };
        if (body.access_token !== undefined) issued.push({ scope: body.scope ?? '', token: body.access_token });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, issued, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('prepareLink under v2: the options carry a customer token for Lean.connect, never a secret', () => {
  let database: TestDatabase;
  let lean: TestSandbox;
  let auth: Awaited<ReturnType<typeof startRecordingAuth>>;
  let gateway: TestGateway;
  let customer: CreatedCustomer;
  let link: PreparedLink;
  let answerText: string;

  beforeAll(async () => {
    database = await createTestDatabase('link_v2');
    lean = await startTestSandbox();
    auth = await startRecordingAuth(lean.url);
    gateway = await startTestGateway({
      ...database.env,
      LEAN_API_VERSION: 'v2',
      LEAN_API_URL: lean.url,
      LEAN_AUTH_URL: auth.url,
      LEAN_CLIENT_ID: TEST_CLIENT_ID,
      LEAN_CLIENT_SECRET: TEST_CLIENT_SECRET,
      LEAN_APP_TOKEN: TEST_APP_TOKEN,
    });
    customer = await createCustomer(gateway, 'link-v2');
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: PREPARE_LINK, variables: { customerId: customer.id, bankIdentifier: 'LEANMB1' } }),
    });
    answerText = await response.text();
    const answer = JSON.parse(answerText) as { data?: { prepareLink?: PreparedLink }; errors?: unknown[] };
    expect(answer.errors).toBeUndefined();
    if (answer.data?.prepareLink === undefined) throw new Error(`no link: ${answerText}`);
    link = answer.data.prepareLink;
  });
  afterAll(async () => {
    await gateway?.stop();
    await auth?.close();
    await lean?.close();
    await database?.drop();
  });

  it('answers app_token, customer_id, permissions and a fresh access_token of this customer only, with its expiry', () => {
    expect(link.options).toEqual({
      app_token: TEST_APP_TOKEN,
      customer_id: customer.leanCustomerId,
      permissions: ['identity', 'accounts', 'balance', 'transactions'],
      sandbox: true,
      bank_identifier: 'LEANMB1',
      access_token: link.accessToken,
    });
    const customerTokens = auth.issued.filter((token) => token.scope === `customer.${customer.leanCustomerId}`);
    expect(customerTokens.map((token) => token.token)).toEqual([link.accessToken]);
    const expiresIn = Date.parse(link.accessTokenExpiresAt ?? '') - Date.now();
    expect(expiresIn).toBeGreaterThan(50 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);
  });

  it('never answers (or logs) the client secret or a token that reads data (scope api)', () => {
    const apiTokens = auth.issued.filter((token) => token.scope === 'api').map((token) => token.token);
    expect(apiTokens.length).toBeGreaterThan(0);
    const logs = gateway.logs.join('\n');
    for (const secret of [TEST_CLIENT_SECRET, ...apiTokens]) {
      expect(answerText).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toContain(link.accessToken);
  });

  it('the emulator connects with the options as returned, and refuses that token on data routes', async () => {
    const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', link.options);
    expect(connected.status).toBe(201);
    const data = await fetch(`${lean.url}/data/v2/accounts?entity_id=${connected.body.id}`, { headers: { authorization: `Bearer ${link.accessToken ?? ''}` } });
    expect(data.status).toBe(403);
    expect(((await data.json()) as { status: string }).status).toBe('INSUFFICIENT_SCOPE');
  });

  it("the emulator's connect refuses an api token, another customer's token and one it never issued", async () => {
    const other = await createCustomer(gateway, 'link-v2-other');
    const options = (accessToken: string) => ({ ...link.options, access_token: accessToken });
    expect((await lean.control('POST', '/sandbox/connect', options(await lean.token('api')))).status).toBe(403);
    expect((await lean.control('POST', '/sandbox/connect', options(await lean.token(`customer.${other.leanCustomerId}`)))).status).toBe(403);
    expect((await lean.control('POST', '/sandbox/connect', options('not-a-token-this-lean-issued'))).status).toBe(401);
  });
});

describe('prepareLink under v1: no access token (the app token is enough)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('link_v1');
    gateway = await startTestGateway({ ...database.env, LEAN_API_VERSION: 'v1' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('answers the v1 options and null token fields', async () => {
    const customer = await createCustomer(gateway, 'link-v1');
    const answer = await postGraphQL(gateway.url, PREPARE_LINK, { variables: { customerId: customer.id } });
    expect(answer.body.errors).toBeUndefined();
    const link = answer.body.data?.['prepareLink'] as PreparedLink;
    expect(link).toMatchObject({ accessToken: null, accessTokenExpiresAt: null });
    expect(Object.keys(link.options).sort()).toEqual(['app_token', 'customer_id', 'permissions', 'sandbox']);
  });
});
