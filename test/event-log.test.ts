import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, globalId, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL } from './kit/graphql.js';
import { eventually, startTestSandbox, TEST_APP_TOKEN, type TestSandbox } from './kit/sandbox.js';
import { subscribe, type Subscription } from './kit/subscriptions.js';
import { startTcpProxy, type TcpProxy } from './kit/tcp-proxy.js';
import { postWebhook, TEST_WEBHOOK_SECRET as SECRET } from './kit/webhooks.js';

/** A customer of the test, with the app user id its entity.created webhooks carry. */
interface Customer extends CreatedCustomer {
  readonly appUserId: string;
}

/** A signed entity.created for a new entity of the customer (Lean does not know the entity: the webhook's bank details stand). */
function entityCreated(customer: Customer, entityId = randomUUID()): { entityId: string; body: string } {
  const body = JSON.stringify({
    type: 'entity.created',
    message: 'An entity object has been created.',
    payload: {
      id: entityId,
      customer_id: customer.leanCustomerId,
      app_user_id: customer.appUserId,
      permissions: ['accounts', 'balance', 'transactions'],
      bank_details: { name: 'Lean Mock Bank', identifier: 'LEANMB1', logo: 'https://cdn.leantech.me/img/banks/white-lean.png', main_color: '#1beb75', background_color: '#001E26' },
    },
    timestamp: new Date().toISOString(),
    event_id: `evt-${entityId}`,
  });
  return { entityId, body };
}

async function newCustomer(gateway: TestGateway, label: string): Promise<Customer> {
  const appUserId = `${label}-${randomUUID().slice(0, 8)}`;
  return { ...(await createCustomer(gateway, appUserId)), appUserId };
}

async function link(gateway: TestGateway, customer: Customer): Promise<string> {
  const { entityId, body } = entityCreated(customer);
  expect((await postWebhook(gateway.url, body)).status).toBe(200);
  return globalId('Entity', entityId);
}

const LINKED = 'subscription ($c: ID!, $after: String) { entityLinked(customerId: $c, after: $after) { id } }';
type Linked = { entityLinked: { id: string } };

/** The entityLinked events of a customer as the log holds them, in log order: what every subscriber must receive. */
async function loggedLinks(gateway: TestGateway, leanCustomerId: string): Promise<string[]> {
  const { sql } = await import('kysely');
  const rows = await sql<{ entity_id: string }>`
    select event->>'entityId' as entity_id from event_log
    where topic = 'entityLinked' and customer_id = ${leanCustomerId}
    order by tx, position`.execute(gateway.database.db);
  return rows.rows.map((row) => globalId('Entity', row.entity_id));
}

/** An SSE subscription read as text: its events, each with its id. */
async function sseEvents(url: string, query: string, variables: Record<string, unknown>, lastEventId?: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(lastEventId !== undefined && { 'last-event-id': lastEventId }) },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const events: { id: string | undefined; data: Linked }[] = [];
  let buffer = '';
  const pump = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return;
      buffer += Buffer.from(chunk.value).toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        if (fields.get('event') === 'next') events.push({ id: fields.get('id'), data: (JSON.parse(fields.get('data') ?? '{}') as { data: Linked }).data });
      }
    }
  })();
  return {
    events,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

describe('resumable subscriptions', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('event_log_resume');
    gateway = await startTestGateway({ ...database.env, LEAN_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('a graphql-ws client away for 30 s passes its last cursor and receives exactly what it missed, in order, then live events', async () => {
    const customer = await newCustomer(gateway, 'away');
    const first = subscribe<Linked>(gateway.url, LINKED, { variables: { c: customer.id } });
    await first.ready;
    const before = await link(gateway, customer);
    expect((await first.next(1)).entityLinked.id).toBe(before);
    const cursor = first.cursors[0];
    expect(cursor).toEqual(expect.any(String));
    await first.close();

    // Away for 30 s; meanwhile five banks are linked.
    const awayUntil = Date.now() + 30_000;
    const missed: string[] = [];
    for (let i = 0; i < 5; i += 1) missed.push(await link(gateway, customer));
    await eventually(async () => (await loggedLinks(gateway, customer.leanCustomerId)).length === 6, 10_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, awayUntil - Date.now())));

    // Applied side by side (different entities), they are in the log in the order their writes committed.
    const logged = (await loggedLinks(gateway, customer.leanCustomerId)).slice(1);
    expect([...logged].sort()).toEqual([...missed].sort());
    const back = subscribe<Linked>(gateway.url, LINKED, { variables: { c: customer.id, after: cursor } });
    try {
      await back.ready;
      await back.next(5, 10_000);
      expect(back.received.map((event) => event.entityLinked.id)).toEqual(logged);
      const live = await link(gateway, customer);
      expect((await back.next(6, 10_000)).entityLinked.id).toBe(live);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(back.received.map((event) => event.entityLinked.id)).toEqual([...logged, live]);
      expect(new Set(back.cursors).size).toBe(6);
      expect(back.errors).toEqual([]);
    } finally {
      await back.close();
    }
  }, 60_000);

  it('an SSE client reconnecting with Last-Event-ID receives exactly what it missed, then live events; each event carries its id', async () => {
    const customer = await newCustomer(gateway, 'sse-away');
    const first = await sseEvents(gateway.url, LINKED, { c: customer.id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = await link(gateway, customer);
    await eventually(() => first.events.length === 1, 10_000);
    await first.close();
    const lastEventId = first.events[0]?.id;
    expect(first.events[0]?.data.entityLinked.id).toBe(before);
    expect(lastEventId).toMatch(/^[A-Za-z0-9_-]+$/);

    const missed = [await link(gateway, customer), await link(gateway, customer), await link(gateway, customer)];
    await eventually(async () => (await loggedLinks(gateway, customer.leanCustomerId)).length === 4, 10_000);
    const logged = (await loggedLinks(gateway, customer.leanCustomerId)).slice(1);
    expect([...logged].sort()).toEqual([...missed].sort());
    const back = await sseEvents(gateway.url, LINKED, { c: customer.id }, lastEventId);
    try {
      await eventually(() => back.events.length === 3, 10_000);
      const live = await link(gateway, customer);
      await eventually(() => back.events.length === 4, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(back.events.map((event) => event.data.entityLinked.id)).toEqual([...logged, live]);
      expect(back.events.every((event) => event.id !== undefined && event.id !== lastEventId)).toBe(true);
    } finally {
      await back.close();
    }
  }, 60_000);

  /** A link, then a subscription without a cursor, then `subscribed`, then another link: the subscriber receives only the second. */
  const onlyLaterLinks = async (customer: Customer, subscribed: () => Promise<unknown> = () => Promise.resolve()) => {
    const earlier = await link(gateway, customer);
    await eventually(async () => (await loggedLinks(gateway, customer.leanCustomerId)).length === 1, 10_000);
    const subscription = subscribe<Linked>(gateway.url, LINKED, { variables: { c: customer.id } });
    try {
      await subscription.ready;
      await subscribed();
      const later = await link(gateway, customer);
      await subscription.next(1, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(subscription.received.map((event) => event.entityLinked.id)).toEqual([later]);
      expect(earlier).not.toBe(later);
    } finally {
      await subscription.close();
    }
  };

  it('a subscription without a cursor gets what is committed from then on, not what came before', async () => {
    await onlyLaterLinks(await newCustomer(gateway, 'from-now'));
  });

  it.skipIf(!usingPostgres)('an event committed before the subscription began is not delivered to it while an older transaction still runs (its place is past the settled end)', async () => {
    const pg = (await import('pg')).default;
    const holder = new pg.Client({ connectionString: database.env['DATABASE_URL'] });
    await holder.connect();
    try {
      // An older transaction holds the log's settled end back, as any slow write elsewhere does.
      await holder.query('begin');
      await holder.query('select pg_current_xact_id()');
      await onlyLaterLinks(await newCustomer(gateway, 'unsettled'), () => holder.query('commit'));
    } finally {
      await holder.end();
    }
  });

  it('a cursor that is not one of ours is BAD_USER_INPUT', async () => {
    const customer = await newCustomer(gateway, 'bad-cursor');
    for (const after of ['not-a-cursor', Buffer.from('1.x.2').toString('base64url'), 'A'.repeat(200)]) {
      const answer = await postGraphQL(gateway.url, LINKED, { variables: { c: customer.id, after } });
      expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('the event log past its retention', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('event_log_retention');
    // About a second: pruned every quarter of it.
    gateway = await startTestGateway({ ...database.env, LEAN_WEBHOOK_SECRET: SECRET, GATEWAY_EVENT_RETENTION_HOURS: '0.0003' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('a cursor older than the retention is CURSOR_EXPIRED; the newest cursor still resumes', async () => {
    const customer = await newCustomer(gateway, 'expired');
    const first = subscribe<Linked>(gateway.url, LINKED, { variables: { c: customer.id } });
    await first.ready;
    await link(gateway, customer);
    await link(gateway, customer);
    await first.next(2, 10_000);
    // The first event's cursor: the second event, after it, is pruned in a second or so.
    const old = first.cursors[0];
    await eventually(async () => (await loggedLinks(gateway, customer.leanCustomerId)).length === 0, 10_000);
    await link(gateway, customer);
    await first.next(3, 10_000);
    const recent = first.cursors[2];
    await first.close();

    const expired = subscribe<Linked>(gateway.url, LINKED, { variables: { c: customer.id, after: old } });
    await eventually(() => expired.errors.length > 0, 10_000);
    expect(JSON.stringify(expired.errors)).toContain('CURSOR_EXPIRED');
    await expired.close();

    const resumed = subscribe<Linked>(gateway.url, LINKED, { variables: { c: customer.id, after: recent } });
    try {
      await resumed.ready;
      const live = await link(gateway, customer);
      expect((await resumed.next(1, 10_000)).entityLinked.id).toBe(live);
      expect(resumed.errors).toEqual([]);
    } finally {
      await resumed.close();
    }
  }, 30_000);
});

describe('two instances while one loses its listening connection', () => {
  let sandbox: TestSandbox;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let sender: TestGateway;
  let cut: TestGateway;

  beforeAll(async () => {
    if (!usingPostgres) return;
    sandbox = await startTestSandbox();
    database = await createTestDatabase('event_log_cut');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const lean = { LEAN_API_URL: sandbox.url, LEAN_APP_TOKEN: TEST_APP_TOKEN, LEAN_WEBHOOK_SECRET: SECRET };
    sender = await startTestGateway({ ...database.env, ...lean });
    const proxied = new URL(database.env['DATABASE_URL'] ?? '');
    proxied.port = String(proxy.port);
    cut = await startTestGateway({ ...database.env, ...lean, DATABASE_URL: proxied.toString() });
  });
  afterAll(async () => {
    await cut?.stop();
    await sender?.stop();
    await proxy?.close();
    await sandbox?.close();
    await database?.drop();
  });

  it.skipIf(!usingPostgres)('while events flow, the subscribers of each instance receive every event exactly once, in the order they were published', async () => {
    const customers = [await newCustomer(sender, 'flow-a'), await newCustomer(sender, 'flow-b'), await newCustomer(sender, 'flow-c')];
    const subscribers: { customer: Customer; subscription: Subscription<Linked> }[] = [];
    for (const customer of customers) {
      for (const gateway of [sender, cut]) subscribers.push({ customer, subscription: subscribe<Linked>(gateway.url, LINKED, { variables: { c: customer.id } }) });
    }
    try {
      await Promise.all(subscribers.map(({ subscription }) => subscription.ready));
      const perCustomer = 20;
      let sent = 0;
      for (let round = 0; round < perCustomer; round += 1) {
        // A third of the way in, the second instance loses every connection to Postgres for 1.5 s.
        if (round === Math.floor(perCustomer / 3)) {
          proxy.cut();
          setTimeout(() => proxy.restore(), 1_500);
        }
        await Promise.all(customers.map((customer) => link(sender, customer)));
        sent += customers.length;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(sent).toBe(customers.length * perCustomer);
      try {
        for (const { subscription } of subscribers) await subscription.next(perCustomer, 30_000);
      } catch (error) {
        const inbox = await sender.database.db.selectFrom('webhook_inbox').select(['status', 'attempts', 'last_error']).where('status', '!=', 'APPLIED').execute();
        // eslint-disable-next-line no-console -- diagnostics of a failed run
        console.log({ received: subscribers.map(({ subscription }) => subscription.received.length), inbox, cutLog: cut.logs.filter((line) => line.includes('"level":40')).slice(-10) });
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const { customer, subscription } of subscribers) {
        const logged = await loggedLinks(sender, customer.leanCustomerId);
        expect(logged).toHaveLength(perCustomer);
        expect(subscription.received.map((event) => event.entityLinked.id)).toEqual(logged);
        expect(subscription.errors).toEqual([]);
      }
      expect(cut.logs.some((line) => line.includes('event listener lost its database connection'))).toBe(true);
    } finally {
      for (const { subscription } of subscribers) await subscription.close();
    }
  }, 90_000);
});
