import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, leanCalls, linkBank } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';
import { TOKEN_ENDPOINT } from './kit/lean-version.js';
import { startTestSandbox, TEST_CLIENT_ID, TEST_CLIENT_SECRET, type TestSandbox } from './kit/sandbox.js';

/** The gateway on Lean's v2 API, as a user meets it: OAuth2 tokens shared by every call, refused credentials typed. */

const OVERVIEW = /* GraphQL */ `
  query ($id: ID!) {
    customer(id: $id) {
      entities {
        accounts {
          __typename
          ... on AccountList { accounts { balance { __typename } transactions(first: 5) { __typename } } }
        }
      }
    }
  }
`;

describe("the gateway on Lean's v2 API (the in-process emulator)", () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  beforeAll(async () => {
    database = await createTestDatabase('lean_v2_gateway');
    gateway = await startTestGateway({ ...database.env, LEAN_API_VERSION: 'v2' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('a whole run, customers, links and 20 concurrent cold overviews included, makes one token request', async () => {
    expect(gateway.lean.version).toBe('v2');
    const customers = await Promise.all(['token-a', 'token-b'].map((appUserId) => createCustomer(gateway, appUserId)));
    for (const customer of customers) await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    const answers = await Promise.all(customers.flatMap((customer) => Array.from({ length: 10 }, () => postGraphQL(gateway.url, OVERVIEW, { variables: { id: customer.id } }))));
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    const { calls } = await leanCalls(gateway);
    expect(calls[TOKEN_ENDPOINT]).toBe(1);
    // Every data call carried the bearer: the emulator answers 401 to a v2 call without one.
    expect(calls['GET /data/v2/accounts']).toBeGreaterThan(0);
    expect(gateway.logs.filter((line) => line.includes('"httpStatus":401'))).toEqual([]);
  });
});

describe('refused client credentials', () => {
  let database: TestDatabase;
  let sandbox: TestSandbox;
  let refused: TestGateway;
  const WRONG_SECRET = 'not-the-client-secret-0123456789';
  const remoteEnv = (secret: string) => ({
    ...database.env,
    LEAN_API_URL: sandbox.url,
    LEAN_AUTH_URL: sandbox.url,
    LEAN_CLIENT_ID: TEST_CLIENT_ID,
    LEAN_CLIENT_SECRET: secret,
  });
  beforeAll(async () => {
    database = await createTestDatabase('lean_v2_refused');
    sandbox = await startTestSandbox();
    refused = await startTestGateway(remoteEnv(WRONG_SECRET));
  });
  afterAll(async () => {
    await refused?.stop();
    await sandbox?.close();
    await database?.drop();
  });

  it('answer a typed error that names the cause and never the secret; the gateway keeps serving what needs no Lean', async () => {
    const answer = await postGraphQL(refused.url, 'mutation { createCustomer(appUserId: "refused-user") { id } }');
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', reason: 'credentials_refused' });
    expect(JSON.stringify(answer.body)).not.toContain(WRONG_SECRET);
    expect(refused.logs.join('\n')).not.toContain(WRONG_SECRET);
    // The operators learn why from the log: the token call, refused (the client id may be named there, the secret never).
    expect(refused.logs.some((line) => line.includes('"endpoint":"POST /oauth2/token"') && line.includes('"outcome":"credentials_refused"'))).toBe(true);
    expect((await fetch(`${refused.url}/healthz`)).status).toBe(200);
    expect((await postGraphQL(refused.url, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
  });

  it('with the right secret the same Lean serves a gateway as before (nothing else broke)', async () => {
    const fixed = await startTestGateway(remoteEnv(TEST_CLIENT_SECRET));
    try {
      const answer = await postGraphQL(fixed.url, 'mutation { createCustomer(appUserId: "fixed-user") { leanCustomerId } }');
      expect(answer.body.errors).toBeUndefined();
      expect(sandbox.sandbox.state.customer((answer.body.data?.['createCustomer'] as { leanCustomerId: string }).leanCustomerId)).toBeDefined();
    } finally {
      await fixed.stop();
    }
  });
});
