import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerOverviewDocument } from './gql/graphql.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, type GraphQLResponse } from './kit/graphql.js';
import { leanEndpoint } from './kit/lean-version.js';
import { startTestSandbox, TEST_APP_TOKEN, TEST_WEBHOOK_SECRET, type TestSandbox } from './kit/sandbox.js';

const OVERVIEW = print(CustomerOverviewDocument);
const BANKS = ['LEANMB1', 'LEANMB2'];

/** The calls one cold overview makes: the entity list, one account list per entity, a balance and the transactions of each account. */
function oneOverview(entities: number, accounts: number): Record<string, number> {
  return {
    [leanEndpoint('entities', 'v1')]: 1,
    [leanEndpoint('accounts', 'v1')]: entities,
    [leanEndpoint('balance', 'v1')]: accounts,
    [leanEndpoint('transactions', 'v1')]: accounts,
  };
}

describe.skipIf(!usingPostgres)('concurrent cold reads on two instances of one Postgres (PGlite is one instance by construction)', () => {
  let sandbox: TestSandbox;
  let database: TestDatabase;
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    // One emulator for both instances, sending no webhooks: a linked bank stays unread until a query asks.
    sandbox = await startTestSandbox();
    database = await createTestDatabase('shared_in_flight');
    const env = { ...database.env, LEAN_API_URL: sandbox.url, LEAN_APP_TOKEN: TEST_APP_TOKEN, LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET };
    first = await startTestGateway(env);
    second = await startTestGateway(env);
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await sandbox?.close();
    await database?.drop();
  });

  /** A customer created through the gateway who links two banks at Lean; nothing of them is read yet. */
  const linkedCustomer = async (appUserId: string): Promise<{ customer: CreatedCustomer; entities: number; accounts: number }> => {
    const customer = await createCustomer(first, appUserId);
    let accounts = 0;
    for (const bank of BANKS) {
      const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', {
        customer_id: customer.leanCustomerId,
        bank_identifier: bank,
        permissions: ['identity', 'accounts', 'balance', 'transactions'],
      });
      expect(connected.status).toBe(201);
      accounts += sandbox.sandbox.state.accountsOf(connected.body.id).length;
    }
    return { customer, entities: BANKS.length, accounts };
  };
  const calls = async () => (await sandbox.control<{ calls: Record<string, number> }>('GET', '/sandbox/stats')).body.calls;
  const resetCalls = () => sandbox.control('DELETE', '/sandbox/stats');
  const overview = (gateway: TestGateway, customer: CreatedCustomer) => postGraphQL(gateway.url, OVERVIEW, { variables: { customerId: customer.id } });
  const expectAnswered = (answer: GraphQLResponse) => {
    expect(answer.status).toBe(200);
    expect(answer.body.errors, JSON.stringify(answer.body.errors)).toBeUndefined();
    expect(answer.body.data?.['customer']).toBeTruthy();
  };

  it('20 cold overviews of one customer, 10 to each instance, cost the Lean calls of one overview', async () => {
    const single = await linkedCustomer('shared-in-flight-single');
    const many = await linkedCustomer('shared-in-flight-many');
    expect(many.accounts).toBeGreaterThanOrEqual(2);

    await resetCalls();
    expectAnswered(await overview(first, single.customer));
    expect(await calls()).toEqual(oneOverview(single.entities, single.accounts));

    await resetCalls();
    // The response cache is off in the kit (GATEWAY_RESPONSE_CACHE_SECONDS=0): every answer comes from the data layer.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => overview(index % 2 === 0 ? first : second, many.customer)));
    for (const answer of answers) expectAnswered(answer);
    expect(await calls()).toEqual(oneOverview(many.entities, many.accounts));
    // One read of each key: every answer holds the same copy, fetched once.
    for (const answer of answers) expect(answer.body).toEqual(answers[0]?.body);
  });
});
