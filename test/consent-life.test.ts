import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, webhooksApplied, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';
import { eventually, startTestSandbox, TEST_APP_TOKEN, TEST_WEBHOOK_SECRET, type TestSandbox } from './kit/sandbox.js';
import { subscribe, type Subscription } from './kit/subscriptions.js';

/**
 * Consents over their life: `Entity.consentState`, `consentExpiring` sent once per consent by the job
 * that runs on one instance at a time (two instances and a restart), `consentChanged` on a revocation
 * and on Lean's CONSENT_EXPIRED, and `prepareLink(renewEntityId:)`. The emulator's
 * `POST /sandbox/entities/{id}/consent` moves a consent's end so that expiry takes seconds.
 */

const DAY_MS = 86_400_000;
const KSA_BANK = 'LEA1_SAMAOB_SAU';
const UAE_BANK = 'LEANMB1';
const PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions'];

let sandbox: TestSandbox;
let database: TestDatabase;
let first: TestGateway;
/** A second instance on the same Postgres; with PGlite (one process by construction) the first stands in. */
let second: TestGateway | undefined;
let settings: Record<string, string>;

const other = () => second ?? first;

beforeAll(async () => {
  // The emulator's webhooks go to the first instance; the other instances share its database.
  sandbox = await startTestSandbox({ webhookUrl: () => `${first.url}/webhooks/lean`, refreshWebhooks: false });
  database = await createTestDatabase('consent-life');
  settings = {
    ...database.env,
    LEAN_API_URL: sandbox.url,
    LEAN_APP_TOKEN: TEST_APP_TOKEN,
    LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    GATEWAY_CONSENT_CHECK_SECONDS: '1',
    GATEWAY_CONSENT_NOTICE_DAYS: '7',
  };
  first = await startTestGateway(settings);
  if (usingPostgres) second = await startTestGateway(settings);
});

afterAll(async () => {
  await second?.stop();
  await first?.stop();
  await sandbox?.close();
  await database?.drop();
});

/** The Link SDK's part, played by the emulator; resolves once the gateway applied `entity.created`. */
async function link(customer: CreatedCustomer, bank: string, accessTo?: Date): Promise<string> {
  const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', {
    customer_id: customer.leanCustomerId,
    bank_identifier: bank,
    permissions: PERMISSIONS,
    ...(accessTo !== undefined && { access_to: accessTo.toISOString() }),
  });
  expect(connected.status).toBe(201);
  await webhooksApplied(first, (row) => row.type === 'entity.created' && row.body.includes(connected.body.id));
  return connected.body.id;
}

/** Moves the consent's end at the emulator and waits until the gateway applied the `entity.updated` that follows. */
async function moveConsentEnd(entityId: string, expiresAt: Date): Promise<void> {
  const before = await updatesApplied(entityId);
  const moved = await sandbox.control<{ consents: { expiration_date_time: string | null }[] }>('POST', `/sandbox/entities/${entityId}/consent`, { expires_at: expiresAt.toISOString() });
  expect(moved.status).toBe(200);
  expect(moved.body.consents[0]?.expiration_date_time).toBe(expiresAt.toISOString());
  await eventually(async () => (await updatesApplied(entityId)) > before, 10_000);
}

async function updatesApplied(entityId: string): Promise<number> {
  const rows = await first.database.db.selectFrom('webhook_inbox').select(['type', 'body', 'status']).execute();
  return rows.filter((row) => row.type === 'entity.updated' && row.body.includes(entityId) && row.status === 'APPLIED').length;
}

async function entityState(gateway: TestGateway, entityId: string): Promise<{ consentState: string; expiresAt: string | null }> {
  const answer = await postGraphQL(gateway.url, 'query ($id: ID!) { node(id: $id) { ... on Entity { consentState consents { expiresAt } } } }', {
    variables: { id: globalId('Entity', entityId) },
  });
  const consents = dataAt(answer, 'node.consents') as { expiresAt: string | null }[] | undefined;
  return { consentState: dataAt(answer, 'node.consentState') as string, expiresAt: consents?.[0]?.expiresAt ?? null };
}

async function accountsAnswer(gateway: TestGateway, entityId: string): Promise<string> {
  const answer = await postGraphQL(gateway.url, 'query ($id: ID!) { node(id: $id) { ... on Entity { accounts { __typename } } } }', { variables: { id: globalId('Entity', entityId) } });
  return dataAt(answer, 'node.accounts.__typename') as string;
}

/** What a KSA dataset (standing orders) of the entity's first stored account answers. */
async function datasetAnswer(gateway: TestGateway, entityId: string): Promise<string> {
  const account = await first.database.db.selectFrom('accounts').select('id').where('entity_id', '=', entityId).orderBy('position').executeTakeFirstOrThrow();
  const answer = await postGraphQL(gateway.url, 'query ($id: ID!) { node(id: $id) { ... on Account { standingOrders { __typename } } } }', { variables: { id: globalId('Account', account.id) } });
  return dataAt(answer, 'node.standingOrders.__typename') as string;
}

async function logged(topic: string, entityId: string): Promise<number> {
  const rows = await first.database.db.selectFrom('event_log').select('event').where('topic', '=', topic).execute();
  return rows.filter((row) => JSON.stringify(row.event).includes(entityId)).length;
}

const EXPIRING = 'subscription ($c: ID!) { consentExpiring(customerId: $c) { consentId expiresAt entity { leanEntityId consentState } } }';
const CHANGED = 'subscription ($c: ID!) { consentChanged(customerId: $c) { consentState entity { leanEntityId } } }';

interface ExpiringEvent {
  consentExpiring: { consentId: string; expiresAt: string; entity: { leanEntityId: string; consentState: string } };
}
interface ChangedEvent {
  consentChanged: { consentState: string; entity: { leanEntityId: string } };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a consent over its life', () => {
  it('ends in the notice window: consentExpiring exactly once across two instances (Postgres) and a restart; then EXPIRED when its end passes', async () => {
    const customer = await createCustomer(first, 'consent-life-expiring');
    const entityId = await link(customer, KSA_BANK, new Date(Date.now() + 60 * DAY_MS));
    expect((await entityState(first, entityId)).consentState).toBe('ACTIVE');

    const onFirst = subscribe<ExpiringEvent>(first.url, EXPIRING, { variables: { c: customer.id } });
    const onSecond = subscribe<ExpiringEvent>(other().url, EXPIRING, { variables: { c: customer.id } });
    await Promise.all([onFirst.ready, onSecond.ready]);
    const subscriptions: Subscription<unknown>[] = [onFirst, onSecond];
    try {
      const end = new Date(Date.now() + 3 * DAY_MS);
      await moveConsentEnd(entityId, end);
      const [seenFirst, seenSecond] = await Promise.all([onFirst.next(1), onSecond.next(1)]);
      for (const seen of [seenFirst, seenSecond]) {
        expect(seen.consentExpiring.entity).toEqual({ leanEntityId: entityId, consentState: 'EXPIRING_SOON' });
        expect(new Date(seen.consentExpiring.expiresAt).getTime()).toBe(end.getTime());
      }
      expect(await entityState(other(), entityId)).toEqual({ consentState: 'EXPIRING_SOON', expiresAt: end.toISOString() });

      // A restart: the second instance (with PGlite, the only one) stops and a new one starts on the same database; its job finds the notice sent.
      await onSecond.close();
      if (second === undefined) {
        await onFirst.close();
        await first.stop();
        first = await startTestGateway(settings);
      } else {
        await second.stop();
        second = await startTestGateway(settings);
      }
      const afterRestart = subscribe<ExpiringEvent>(other().url, EXPIRING, { variables: { c: customer.id } });
      subscriptions.push(afterRestart);
      await afterRestart.ready;
      // Every instance's job runs every second: three rounds on each.
      await pause(3_500);
      expect(await logged('consentExpiring', entityId)).toBe(1);
      const notices = await first.database.db.selectFrom('consent_notices').selectAll().where('entity_id', '=', entityId).execute();
      expect(notices.map((notice) => notice.notice)).toEqual(['EXPIRING']);
      expect(onFirst.received).toHaveLength(1);
      expect(afterRestart.received).toHaveLength(0);
      expect(onSecond.received).toHaveLength(1);

      // The end comes within seconds: no second consentExpiring, but consentChanged once when it passes, and reads answer ConsentExpired.
      const changed = subscribe<ChangedEvent>(other().url, CHANGED, { variables: { c: customer.id } });
      subscriptions.push(changed);
      await changed.ready;
      await moveConsentEnd(entityId, new Date(Date.now() + 2_500));
      const lapsed = await changed.next(1, 10_000);
      expect(lapsed.consentChanged).toEqual({ consentState: 'EXPIRED', entity: { leanEntityId: entityId } });
      expect((await entityState(first, entityId)).consentState).toBe('EXPIRED');
      expect(await accountsAnswer(first, entityId)).toBe('ConsentExpired');
      // The emulator itself refuses data calls once the moved end passed, as Lean does.
      const direct = await sandbox.raw('POST', '/data/v1/accounts', { entity_id: entityId }, { 'lean-app-token': TEST_APP_TOKEN });
      expect(direct.body).toMatchObject({ status: 'CONSENT_EXPIRED' });
      await pause(2_000);
      expect(changed.received).toHaveLength(1);
      expect(await logged('consentExpiring', entityId)).toBe(1);
      expect(await logged('consentChanged', entityId)).toBe(1);
      expect(onFirst.received).toHaveLength(1);
    } finally {
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
    }
  }, 60_000);

  it('revoked at the bank (entity.updated): consentChanged, REVOKED, and reads answer ConsentExpired without asking Lean', async () => {
    const customer = await createCustomer(first, 'consent-life-revoked');
    const entityId = await link(customer, KSA_BANK, new Date(Date.now() + 60 * DAY_MS));
    expect(await accountsAnswer(first, entityId)).toBe('AccountList');
    // Linked without standing_orders: refused for that before the revocation, ConsentExpired after it.
    expect(await datasetAnswer(first, entityId)).toBe('PermissionNotGranted');
    const changed = subscribe<ChangedEvent>(other().url, CHANGED, { variables: { c: customer.id } });
    try {
      await changed.ready;
      const before = await updatesApplied(entityId);
      expect((await sandbox.control('POST', `/sandbox/entities/${entityId}/revoke-consent`)).status).toBe(200);
      await eventually(async () => (await updatesApplied(entityId)) > before, 10_000);
      expect((await changed.next(1)).consentChanged).toEqual({ consentState: 'REVOKED', entity: { leanEntityId: entityId } });
      expect((await entityState(first, entityId)).consentState).toBe('REVOKED');

      await sandbox.control('DELETE', '/sandbox/stats');
      // The accounts stored before the revocation are not served any more.
      expect(await accountsAnswer(other(), entityId)).toBe('ConsentExpired');
      expect(await datasetAnswer(other(), entityId)).toBe('ConsentExpired');
      const stats = await sandbox.control<{ total: number }>('GET', '/sandbox/stats');
      expect(stats.body.total).toBe(0);
      expect(changed.received).toHaveLength(1);
    } finally {
      await changed.close();
    }
  });

  it("refused by Lean with CONSENT_EXPIRED (a bank that lists no consent): consentChanged once, REVOKED", async () => {
    const customer = await createCustomer(first, 'consent-life-refused');
    const entityId = await link(customer, UAE_BANK);
    expect((await entityState(first, entityId)).consentState).toBe('ACTIVE');
    const changed = subscribe<ChangedEvent>(first.url, CHANGED, { variables: { c: customer.id } });
    try {
      await changed.ready;
      const before = await updatesApplied(entityId);
      expect((await sandbox.control('POST', `/sandbox/entities/${entityId}/revoke-consent`)).status).toBe(200);
      await eventually(async () => (await updatesApplied(entityId)) > before, 10_000);
      // The UAE entity shows no consent object: the gateway learns of the revocation from Lean's answer.
      expect((await entityState(first, entityId)).consentState).toBe('ACTIVE');
      expect(changed.received).toHaveLength(0);

      expect(await accountsAnswer(first, entityId)).toBe('ConsentExpired');
      expect((await changed.next(1)).consentChanged).toEqual({ consentState: 'REVOKED', entity: { leanEntityId: entityId } });
      expect((await entityState(other(), entityId)).consentState).toBe('REVOKED');
      await sandbox.control('DELETE', '/sandbox/stats');
      expect(await accountsAnswer(other(), entityId)).toBe('ConsentExpired');
      expect((await sandbox.control<{ total: number }>('GET', '/sandbox/stats')).body.total).toBe(0);
      await pause(300);
      expect(changed.received).toHaveLength(1);
    } finally {
      await changed.close();
    }
  });

  it("the emulator's consent route refuses what is not an instant, and unknown entities", async () => {
    const customer = await createCustomer(first, 'consent-life-route');
    const entityId = await link(customer, KSA_BANK, new Date(Date.now() + 60 * DAY_MS));
    expect(await sandbox.control('POST', `/sandbox/entities/${entityId}/consent`, { expires_at: 'soon' })).toMatchObject({ status: 400, body: { status: 'INVALID_PARAMETERS' } });
    expect((await sandbox.control('POST', '/sandbox/entities/00000000-0000-4000-8000-000000000000/consent', { expires_at: null })).status).toBe(404);
    // Open-ended again: the entity lists no end, and the gateway learns it from the entity.updated that follows.
    const before = await updatesApplied(entityId);
    const opened = await sandbox.control<{ consents: { expiration_date_time: string | null }[] }>('POST', `/sandbox/entities/${entityId}/consent`, { expires_at: null });
    expect(opened.body.consents[0]?.expiration_date_time).toBeNull();
    await eventually(async () => (await updatesApplied(entityId)) > before, 10_000);
    expect(await entityState(first, entityId)).toEqual({ consentState: 'ACTIVE', expiresAt: null });
  });

  it('prepareLink(renewEntityId) asks the same bank and permissions again, and the emulator links them', async () => {
    const customer = await createCustomer(first, 'consent-life-renewal');
    const entityId = await link(customer, KSA_BANK, new Date(Date.now() + 60 * DAY_MS));
    await moveConsentEnd(entityId, new Date(Date.now() + 2 * DAY_MS));
    const prepare = (variables: Record<string, unknown>) =>
      postGraphQL(
        first.url,
        `mutation ($c: ID!, $renew: ID, $bank: String, $permissions: [LeanPermission!]) {
          prepareLink(customerId: $c, renewEntityId: $renew, bankIdentifier: $bank, permissions: $permissions) {
            options bankIdentifier permissions
            renewal { bankIdentifier permissions consentState consentExpiresAt entity { leanEntityId } }
          }
        }`,
        { variables: { c: customer.id, ...variables } },
      );

    const renewing = await prepare({ renew: globalId('Entity', entityId) });
    expect(renewing.body.errors).toBeUndefined();
    expect(dataAt(renewing, 'prepareLink.bankIdentifier')).toBe(KSA_BANK);
    expect(dataAt(renewing, 'prepareLink.permissions')).toEqual(['IDENTITY', 'ACCOUNTS', 'BALANCE', 'TRANSACTIONS']);
    expect(dataAt(renewing, 'prepareLink.renewal')).toMatchObject({
      bankIdentifier: KSA_BANK,
      permissions: ['IDENTITY', 'ACCOUNTS', 'BALANCE', 'TRANSACTIONS'],
      consentState: 'EXPIRING_SOON',
      entity: { leanEntityId: entityId },
    });
    const options = dataAt(renewing, 'prepareLink.options') as Record<string, unknown>;
    expect(options).toMatchObject({ customer_id: customer.leanCustomerId, bank_identifier: KSA_BANK, permissions: PERMISSIONS, account_type: 'PERSONAL' });
    // The options go to Lean.connect as they are: the emulator links the bank again.
    expect((await sandbox.control('POST', '/sandbox/connect', options)).status).toBe(201);

    // Fewer permissions may be asked; another bank may not.
    const fewer = await prepare({ renew: globalId('Entity', entityId), permissions: ['ACCOUNTS'] });
    expect(dataAt(fewer, 'prepareLink.permissions')).toEqual(['ACCOUNTS']);
    const otherBank = await prepare({ renew: globalId('Entity', entityId), bank: 'LEA2_SAMAOB_SAU' });
    expect(otherBank.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'RENEWAL_OTHER_BANK' });

    // Another customer's entity reads as not found; without a renewal, permissions are still required.
    const stranger = await createCustomer(first, 'consent-life-stranger');
    const foreign = await postGraphQL(first.url, 'mutation ($c: ID!, $renew: ID) { prepareLink(customerId: $c, renewEntityId: $renew) { bankIdentifier } }', {
      variables: { c: stranger.id, renew: globalId('Entity', entityId) },
    });
    expect(foreign.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const none = await prepare({});
    expect(none.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', rule: 'PERMISSIONS_REQUIRED' });
  });
});
