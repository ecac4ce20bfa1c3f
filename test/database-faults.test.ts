import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, sandboxControl } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';
import { subscribe } from './kit/subscriptions.js';
import { startTcpProxy, type TcpProxy } from './kit/tcp-proxy.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

// The gateway reaches Postgres through a TCP proxy the test cuts and restores; PGlite runs in-process and cannot go away.
describe.runIf(usingPostgres)('while the Postgres server is unreachable, and after it comes back', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let gateway: TestGateway;
  let proxiedUrl: URL;

  beforeAll(async () => {
    database = await createTestDatabase('database_faults');
    const url = new URL(database.env['DATABASE_URL'] ?? '');
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    proxiedUrl = url;
    gateway = await startTestGateway({
      DATABASE_URL: url.toString(),
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      // The emulator redelivers after 60, 120, 300, 600 ms, 3.6 s, 10.8 s instead of minutes.
      LEAN_SANDBOX_RETRY_SCALE: '0.001',
      LEAN_MAX_RETRIES: '0',
      LEAN_CIRCUIT_FAILURES: '1000',
      GATEWAY_WEBHOOK_LEASE_SECONDS: '2',
      GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await database?.drop();
  });

  const inboxRow = (entityId: string) =>
    gateway.database.db.selectFrom('webhook_inbox').select(['status', 'attempts']).where('type', '=', 'entity.created').where('body', 'like', `%${entityId}%`).executeTakeFirst();
  const connect = async (leanCustomerId: string, bank: string) => {
    const answer = await sandboxControl(gateway, 'POST', '/sandbox/connect', { customer_id: leanCustomerId, bank_identifier: bank, permissions: ['accounts'] });
    expect(answer.status).toBe(201);
    return (answer.body as { id: string }).id;
  };
  const deliveriesOf = (entityId: string) => gateway.sandbox?.webhooks.find((webhook) => webhook.type === 'entity.created' && webhook.body.includes(entityId))?.attempts ?? [];

  it('answers 503 on /readyz and /webhooks/lean and DATABASE_UNAVAILABLE on /graphql; recovers without a restart, LISTEN included, and loses nothing acknowledged', async () => {
    const customer = await createCustomer(gateway, 'outage-user');
    const subscription = subscribe<{ entityLinked: { id: string } }>(gateway.url, 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }', { variables: { c: customer.id } });
    try {
      await subscription.ready;

      // Acknowledged before the outage but not applied yet: Lean fails, so the row waits for its next attempt.
      await sandboxControl(gateway, 'POST', '/sandbox/faults', { path: '/customers/v1/', status: 503, count: 100_000 });
      const before = await connect(customer.leanCustomerId, 'LEANMB1');
      await until('the first attempt to apply it', async () => ((await inboxRow(before))?.attempts ?? 0) >= 1 || undefined);
      expect(deliveriesOf(before).map((attempt) => attempt.status)).toEqual([200]);
      expect((await inboxRow(before))?.status).toBe('RECEIVED');

      proxy.cut();
      const outageStarted = Date.now();

      expect((await fetch(`${gateway.url}/readyz`)).status).toBe(503);

      const query = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { id appUserId } }', { variables: { id: customer.id } });
      expect(query.status).toBe(200);
      expect(query.body.data?.['customer'] ?? null).toBeNull();
      expect(query.body.errors?.map((error) => error.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);
      const text = JSON.stringify(query.body);
      for (const secret of [proxiedUrl.hostname, String(proxy.port), proxiedUrl.pathname.slice(1), 'postgres://', 'ECONN']) expect(text).not.toContain(secret);

      const mutation = await postGraphQL(gateway.url, 'mutation { createCustomer(appUserId: "outage-second-user") { id } }');
      expect(mutation.body.errors?.map((error) => error.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);

      // Sent during the outage: refused with 503, so the emulator (as Lean) delivers it again later.
      const during = await connect(customer.leanCustomerId, 'LEANMB2');
      expect(deliveriesOf(during)[0]?.status).toBe(503);

      await sleep(Math.max(0, 2_000 - (Date.now() - outageStarted)));
      proxy.restore();

      await until('/readyz 200 again', async () => ((await fetch(`${gateway.url}/readyz`)).status === 200 ? true : undefined));
      await until('the LISTEN connection back', () => (gateway.logs.some((line) => line.includes('event listener listening again')) ? true : undefined));
      await sandboxControl(gateway, 'DELETE', '/sandbox/faults');

      await until('both webhooks applied', async () => {
        const rows = await Promise.all([inboxRow(before), inboxRow(during)]);
        return rows.every((row) => row?.status === 'APPLIED') ? rows : undefined;
      });
      expect(deliveriesOf(during).map((attempt) => attempt.status)).toContain(200);
      const failed = await gateway.database.db.selectFrom('webhook_inbox').select('id').where('status', '=', 'FAILED').execute();
      expect(failed).toEqual([]);

      // The subscription opened before the outage hears about both, through the listener that reconnected.
      await subscription.next(2, 10_000);
      expect(subscription.received.map((event) => event.entityLinked.id).sort()).toEqual([globalId('Entity', before), globalId('Entity', during)].sort());

      const listed = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { id } } }', { variables: { id: customer.id } });
      expect((dataAt(listed, 'customer.entities') as { id: string }[]).map((entity) => entity.id).sort()).toEqual([globalId('Entity', before), globalId('Entity', during)].sort());
      expect(gateway.logs.some((line) => line.includes('webhook processing paused: the database failed'))).toBe(true);
    } finally {
      await subscription.close();
    }
  }, 90_000);
});
