import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, webhooksApplied } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { eventually, startTestSandbox, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_WEBHOOK_SECRET, type TestSandbox } from './kit/sandbox.js';
import { postWebhook, sign } from './kit/webhooks.js';

// Catching up after downtime: the gateway is down while banks are linked and a refresh finishes,
// Lean's redeliveries run out (the schedule shrunk 10,000-fold: about 1.6 s), and when it is back the
// reconciler finds what it missed in Lean's lists. The webhooks, delivered late, then change nothing.

let sandbox: TestSandbox;
let database: TestDatabase;
/** Where the emulator sends webhooks; the stopped gateway's port while it is down (connection refused). */
let webhookUrl: string | undefined;
const gateways: TestGateway[] = [];

const env = () => ({
  ...database.env,
  LEAN_API_URL: sandbox.url,
  LEAN_AUTH_URL: sandbox.url,
  LEAN_CLIENT_ID: TEST_CLIENT_ID,
  LEAN_CLIENT_SECRET: TEST_CLIENT_SECRET,
  LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  GATEWAY_RECONCILE_MINUTES: '60',
});

async function start(): Promise<TestGateway> {
  const gateway = await startTestGateway(env());
  gateways.push(gateway);
  return gateway;
}

async function connect(customerId: string, bank: string): Promise<string> {
  const answer = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customerId, bank_identifier: bank, permissions: ['identity', 'accounts', 'balance', 'transactions'] });
  if (answer.status !== 201) throw new Error(`connect answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.id;
}

/** The entities as stored, with their refresh state. */
async function entityRows(gateway: TestGateway) {
  return gateway.database.db
    .selectFrom('entities')
    .select(['id', 'status', 'refresh_id', 'refresh_status', 'refreshed_at', 'fetched_at', 'link_announced_at'])
    .orderBy('id')
    .execute();
}

async function events(gateway: TestGateway) {
  const rows = await gateway.database.db.selectFrom('event_log').select(['position', 'topic', 'event']).orderBy('position').execute();
  return rows.map((row) => ({ position: row.position, topic: row.topic, ...(row.event as { entityId?: string; refreshId?: string }) }));
}

const finished = (status: string | null) => status === 'OK' || status === 'FINISHED';

beforeAll(async () => {
  sandbox = await startTestSandbox({ webhookUrl: () => webhookUrl, retryScale: 0.0001, refreshDelayMs: 100, refreshWebhooks: true });
  database = await createTestDatabase('reconcile');
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await sandbox?.close();
  await database?.drop();
});

describe('catching up after downtime', () => {
  it('stores the entities and applies the refresh whose webhooks never arrived, announcing each link once; the late webhooks change nothing', async () => {
    // Up: one bank linked as usual, its webhooks applied.
    const before = await start();
    webhookUrl = `${before.url}/webhooks/lean`;
    const customer = await createCustomer(before, 'reconcile-user');
    const first = await connect(customer.leanCustomerId, 'LEANMB1');
    await eventually(async () => {
      const rows = await entityRows(before);
      return rows.length === 1 && finished(rows[0]?.refresh_status ?? null);
    }, 15_000);
    await webhooksApplied(before, (row) => row.type === 'entity.data.refresh.updated');
    await before.stop();

    // Down: three banks linked, and a refresh of the first bank finishes; every webhook's redeliveries run out.
    const deliveredBefore = sandbox.sandbox.webhooks.length;
    const linked = [await connect(customer.leanCustomerId, 'LEANMB2'), await connect(customer.leanCustomerId, 'LEA1_SAMAOB_SAU'), await connect(customer.leanCustomerId, 'LEANMB1')];
    await eventually(() => sandbox.sandbox.state.refreshes.ofEntity(first).length === 1 || undefined);
    const requested = await sandbox.v2('POST', '/data/v2/refreshes', { entity_id: first });
    expect(requested.status).toBe(200);
    const missedRefresh = (requested.body as { refresh_id: string }).refresh_id;
    await eventually(() => sandbox.sandbox.state.refreshes.get(missedRefresh)?.status === 'OK' || undefined);
    await eventually(() => {
      const missed = sandbox.sandbox.webhooks.slice(deliveredBefore);
      // entity.created + PENDING + OK for each link, PENDING + OK for the refresh.
      return missed.length === 3 * 3 + 2 && missed.every((delivery) => delivery.gaveUp) ? missed : undefined;
    }, 15_000);
    const missed = sandbox.sandbox.webhooks.slice(deliveredBefore);
    expect(missed.every((delivery) => delivery.attempts.length === 7 && delivery.attempts.every((attempt) => attempt.status === 'network_error'))).toBe(true);

    // Back, as two instances on a Postgres server (one on PGlite, which serves one process): the
    // catch-up run at start (one instance at a time) finds what was missed.
    const back = await start();
    const other = usingPostgres ? await start() : back;
    webhookUrl = `${back.url}/webhooks/lean`;
    const rows = await eventually(async () => {
      const stored = await entityRows(back);
      const refreshOf = (id: string) => stored.find((row) => row.id === id)?.refresh_id;
      const linkRefreshes = linked.map((id) => sandbox.sandbox.state.refreshes.ofEntity(id)[0]?.refresh_id);
      const caughtUp = stored.length === 4 && refreshOf(first) === missedRefresh && linked.every((id, index) => refreshOf(id) === linkRefreshes[index]);
      return caughtUp && stored.every((row) => finished(row.refresh_status)) ? stored : undefined;
    }, 20_000);
    expect(rows.map((row) => row.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(rows.every((row) => row.link_announced_at !== null)).toBe(true);
    // The accounts of the new entities were read (the refresh's re-read), as the webhook would have.
    const accounts = await back.database.db.selectFrom('accounts').select('entity_id').where('entity_id', 'in', linked).execute();
    expect(new Set(accounts.map((account) => account.entity_id))).toEqual(new Set(linked));

    // Let both instances' start runs end (the second may run after the first released the run).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const published = await events(back);
    const linkedEvents = published.filter((event) => event.topic === 'entityLinked').map((event) => event.entityId);
    expect(linkedEvents.sort()).toEqual([first, ...linked].sort());
    const refreshed = published.filter((event) => event.topic === 'dataRefreshed').map((event) => event.refreshId);
    expect(refreshed.filter((id) => id === missedRefresh)).toHaveLength(1);
    expect(new Set(refreshed).size).toBe(refreshed.length);
    const watermark = await back.database.db.selectFrom('reconcile_runs').select(['job', 'through_day']).execute();
    expect(watermark).toEqual([{ job: 'entities', through_day: new Date().toISOString().slice(0, 10) }]);

    // The late webhooks, delivered now (to either instance), are acknowledged and change nothing.
    for (const [index, delivery] of missed.entries()) {
      const target = index % 2 === 0 ? back : other;
      const answer = await postWebhook(target.url, delivery.body, sign(delivery.body, TEST_WEBHOOK_SECRET));
      expect(answer.status).toBe(200);
    }
    await webhooksApplied(back, (row) => row.body.includes(missedRefresh) && row.body.includes('"status":"OK"'));
    const inbox = await back.database.db.selectFrom('webhook_inbox').select(['body', 'status']).execute();
    const late = inbox.filter((row) => missed.some((delivery) => delivery.body === row.body));
    expect(late).toHaveLength(missed.length);
    expect(late.every((row) => row.status === 'IGNORED')).toBe(true);
    expect(await entityRows(back)).toEqual(rows);
    expect(await events(back)).toEqual(published);
  }, 60_000);
});

describe("the emulator's GET /customers/v1/entities", () => {
  it('lists the entities created in a date range, paged, and refuses dates as Lean documents', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const all = await sandbox.v2('GET', `/customers/v1/entities?page_number=0&page_size=100&start_date=${yesterday}&end_date=${today}`);
    expect(all.status).toBe(200);
    const { data, page } = all.body as { data: { id: string; status: string; updated_at: string; created_at: string; bank_identifier: string }[]; page: Record<string, unknown> };
    expect(data.length).toBeGreaterThanOrEqual(4);
    expect(page).toEqual({ number: 0, size: 100, total_elements: data.length, total_pages: 1, sort: null });
    expect(data.every((entity) => entity.status === 'ACTIVE' && entity.created_at.startsWith(today) && typeof entity.updated_at === 'string')).toBe(true);
    const second = await sandbox.v2('GET', `/customers/v1/entities?page_number=1&page_size=2&start_date=${today}&end_date=${today}`);
    expect((second.body as { data: { id: string }[] }).data.map((entity) => entity.id)).toEqual(data.slice(2, 4).map((entity) => entity.id));
    expect((await sandbox.v2('GET', `/customers/v1/entities?start_date=${yesterday}&end_date=${yesterday}`)).body).toMatchObject({ data: [], page: { total_elements: 0 } });
    const futureStart = await sandbox.v2('GET', `/customers/v1/entities?start_date=${tomorrow}&end_date=${tomorrow}`);
    expect(futureStart.status).toBe(400);
    expect(futureStart.body).toMatchObject({ status: 'INVALID_PARAMETERS', message: 'The start date must be in the past or present.' });
    for (const [start, end] of [[today, yesterday], [today, tomorrow]]) {
      const refused = await sandbox.v2('GET', `/customers/v1/entities?start_date=${start}&end_date=${end}`);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 'INVALID_PARAMETERS', message: 'The end date must be after the start date and in the past or present.' });
    }
    expect((await sandbox.v2('GET', `/customers/v1/entities?start_date=2026-02-30&end_date=${today}`)).status).toBe(400);
    expect((await sandbox.v2('GET', '/customers/v1/entities')).status).toBe(400);
  });
});
