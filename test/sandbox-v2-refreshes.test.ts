import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestSandbox, startWebhookReceiver, TEST_WEBHOOK_SECRET, type TestSandbox } from './kit/sandbox.js';

const KSA_PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions', 'identities', 'scheduled_payments', 'standing_orders', 'direct_debits', 'beneficiaries'];
const UAE_PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions'];

interface RefreshWebhook {
  type: string;
  payload: {
    entity_id: string;
    refresh_id: string;
    customer_id: string;
    app_user_id: string;
    status: string;
    data_status: { accounts: string; identity: string; account_data: ({ account_id: string; transaction_availability: { start: string; end: string; complete_months: number } } & Record<string, unknown>)[] };
  };
  event_id: string;
}

let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let lean: TestSandbox;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // Long enough that a call right after a link or a refresh request still finds it pending, even on a loaded machine.
  lean = await startTestSandbox({ webhookUrl: () => receiver.url, refreshDelayMs: 1_500 });
});
afterAll(async () => {
  await lean?.close();
  await receiver?.close();
});

const received = () => receiver.received.map((delivery) => ({ ...delivery, json: JSON.parse(delivery.body) as RefreshWebhook }));
const refreshWebhooks = (entityId: string) => received().filter((d) => d.json.type === 'entity.data.refresh.updated' && d.json.payload.entity_id === entityId);

async function link(bank: string, appUserId: string, extra: Record<string, unknown> = {}) {
  const customer = (await lean.raw('POST', '/customers/v1/', { app_user_id: appUserId })).body as { customer_id: string };
  const connected = await lean.control<{ id: string }>('POST', '/sandbox/connect', {
    customer_id: customer.customer_id,
    bank_identifier: bank,
    permissions: bank.endsWith('_SAU') ? KSA_PERMISSIONS : UAE_PERMISSIONS,
    ...extra,
  });
  return { customerId: customer.customer_id, entityId: connected.body.id, accountIds: lean.sandbox.state.accountsOf(connected.body.id).map((a) => a.account_id) };
}

describe('the data-store workflow: entity.data.refresh.updated after each link', () => {
  it('KSA: entity.created, then the refresh PENDING, then FINISHED with every dataset OK and the transactions Lean holds', async () => {
    const { customerId, entityId, accountIds } = await link('LEA1_SAMAOB_SAU', 'refresh-ksa', { access_from: new Date(Date.now() - 400 * 86_400_000).toISOString(), access_to: new Date(Date.now() + 200 * 86_400_000).toISOString() });
    await eventually(() => refreshWebhooks(entityId).length === 2, 15_000);
    const mine = received().filter((d) => JSON.stringify(d.json.payload).includes(entityId));
    expect(mine.map((d) => `${d.json.type} ${d.json.type === 'entity.created' ? '' : d.json.payload.status}`.trim())).toEqual([
      'entity.created',
      'entity.data.refresh.updated PENDING',
      'entity.data.refresh.updated FINISHED',
    ]);
    for (const delivery of mine) expect(delivery.signature).toBe(`sha512=${createHmac('sha512', TEST_WEBHOOK_SECRET).update(delivery.body).digest('hex')}`);
    const [pending, finished] = refreshWebhooks(entityId).map((d) => d.json);
    expect(pending?.payload.refresh_id).toBe(finished?.payload.refresh_id);
    expect(pending?.event_id).not.toBe(finished?.event_id);
    expect(finished?.payload).toMatchObject({ entity_id: entityId, customer_id: customerId, app_user_id: 'refresh-ksa', status: 'FINISHED', data_status: { accounts: 'OK', identity: 'OK' } });
    expect(finished?.payload.data_status.account_data.map((a) => a.account_id)).toEqual(accountIds);
    for (const account of finished?.payload.data_status.account_data ?? []) {
      for (const dataset of ['balance', 'identity', 'transactions', 'scheduled_payments', 'direct_debits', 'standing_orders', 'beneficiaries']) expect(account[dataset], dataset).toBe('OK');
      // The consent lets transactions be read from access_from (KSA time), up to today.
      const accessFrom = new Date(Date.now() - 400 * 86_400_000 + 3 * 3_600_000).toISOString().slice(0, 10);
      expect(account.transaction_availability).toEqual({ start: accessFrom, end: new Date().toISOString().slice(0, 10), complete_months: expect.any(Number) as unknown });
      expect(account.transaction_availability.complete_months).toBeGreaterThanOrEqual(12);
      expect(account.transaction_availability.complete_months).toBeLessThanOrEqual(13);
    }
  });

  it('UAE: the refresh ends OK, and the datasets only KSA offers are UNSUPPORTED', async () => {
    const { entityId } = await link('LEANMB2', 'refresh-uae');
    await eventually(() => refreshWebhooks(entityId).length === 2, 15_000);
    const finished = refreshWebhooks(entityId)[1]?.json.payload;
    expect(finished?.status).toBe('OK');
    for (const account of finished?.data_status.account_data ?? []) {
      expect(account).toMatchObject({ balance: 'OK', identity: 'OK', transactions: 'OK', scheduled_payments: 'UNSUPPORTED', direct_debits: 'UNSUPPORTED', standing_orders: 'UNSUPPORTED', beneficiaries: 'UNSUPPORTED' });
      expect(account.transaction_availability.complete_months).toBeGreaterThanOrEqual(35);
    }
  });
});

describe('POST /data/v2/refreshes and the reads of refreshes', () => {
  it('starts a refresh (PENDING, then FINISHED webhooks), refuses another while one is pending (429), and lists them newest first', async () => {
    const { entityId, customerId, accountIds } = await link('LEA2_SAMAOB_SAU', 'refresh-manual');
    // The link's own refresh is still pending: a second one is a duplicate.
    const duplicate = await lean.v2('POST', '/data/v2/refreshes', { entity_id: entityId });
    expect(duplicate.status).toBe(429);
    expect(duplicate.body).toEqual({ timestamp: expect.any(String) as unknown, status: 'DUPLICATED_REQUEST', message: 'Data refresh is already pending.', metadata: null });
    await eventually(() => refreshWebhooks(entityId).length === 2, 15_000);

    const triggered = await lean.v2('POST', '/data/v2/refreshes', { entity_id: entityId });
    expect(triggered.status).toBe(200);
    expect(triggered.body).toEqual({ refresh_id: expect.any(String) as unknown, status: 'OK', message: 'Data refresh triggered successfully', timestamp: expect.any(String) as unknown });
    const refreshId = (triggered.body as { refresh_id: string }).refresh_id;
    expect((await lean.v2('POST', '/data/v2/refreshes', { entity_id: entityId })).status).toBe(429);

    const whilePending = (await lean.v2('GET', `/data/v2/refreshes/${refreshId}?entity_id=${entityId}`)).body as { status: string; data_status: { accounts: string } };
    expect(whilePending).toMatchObject({ status: 'PENDING', data_status: { accounts: 'PENDING' } });
    await eventually(() => refreshWebhooks(entityId).length === 4, 15_000);
    expect(refreshWebhooks(entityId).map((d) => [d.json.payload.refresh_id === refreshId, d.json.payload.status])).toEqual([
      [false, 'PENDING'],
      [false, 'FINISHED'],
      [true, 'PENDING'],
      [true, 'FINISHED'],
    ]);

    const list = (await lean.v2('GET', `/data/v2/refreshes?entity_id=${entityId}`)).body as { content: { refresh_id: string; status: string; created_at: string; updated_at: string }[]; page: unknown };
    expect(list.content.map((r) => r.refresh_id)[0]).toBe(refreshId);
    expect(list.content).toHaveLength(2);
    expect(list.content.every((r) => r.status === 'FINISHED' && r.updated_at > r.created_at)).toBe(true);
    expect(list.page).toEqual({ number: 0, size: 50, total_elements: 2, total_pages: 1, sort: null });
    const paged = (await lean.v2('GET', `/data/v2/refreshes?entity_id=${entityId}&page=1&size=1`)).body as { content: { refresh_id: string }[]; page: unknown };
    expect(paged.content.map((r) => r.refresh_id)).toEqual([list.content[1]?.refresh_id]);
    expect(paged.page).toEqual({ number: 1, size: 1, total_elements: 2, total_pages: 2, sort: null });

    const one = (await lean.v2('GET', `/data/v2/refreshes/${refreshId}`)).body as Record<string, unknown>;
    expect(one).toMatchObject({ refresh_id: refreshId, entity_id: entityId, customer_id: customerId, status: 'FINISHED', data_status: { accounts: 'OK', identity: 'OK' } });
    const accountData = (one['data_status'] as { account_data: Record<string, unknown>[] }).account_data;
    expect(accountData.map((a) => a['account_id'])).toEqual(accountIds);
    expect(accountData[0]?.['transactionAvailability']).toEqual({ start: expect.any(String) as unknown, end: new Date().toISOString().slice(0, 10) });

    // refreshed_at of the data answers: when the last refresh finished.
    const accounts = (await lean.v2('GET', `/data/v2/accounts?entity_id=${entityId}`)).body as { refreshed_at: string };
    expect(accounts.refreshed_at).toBe(list.content[0]?.updated_at);
  });

  it('answers 404 for a refresh of another entity or one never made, and 400 for a malformed id', async () => {
    const first = await link('LEANMB1', 'refresh-lookup-1');
    const second = await link('LEANMB1', 'refresh-lookup-2');
    const refreshOf = async (entityId: string) => ((await lean.v2('GET', `/data/v2/refreshes?entity_id=${entityId}`)).body as { content: { refresh_id: string }[] }).content[0]?.refresh_id ?? '';
    const refreshId = await refreshOf(first.entityId);
    expect((await lean.v2('GET', `/data/v2/refreshes/${refreshId}?entity_id=${first.entityId}`)).status).toBe(200);
    expect((await lean.v2('GET', `/data/v2/refreshes/${refreshId}?entity_id=${second.entityId}`)).body).toMatchObject({ status: 'UNKNOWN_REFRESH_ID' });
    expect((await lean.v2('GET', '/data/v2/refreshes/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await lean.v2('GET', '/data/v2/refreshes/not-an-id')).status).toBe(400);
    expect((await lean.v2('GET', `/data/v2/refreshes/${refreshId}?entity_id=00000000-0000-4000-8000-000000000000`)).body).toMatchObject({ status: 'UNKNOWN_ENTITY' });
  });

  it('with refreshWebhooks: false, refreshes happen and are answered but nothing is sent', async () => {
    const quietReceiver = await startWebhookReceiver();
    const quiet = await startTestSandbox({ webhookUrl: () => quietReceiver.url, refreshWebhooks: false });
    try {
      const customer = await quiet.lean.createCustomer('quiet-user');
      const entity = await quiet.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.id, bank_identifier: 'LEANMB1', permissions: ['accounts'] });
      await eventually(async () => ((await quiet.v2('GET', `/data/v2/refreshes?entity_id=${entity.body.id}`)).body as { content: { status: string }[] }).content[0]?.status === 'OK', 15_000);
      expect((await quiet.v2('POST', '/data/v2/refreshes', { entity_id: entity.body.id })).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(quietReceiver.received.map((d) => (JSON.parse(d.body) as { type: string }).type)).toEqual(['entity.created']);
    } finally {
      await quiet.close();
      await quietReceiver.close();
    }
  });

  it('keeps refreshes in the state file across a restart', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/sandbox-refreshes-`);
    const stateFile = `${dir}/state.json`;
    try {
      const first = await startTestSandbox({ stateFile });
      const customer = await first.lean.createCustomer('persisted-refresh');
      const entity = await first.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.id, bank_identifier: 'LEANMB1', permissions: ['accounts'] });
      const finished = async (sandbox: TestSandbox) => ((await sandbox.v2('GET', `/data/v2/refreshes?entity_id=${entity.body.id}`)).body as { content: { refresh_id: string; status: string }[] }).content;
      await eventually(async () => (await finished(first))[0]?.status === 'OK', 15_000);
      const before = await finished(first);
      await first.close();
      const second = await startTestSandbox({ stateFile });
      try {
        expect(await finished(second)).toEqual(before);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
