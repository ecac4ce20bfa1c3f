import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OAuthTokenSource } from '../src/lean/oauth-token.js';
import { LeanCallCounter, LeanTransport } from '../src/lean/transport.js';
import { LeanV2Client } from '../src/lean/v2/client.js';
import { createLogger } from '../src/log.js';
import { LeanApiError, LeanAuthError, LeanUnavailableError } from '../src/model/upstream-errors.js';
import { startTracing, type Tracing } from '../src/observability/tracing.js';
import { CLIENT_ID, CLIENT_SECRET, postmanSample, startLeanV2Double, v2ClientOf, type LeanV2Double } from './kit/lean-v2.js';

const TOKEN = 'POST /oauth2/token';
const ACCOUNTS = 'GET /data/v2/accounts';
const ENTITY_ID = 'a5b20a61-157a-400e-8588-738523ba6431';
const CUSTOMER_ID = 'a33a50fc-b29c-4c03-9cab-379280d7e500';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rejection = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

/** An OTLP/HTTP collector that keeps each exported body, to see what the spans carry. */
async function startSpanReceiver(): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
}

let double: LeanV2Double;
let lean: LeanV2Client;
let logs: string[];
/** Every log line, error text and span body of the whole file: none may hold the secret or a token. */
const everythingSaid: string[] = [];
let spans: Awaited<ReturnType<typeof startSpanReceiver>>;
let tracing: Tracing;

beforeAll(async () => {
  spans = await startSpanReceiver();
  tracing = startTracing({ endpoint: spans.url, serviceName: 'lean-oauth-test' }, createLogger('silent'));
});

beforeEach(async () => {
  double = await startLeanV2Double();
  double.answer('GET', '/data/v2/accounts', () => ({ body: postmanSample('KSA', 'Get Account') }));
  ({ lean, logs } = v2ClientOf(double));
});

afterEach(async () => {
  everythingSaid.push(...logs);
  await lean.close();
  await double.close();
});

afterAll(async () => {
  await tracing.shutdown();
  await new Promise<void>((resolve) => spans.server.close(() => resolve()));
  const said = [...everythingSaid, ...spans.bodies].join('\n');
  // The whole file's logs, errors and spans, checked once every test has run.
  expect(spans.bodies.join('\n')).toContain(TOKEN);
  expect(said).not.toContain(CLIENT_SECRET);
  expect(said).not.toMatch(/eyJ\.test-token-\d+/);
});

const tokenRequests = () => double.tokenRequests.length;
const accountsOk = async () => {
  const answer = await lean.accounts(ENTITY_ID);
  expect(answer.kind).toBe('ok');
};
/** The error, with everything it would show in a log: message, fields, cause. */
const spoken = (error: unknown) => (error instanceof Error ? `${error.message} ${JSON.stringify(error)} ${String(error.cause)}` : String(error));

describe('the api token', () => {
  it('is asked for with the client credentials, form-encoded, scope api', async () => {
    await accountsOk();
    const [request] = double.tokenRequests;
    expect(request?.path).toBe('/auth/oauth2/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, grant_type: 'client_credentials', scope: 'api' });
  });

  it('50 concurrent cold calls cause exactly one token request, and every call carries that bearer and no lean-app-token', async () => {
    await Promise.all(Array.from({ length: 50 }, accountsOk));
    expect(tokenRequests()).toBe(1);
    expect(double.apiRequests).toHaveLength(50);
    for (const request of double.apiRequests) {
      expect(request.headers.authorization).toBe(`Bearer ${double.issued[0]}`);
      expect(request.headers['lean-app-token']).toBeUndefined();
    }
    // Token requests are counted beside the calls, so metrics see them.
    expect(lean.calls.count(TOKEN, 'ok')).toBe(1);
    expect(lean.calls.count(ACCOUNTS, 'ok')).toBe(50);
  });

  it('is reused until shortly before it expires; one that expires mid-run is renewed by exactly one request', async () => {
    double.expiresIn = 1;
    await Promise.all(Array.from({ length: 20 }, accountsOk));
    expect(tokenRequests()).toBe(1);
    await sleep(1_050); // the token is past its end at the double, which refuses it now
    await Promise.all(Array.from({ length: 20 }, accountsOk));
    expect(tokenRequests()).toBe(2);
    // Renewed before use, not after a refusal: no call was answered 401.
    expect(lean.calls.count(ACCOUNTS, 'http_401')).toBe(0);
    expect(double.apiRequests.slice(20).every((request) => request.headers.authorization === `Bearer ${double.issued[1]}`)).toBe(true);
  });

  it('a 401 on a data call fetches one new token and retries once; 20 calls refused at once still fetch exactly one', async () => {
    await accountsOk();
    double.revokeIssued();
    await Promise.all(Array.from({ length: 20 }, accountsOk));
    expect(tokenRequests()).toBe(2);
    expect(lean.calls.count(ACCOUNTS, 'http_401')).toBe(20);
    expect(lean.calls.count(ACCOUNTS, 'ok')).toBe(21);
    expect(double.apiRequests).toHaveLength(41); // 1 + 20 refused + 20 retried, and no more
  });

  it('a second 401 is an error, not a loop, and does not use up the retry budget or open the circuit', async () => {
    double.refuseEveryToken = true;
    const error = await rejection(lean.accounts(ENTITY_ID));
    expect(error).toBeInstanceOf(LeanApiError);
    expect(error).toMatchObject({ httpStatus: 401, retryable: false });
    expect(tokenRequests()).toBe(2);
    expect(double.apiRequests).toHaveLength(2);
    everythingSaid.push(spoken(error));

    // Five more refusals in a row (the circuit opens after 5 failures): a 401 is not an outage.
    for (let i = 0; i < 5; i++) await rejection(lean.accounts(ENTITY_ID));
    double.refuseEveryToken = false;
    double.revokeIssued();
    await accountsOk();
  });

  it('a 401 on a write (creating a customer) is also sent once more with a new token: Lean did nothing with it', async () => {
    double.answer('POST', '/customers/v1/', () => ({ body: postmanSample('KSA', 'Create Customer') }));
    await accountsOk();
    double.revokeIssued();
    const customer = await lean.createCustomer('lean_app_user_id_1');
    expect(customer).toEqual({ id: CUSTOMER_ID, appUserId: 'lean_app_user_id_1' });
    expect(lean.calls.count('POST /customers/v1')).toBe(2);
    expect(tokenRequests()).toBe(2);
  });
});

describe('renewing while the auth server is down', () => {
  it('keeps using the token held while it is still valid, and renews once the server is back', async () => {
    let clock = Date.now();
    const calls = new LeanCallCounter();
    const log = createLogger('silent');
    const tokens = new OAuthTokenSource({ authUrl: double.authUrl, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, timeoutMs: 2_000, maxRetries: 1, retryBaseMs: 5, calls, log, now: () => clock });
    const transport = new LeanTransport({ baseUrl: double.url, auth: { kind: 'bearer', tokens }, calls, timeoutMs: 2_000, maxConcurrency: 4, maxRetries: 0, log });
    const client = new LeanV2Client({ transport, tokens, onClose: () => tokens.close() });
    try {
      expect((await client.accounts(ENTITY_ID)).kind).toBe('ok');
      clock += 3_570_000; // 29 s before the end of the hour: due for renewal, still valid
      double.failTokenRequests(503, 2);
      expect((await client.accounts(ENTITY_ID)).kind).toBe('ok');
      expect(tokenRequests()).toBe(3); // the renewal and its retry, both 503
      expect(double.apiRequests.every((request) => request.headers.authorization === `Bearer ${double.issued[0]}`)).toBe(true);
      // The next renewal is tried a few seconds later, not by every call in between.
      expect((await client.accounts(ENTITY_ID)).kind).toBe('ok');
      expect(tokenRequests()).toBe(3);
      clock += 5_000;
      expect((await client.accounts(ENTITY_ID)).kind).toBe('ok');
      expect(double.issued).toHaveLength(2);
      expect(double.apiRequests.at(-1)?.headers.authorization).toBe(`Bearer ${double.issued[1]}`);
      clock += 3_600_000; // past the end of the renewed token: an outage now fails the call
      double.failTokenRequests(503, 2);
      expect(await rejection(client.accounts(ENTITY_ID))).toMatchObject({ name: 'LeanUnavailableError', endpoint: TOKEN });
    } finally {
      await client.close();
    }
  });
});

describe('refused credentials', () => {
  it('are a typed LeanAuthError (LEAN_CREDENTIALS_REFUSED) naming the client id, never the secret; concurrent callers share the one refusal', async () => {
    double.acceptedSecret = 'the-secret-was-rotated-at-lean';
    const errors = await Promise.all(Array.from({ length: 10 }, () => rejection(lean.accounts(ENTITY_ID))));
    expect(tokenRequests()).toBe(1);
    expect(double.apiRequests).toHaveLength(0); // no call goes out without a token
    for (const error of errors) {
      expect(error).toBeInstanceOf(LeanAuthError);
      expect(error).toMatchObject({ code: 'LEAN_CREDENTIALS_REFUSED', httpStatus: 401, oauthError: 'invalid_client', retryable: false });
      expect((error as Error).message).toContain(`client id ${CLIENT_ID}`);
      expect(spoken(error)).not.toContain(CLIENT_SECRET);
      everythingSaid.push(spoken(error));
    }
    expect(lean.calls.count(TOKEN, 'credentials_refused')).toBe(1);
  });

  it('leave nothing broken: once Lean accepts the credentials again, calls work, the circuit never opened', async () => {
    double.acceptedSecret = 'the-secret-was-rotated-at-lean';
    for (let i = 0; i < 8; i++) expect(await rejection(lean.accounts(ENTITY_ID))).toBeInstanceOf(LeanAuthError);
    expect(await rejection(lean.customerLinkToken(CUSTOMER_ID))).toBeInstanceOf(LeanAuthError);
    double.acceptedSecret = CLIENT_SECRET;
    await Promise.all(Array.from({ length: 5 }, accountsOk));
    expect(await lean.customerLinkToken(CUSTOMER_ID)).toMatchObject({ accessToken: expect.any(String) as unknown });
    expect(lean.calls.count(TOKEN, 'ok')).toBe(2);
  });
});

describe('an auth server that is down', () => {
  it('5xx on the token request is retried, then LeanUnavailableError naming the token endpoint', async () => {
    double.failTokenRequests(503, 10);
    const error = await rejection(lean.accounts(ENTITY_ID));
    expect(error).toBeInstanceOf(LeanUnavailableError);
    expect(error).toMatchObject({ endpoint: TOKEN, retryable: true });
    expect(tokenRequests()).toBe(3); // maxRetries 2
    expect(double.apiRequests).toHaveLength(0);
    everythingSaid.push(spoken(error));
  });

  it('a brief 5xx is ridden out by the retries', async () => {
    double.failTokenRequests(502, 1);
    await accountsOk();
    expect(lean.calls.count(TOKEN, 'http_502')).toBe(1);
    expect(lean.calls.count(TOKEN, 'ok')).toBe(1);
  });

  it('no answer at all is LeanUnavailableError (network)', async () => {
    const closed = v2ClientOf(double, { authUrl: 'http://127.0.0.1:9', maxRetries: 0 });
    try {
      const error = await rejection(closed.lean.accounts(ENTITY_ID));
      expect(error).toMatchObject({ name: 'LeanUnavailableError', reason: 'network', endpoint: TOKEN });
      everythingSaid.push(spoken(error), ...closed.logs);
    } finally {
      await closed.lean.close();
    }
  });
});

describe('the customer token for the Link SDK', () => {
  it('is scope customer.<id>, fresh on every call (never the api token), with its expiry', async () => {
    await accountsOk();
    const before = Date.now();
    const first = await lean.customerLinkToken(CUSTOMER_ID);
    const second = await lean.customerLinkToken(CUSTOMER_ID);
    expect(tokenRequests()).toBe(3);
    expect(new URLSearchParams(double.tokenRequests[1]?.body).get('scope')).toBe(`customer.${CUSTOMER_ID}`);
    expect(first.accessToken).not.toBe(second.accessToken);
    expect([first.accessToken, second.accessToken]).not.toContain(double.issued[0]);
    expect(first.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3_599_000 - 1_000);
    expect(first.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3_599_000);
    // The api token is untouched: the next data call asks for nothing.
    await accountsOk();
    expect(tokenRequests()).toBe(3);
  });

  it('a token issued for another scope than asked (api: it could read data) is never handed to a browser', async () => {
    double.answerScope = 'api';
    const error = await rejection(lean.customerLinkToken(CUSTOMER_ID));
    expect(error).toMatchObject({ name: 'LeanProtocolError', endpoint: TOKEN });
    everythingSaid.push(spoken(error));
  });
});

describe('the v1 transport beside it', () => {
  it('still takes appToken and sends lean-app-token only', async () => {
    const transport = new LeanTransport({ baseUrl: double.url, appToken: 'v1-app-token-0123', timeoutMs: 2_000, maxConcurrency: 2, maxRetries: 0, log: createLogger('silent') });
    try {
      await rejection(transport.send({ method: 'GET', path: '/data/v2/accounts', endpoint: ACCOUNTS, retry: false }));
      const [request] = double.apiRequests;
      expect(request?.headers['lean-app-token']).toBe('v1-app-token-0123');
      expect(request?.headers.authorization).toBeUndefined();
    } finally {
      await transport.close();
    }
  });

  it('refuses to be given both an app token and bearer auth', () => {
    expect(
      () =>
        new LeanTransport({
          baseUrl: double.url,
          appToken: 'v1-app-token-0123',
          auth: { kind: 'bearer', tokens: { token: () => Promise.resolve('x'), invalidate: () => undefined } },
          timeoutMs: 2_000,
          maxConcurrency: 2,
          maxRetries: 0,
          log: createLogger('silent'),
        }),
    ).toThrow(/not both/);
  });
});
