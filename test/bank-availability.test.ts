import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, globalId, leanCalls, linkBank, resetLeanCalls, sandboxControl, webhooksApplied, type CreatedCustomer, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, type GraphQLResponse } from './kit/graphql.js';
import { withoutTokenCalls } from './kit/lean-version.js';
import { subscribe, type Subscription } from './kit/subscriptions.js';
import { startTestSandbox, type TestSandbox } from './kit/sandbox.js';
import { postWebhook, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

const SERVICE_KEY = 'svc_bank_availability_0123456789abcdef';
const JWT_SECRET = 'bank-availability-signing-secret-of-32-bytes';
const BANK = 'LEA1_SAMAOB_SAU';
const OTHER_BANK = 'LEA2_SAMAOB_SAU';

const ENTITY_DATA = /* GraphQL */ `
  query ($entity: ID!, $account: ID!, $unread: ID!) {
    entity: node(id: $entity) {
      ... on Entity {
        bank { identifier availability { data payments } }
        accounts { __typename ... on AccountList { accounts { leanAccountId } } ... on BankUnavailable { bankIdentifier } }
      }
    }
    account: node(id: $account) {
      ... on Account {
        balance { __typename ... on Balance { amount stale staleReason } ... on BankUnavailable { bankIdentifier } }
        transactions(first: 100) { __typename ... on TransactionConnection { edges { node { leanTransactionId } } } ... on BankUnavailable { bankIdentifier } }
      }
    }
    unread: node(id: $unread) {
      ... on Account {
        balance { __typename ... on Balance { stale staleReason } ... on BankUnavailable { bankIdentifier message } }
        standingOrders { __typename ... on BankUnavailable { bankIdentifier } }
      }
    }
  }
`;

const AVAILABILITY_CHANGED = /* GraphQL */ `
  subscription ($identifier: String) { bankAvailabilityChanged(identifier: $identifier) { identifier availability { data payments } } }
`;

interface EntityData {
  entity: { bank: { identifier: string; availability: { data: boolean; payments: boolean } }; accounts: { __typename: string; accounts?: { leanAccountId: string }[]; bankIdentifier?: string } };
  account: {
    balance: { __typename: string; amount?: string; stale?: boolean; staleReason?: string | null; bankIdentifier?: string };
    transactions: { __typename: string; edges?: { node: { leanTransactionId: string } }[]; bankIdentifier?: string };
  };
  unread: {
    balance: { __typename: string; stale?: boolean; staleReason?: string | null; bankIdentifier?: string; message?: string };
    standingOrders: { __typename: string; bankIdentifier?: string };
  };
}

interface AvailabilityEvent {
  bankAvailabilityChanged: { identifier: string; availability: { data: boolean; payments: boolean } };
}

/** A `bank.availability.updated` body as Lean sends it (KSA Postman sample), for the given moment. */
function availabilityWebhook(eventId: string, timestamp: string, data: boolean, payload?: unknown): string {
  return JSON.stringify({
    type: 'bank.availability.updated',
    payload: payload ?? { identifier: BANK, availability: { active: { payments: data, data }, enabled: { payments: true, data: true } } },
    message: 'The bank status has been updated.',
    timestamp,
    event_id: eventId,
  });
}

describe('bank availability: bank.availability.updated takes a bank down and up', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let customer: CreatedCustomer;
  let entity: LinkedEntity;
  let other: LinkedEntity;
  let userToken: string;
  let changes: Subscription<AvailabilityEvent>;
  /** The down webhook the emulator sent: its body, as Lean would redeliver it. */
  let downBody: string;

  /** Reads the entity's bank and accounts, its first account's balance and transactions, and (`unread`) its second account's balance. */
  const readEntity = async (linked: LinkedEntity = entity, unread = linked.accountIds[1] ?? ''): Promise<{ answer: GraphQLResponse; data: EntityData }> => {
    const answer = await postGraphQL(gateway.url, ENTITY_DATA, {
      token: SERVICE_KEY,
      variables: { entity: globalId('Entity', linked.id), account: globalId('Account', linked.accountIds[0] ?? ''), unread: globalId('Account', unread) },
    });
    return { answer, data: answer.body.data as unknown as EntityData };
  };
  const dataCalls = async () => withoutTokenCalls((await leanCalls(gateway)).calls);
  const recorded = async () =>
    gateway.database.db.selectFrom('bank_availability').select(['data_available', 'payments_available', 'as_of', 'source']).where('identifier', '=', BANK).executeTakeFirst();
  const statusOfEvent = async (eventId: string) =>
    (await gateway.database.db.selectFrom('webhook_inbox').select(['status', 'last_error']).where('event_key', '=', eventId).executeTakeFirst())?.status;

  beforeAll(async () => {
    database = await createTestDatabase('bank_availability');
    gateway = await startTestGateway({
      ...database.env,
      GATEWAY_API_KEYS: SERVICE_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
      LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      LEAN_MAX_RETRIES: '0',
      // Every copy is out of date a second after it was read: reads then must ask Lean, unless the bank is down.
      CACHE_TTL_ACCOUNTS_SECONDS: '1',
      CACHE_TTL_BALANCE_SECONDS: '1',
      CACHE_TTL_RECENT_TRANSACTIONS_SECONDS: '1',
    });
    customer = await createCustomer(gateway, 'bank-availability-user', { token: SERVICE_KEY });
    entity = await linkBank(gateway, customer.leanCustomerId, BANK, ['identity', 'accounts', 'balance', 'transactions', 'standing_orders']);
    other = await linkBank(gateway, customer.leanCustomerId, OTHER_BANK);
    expect(entity.accountIds.length).toBeGreaterThanOrEqual(2);
    expect(other.accountIds.length).toBeGreaterThanOrEqual(2);
    // Read once while the bank is up: accounts, the first account's balance and transactions are stored; the second account's balance is not.
    // (Twice: an account is found by its id once the entity's account list is stored.)
    for (const linked of [entity, entity, other, other]) {
      const { answer, data } = await readEntity(linked, '00000000-0000-4000-8000-000000000000');
      expect(answer.body.errors).toBeUndefined();
      expect(data.entity.accounts.__typename).toBe('AccountList');
    }
    expect(await gateway.database.db.selectFrom('balances').select('account_id').where('account_id', 'in', [entity.accountIds[1] ?? '', other.accountIds[1] ?? '']).execute()).toEqual([]);
    userToken = await signEndUserJwt(JWT_SECRET, { sub: 'bank-availability-user' });
  });
  afterAll(async () => {
    await changes?.close();
    await gateway?.stop();
    await database?.drop();
  });

  it('taking the bank down through the emulator delivers a signed webhook; Bank.availability reads down and an end user subscribed hears it', async () => {
    changes = subscribe<AvailabilityEvent>(gateway.url, AVAILABILITY_CHANGED, { token: userToken, variables: { identifier: BANK } });
    await changes.ready;
    const taken = await sandboxControl(gateway, 'POST', `/sandbox/banks/${BANK}/availability`, { data: false, payments: false });
    expect(taken.status).toBe(200);
    const eventId = (taken.body as { event_id: string }).event_id;
    // The gateway checks lean-signature with LEAN_WEBHOOK_SECRET: it stored and applied the emulator's webhook.
    await webhooksApplied(gateway, (row) => row.type === 'bank.availability.updated');
    expect(await statusOfEvent(eventId)).toBe('APPLIED');
    const delivery = gateway.sandbox?.webhooks.find((sent) => sent.event_id === eventId);
    expect(delivery?.delivered).toBe(true);
    expect(delivery?.attempts.map((attempt) => attempt.status)).toEqual([200]);
    downBody = delivery?.body ?? '';

    expect(await changes.next(1)).toEqual({ bankAvailabilityChanged: { identifier: BANK, availability: { data: false, payments: false } } });
    expect(await recorded()).toMatchObject({ data_available: false, payments_available: false, source: 'webhook' });
    const banks = await postGraphQL(gateway.url, '{ banks(region: KSA) { identifier availability { data payments } } }', { token: userToken });
    expect(banks.body.errors).toBeUndefined();
    const listed = (banks.body.data?.['banks'] as { identifier: string; availability: unknown }[]).map((bank) => [bank.identifier, bank.availability]);
    // The catalogue, read after the webhook, says the same (the emulator lists the bank down too); the other bank is up.
    expect(Object.fromEntries(listed)).toEqual({ [BANK]: { data: false, payments: false }, [OTHER_BANK]: { data: true, payments: false } });
  });

  it("while the bank's data is down, reads of its entities make no Lean call: the stored copy marked stale (BANK_UNAVAILABLE), or BankUnavailable", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await resetLeanCalls(gateway);
    const { answer, data } = await readEntity();
    expect(await dataCalls()).toEqual({});
    expect(data.account).not.toBeNull();
    expect(data.entity.bank).toEqual({ identifier: BANK, availability: { data: false, payments: false } });
    expect(data.entity.accounts.__typename).toBe('AccountList');
    expect(data.entity.accounts.accounts?.map((account) => account.leanAccountId).sort()).toEqual([...entity.accountIds].sort());
    expect(data.account.balance).toMatchObject({ __typename: 'Balance', stale: true, staleReason: 'BANK_UNAVAILABLE' });
    expect(data.account.balance.amount).toMatch(/^-?\d+(\.\d+)?$/);
    expect(data.account.transactions.__typename).toBe('TransactionConnection');
    expect(data.account.transactions.edges?.length).toBeGreaterThan(0);
    // Nothing stored of the second account's balance: a typed answer, not a call.
    expect(data.unread.balance).toMatchObject({ __typename: 'BankUnavailable', bankIdentifier: BANK });
    // So does a KSA dataset never read.
    expect(data.unread.standingOrders).toEqual({ __typename: 'BankUnavailable', bankIdentifier: BANK });
    // Each stale copy is said so beside the data, with the typed reason.
    const staleWarnings = (answer.body.errors ?? []) as { extensions?: { code?: string; stale?: boolean; bankIdentifier?: string }; path?: unknown[] }[];
    expect(staleWarnings.map((warning) => warning.path?.join('.')).sort()).toEqual(['account.balance', 'account.transactions', 'entity.accounts']);
    for (const warning of staleWarnings) expect(warning.extensions).toMatchObject({ code: 'BANK_UNAVAILABLE', stale: true, bankIdentifier: BANK });
    expect(errorCodes(answer).every((code) => code === 'BANK_UNAVAILABLE')).toBe(true);

    // Another bank's entities are read from Lean as usual.
    await resetLeanCalls(gateway);
    const elsewhere = await readEntity(other);
    expect(elsewhere.answer.body.errors).toBeUndefined();
    expect(elsewhere.data.account.balance).toMatchObject({ __typename: 'Balance', stale: false, staleReason: null });
    expect(Object.values(await dataCalls()).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('a redelivered, out-of-order or malformed availability webhook changes nothing', async () => {
    const before = await recorded();
    const downAt = (JSON.parse(downBody) as { timestamp: string }).timestamp;
    const earlier = new Date(new Date(downAt).getTime() - 60_000).toISOString();
    const webhooks: [string, string][] = [
      // Lean redelivering the same event, and the same statement under another event id.
      ['redelivered', downBody],
      ['same-moment', availabilityWebhook('evt-same-moment', downAt, true)],
      // An "up" sent before the "down" that arrives after it.
      ['late-up', availabilityWebhook('evt-late-up', earlier, true)],
      ['no-availability', availabilityWebhook('evt-no-availability', new Date(Date.now() + 1_000).toISOString(), true, { identifier: BANK })],
      ['not-booleans', availabilityWebhook('evt-not-booleans', new Date(Date.now() + 1_000).toISOString(), true, { identifier: BANK, availability: { active: { data: 'yes', payments: 1 }, enabled: {} } })],
      ['no-bank', availabilityWebhook('evt-no-bank', new Date(Date.now() + 1_000).toISOString(), true, { availability: { active: { data: true, payments: true }, enabled: { data: true, payments: true } } })],
    ];
    for (const [, body] of webhooks) expect((await postWebhook(gateway.url, body)).status).toBe(200);
    await webhooksApplied(gateway, (row) => row.body.includes('evt-no-bank'));
    for (const eventId of ['evt-same-moment', 'evt-late-up', 'evt-no-availability', 'evt-not-booleans', 'evt-no-bank']) expect(await statusOfEvent(eventId)).toBe('IGNORED');
    const redelivered = await gateway.database.db.selectFrom('webhook_inbox').select('status').where('body', '=', downBody).execute();
    expect(redelivered).toEqual([{ status: 'APPLIED' }]);
    expect(await recorded()).toEqual(before);
    await resetLeanCalls(gateway);
    const { data } = await readEntity();
    expect(data.entity.bank.availability).toEqual({ data: false, payments: false });
    expect(data.account.balance.staleReason).toBe('BANK_UNAVAILABLE');
    expect(await dataCalls()).toEqual({});
    // Nothing was published for them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(changes.received).toHaveLength(1);
  });

  it('bringing the bank up through the emulator restores reads from Lean', async () => {
    expect((await sandboxControl(gateway, 'POST', `/sandbox/banks/${BANK}/availability`, { data: true, payments: true })).status).toBe(200);
    expect(await changes.next(2)).toEqual({ bankAvailabilityChanged: { identifier: BANK, availability: { data: true, payments: true } } });
    expect(await recorded()).toMatchObject({ data_available: true, payments_available: true, source: 'webhook' });
    await resetLeanCalls(gateway);
    const { answer, data } = await readEntity();
    expect(answer.body.errors).toBeUndefined();
    expect(data.entity.bank.availability).toEqual({ data: true, payments: true });
    expect(data.account.balance).toMatchObject({ __typename: 'Balance', stale: false, staleReason: null });
    expect(data.unread.balance).toMatchObject({ __typename: 'Balance', stale: false, staleReason: null });
    const calls = await dataCalls();
    expect(Object.values(calls).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
  });

  it("a catalogue read older than Lean's latest webhook does not undo it", async () => {
    // Lean says (as of a minute from now) that the other bank is down; the catalogue the gateway reads now still lists it up.
    const ahead = new Date(Date.now() + 60_000).toISOString();
    const body = JSON.stringify({
      type: 'bank.availability.updated',
      payload: { identifier: OTHER_BANK, availability: { active: { payments: true, data: false }, enabled: { payments: true, data: true } } },
      message: 'The bank status has been updated.',
      timestamp: ahead,
      event_id: 'evt-other-down',
    });
    expect((await postWebhook(gateway.url, body)).status).toBe(200);
    await webhooksApplied(gateway, (row) => row.body.includes('evt-other-down'));
    await gateway.database.db.deleteFrom('bank_catalogue_reads').execute();
    await resetLeanCalls(gateway);
    const banks = await postGraphQL(gateway.url, '{ banks(region: KSA) { identifier availability { data payments } } }', { token: SERVICE_KEY });
    expect((await dataCalls())['GET /banks/v1']).toBe(2);
    const listedOther = (banks.body.data?.['banks'] as { identifier: string; availability: unknown }[]).find((bank) => bank.identifier === OTHER_BANK);
    expect(listedOther?.availability).toEqual({ data: false, payments: true });
    // The bank's entities stay behind the webhook too: no Lean call for their data.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await resetLeanCalls(gateway);
    const { data } = await readEntity(other);
    expect(data.account.balance).toMatchObject({ __typename: 'Balance', stale: true, staleReason: 'BANK_UNAVAILABLE' });
    expect(await dataCalls()).toEqual({});
  });
});

describe('the emulator while a bank is down', () => {
  let lean: TestSandbox;
  beforeAll(async () => {
    lean = await startTestSandbox();
  });
  afterAll(async () => {
    await lean?.close();
  });

  it("answers its data calls 500 (as Lean does when it cannot read the bank), lists it down in GET /banks/v1, and sends bank.availability.updated in Lean's shape", async () => {
    const customer = (await lean.raw('POST', '/customers/v1/', { app_user_id: `down-${Date.now()}` })).body as { customer_id: string };
    const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.customer_id, bank_identifier: BANK, permissions: ['accounts', 'balance'] });
    expect(connected.status).toBe(201);
    const accounts = () => lean.v2('GET', `/data/v2/accounts?entity_id=${connected.body.id}`);
    const listed = async () => ((await lean.v2('GET', '/banks/v1?account_types=PERSONAL')).body as { identifier: string; availability: unknown }[]).find((bank) => bank.identifier === BANK)?.availability;
    expect((await accounts()).status).toBe(200);

    const down = await lean.control<{ availability: unknown; event_id: string }>('POST', `/sandbox/banks/${BANK}/availability`, { data: false, payments: false });
    expect(down.status).toBe(200);
    const availability = { active: { payments: false, data: false }, enabled: { payments: true, data: true } };
    expect(down.body.availability).toEqual(availability);
    const failed = await accounts();
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ status: 'INTERNAL_SERVER_ERROR' });
    expect(await listed()).toEqual(availability);
    const sent = lean.sandbox.webhooks.find((delivery) => delivery.event_id === down.body.event_id);
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({
      type: 'bank.availability.updated',
      payload: { identifier: BANK, availability },
      message: 'The bank status has been updated.',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      event_id: down.body.event_id,
    });

    expect((await lean.control('POST', `/sandbox/banks/${BANK}/availability`, { data: 'no' })).status).toBe(400);
    expect((await lean.control('POST', '/sandbox/banks/NO_SUCH_BANK/availability', { data: false })).status).toBe(404);
    expect((await lean.control('POST', `/sandbox/banks/${BANK}/availability`, { data: true, payments: true })).status).toBe(200);
    expect((await accounts()).status).toBe(200);
    expect(await listed()).toEqual({ active: { payments: true, data: true }, enabled: { payments: true, data: true } });
  });
});
