import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { spawnGateway, type SpawnedGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';
import { startTestSandbox, TEST_APP_TOKEN, type TestSandbox } from './kit/sandbox.js';
import { subscribe } from './kit/subscriptions.js';
import { postWebhook, sign, TEST_WEBHOOK_SECRET as SECRET } from './kit/webhooks.js';

/** What Lean sends when a user has linked a bank: the emulator's entity, in a signed entity.created. */
async function linkAtLean(sandbox: TestSandbox, appUserId: string): Promise<{ customerId: string; entityId: string; body: string }> {
  const customer = await sandbox.lean.createCustomer(appUserId);
  const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', {
    customer_id: customer.id,
    bank_identifier: 'LEANMB1',
    permissions: ['accounts', 'balance', 'transactions'],
  });
  const body = JSON.stringify({
    type: 'entity.created',
    message: 'An entity object has been created.',
    payload: {
      id: connected.body.id,
      customer_id: customer.id,
      app_user_id: appUserId,
      permissions: ['accounts', 'balance', 'transactions'],
      bank_details: { name: 'Lean Mock Bank', identifier: 'LEANMB1', logo: 'https://cdn.leantech.me/img/banks/white-lean.png', main_color: '#1beb75', background_color: '#001E26' },
    },
    timestamp: new Date().toISOString(),
    event_id: `evt-${appUserId}`,
  });
  return { customerId: customer.id, entityId: connected.body.id, body };
}

const customerGlobalId = (id: string) => Buffer.from(`Customer:${id}`).toString('base64');
const entityGlobalId = (id: string) => Buffer.from(`Entity:${id}`).toString('base64');

describe('webhooks across gateway processes', () => {
  let sandbox: TestSandbox;
  let database: TestDatabase;
  const running: SpawnedGateway[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    database = await createTestDatabase('webhook_processes');
    env = { ...database.env, LEAN_API_URL: sandbox.url, LEAN_APP_TOKEN: TEST_APP_TOKEN, LEAN_WEBHOOK_SECRET: SECRET, GATEWAY_WEBHOOK_LEASE_SECONDS: '1' };
  });
  afterAll(async () => {
    for (const gateway of running) {
      if (gateway.child.exitCode === null && gateway.child.signalCode === null) {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
    }
    await sandbox?.close();
    await database?.drop();
  });

  const start = async (extra: Record<string, string> = {}) => {
    const gateway = spawnGateway({ ...env, ...extra });
    running.push(gateway);
    return { gateway, url: await gateway.ready };
  };

  it.skipIf(!usingPostgres)('a webhook into one instance reaches a graphql-ws subscriber of another within a second', async () => {
    const [first, second] = await Promise.all([start(), start()]);
    const link = await linkAtLean(sandbox, 'two-instances-user');
    const subscription = subscribe<{ entityLinked: { id: string } }>(second.url, 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }', {
      variables: { c: customerGlobalId(link.customerId) },
    });
    try {
      await subscription.ready;
      const sent = Date.now();
      expect((await postWebhook(first.url, link.body, sign(link.body, SECRET))).status).toBe(200);
      const event = await subscription.next(1, 5_000);
      const elapsed = Date.now() - sent;
      expect(event.entityLinked.id).toBe(entityGlobalId(link.entityId));
      expect(elapsed).toBeLessThan(1_000);
    } finally {
      await subscription.close();
      for (const { gateway } of [first, second]) {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
    }
  }, 60_000);

  it('kill -9 after the webhook was stored and before it was applied: the next start applies and delivers it', async () => {
    const link = await linkAtLean(sandbox, 'crash-user');
    // The claim of a row outlives its crashed claimer by the lease: long enough here to subscribe first.
    // Long enough for a restart under CI's load (PGlite's start after a kill -9 took more than 8 s there) and a subscribe.
    const lease = { GATEWAY_WEBHOOK_LEASE_SECONDS: '25' };
    const crashing = await start(lease);
    // Applying entity.created asks Lean for the entity; Lean hangs, so the process dies mid-way.
    await sandbox.control('POST', '/sandbox/faults', { path: '/customers/v1/', latency_ms: 20_000, count: 1 });
    expect((await postWebhook(crashing.url, link.body, sign(link.body, SECRET))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    crashing.gateway.child.kill('SIGKILL');
    expect((await crashing.gateway.exited).signal).toBe('SIGKILL');
    await sandbox.control('DELETE', '/sandbox/faults');

    const restarted = await start(lease);
    const before = await postGraphQL(restarted.url, 'query ($c: ID!) { customer(id: $c) { entities { id } } }', { variables: { c: customerGlobalId(link.customerId) } });
    const subscription = subscribe<{ entityLinked: { id: string; bank: { name: string | null } } }>(
      restarted.url,
      'subscription ($c: ID!) { entityLinked(customerId: $c) { id bank { name } } }',
      { variables: { c: customerGlobalId(link.customerId) } },
    );
    try {
      await subscription.ready;
      // The bank name only comes with entity.created: before it was applied, the store had none.
      expect(JSON.stringify(before.body)).not.toContain('Lean Mock Bank');
      const event = await subscription.next(1, 60_000);
      expect(event.entityLinked).toEqual({ id: entityGlobalId(link.entityId), bank: { name: 'Lean Mock Bank' } });
      const deliveries = await postGraphQL(restarted.url, '{ webhookDeliveries { eventKey status attempts } }');
      expect(deliveries.body.data?.['webhookDeliveries']).toEqual(expect.arrayContaining([{ eventKey: 'evt-crash-user', status: 'APPLIED', attempts: 2 }]));
    } catch (error) {
      // What the restarted gateway logged, beside the failure in CI's output.
      // eslint-disable-next-line no-console -- diagnostics of a failed run
      console.log(['restarted gateway:', ...restarted.gateway.stdout.slice(-40), ...restarted.gateway.stderr.slice(-20)].join('\n').slice(0, 12_000));
      throw error;
    } finally {
      await subscription.close();
    }
  }, 120_000);

  interface Delivery {
    eventKey: string;
    status: string;
    attempts: number;
    processedAt: string | null;
  }
  const deliveriesOf = async (url: string): Promise<Delivery[]> => {
    const answer = await postGraphQL(url, '{ webhookDeliveries(first: 100) { eventKey status attempts processedAt } }');
    return (answer.body.data?.['webhookDeliveries'] as Delivery[] | undefined) ?? [];
  };
  const settledDeliveries = async (url: string, eventKeys: readonly string[], timeoutMs: number): Promise<Map<string, Delivery>> => {
    const started = Date.now();
    for (;;) {
      const byKey = new Map((await deliveriesOf(url)).map((delivery) => [delivery.eventKey, delivery]));
      if (eventKeys.every((key) => ['APPLIED', 'IGNORED', 'FAILED'].includes(byKey.get(key)?.status ?? ''))) return byKey;
      if (Date.now() - started > timeoutMs) throw new Error(`not settled within ${timeoutMs} ms: ${JSON.stringify([...byKey.values()].filter((d) => eventKeys.includes(d.eventKey) && d.status === 'RECEIVED'))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const envelope = (type: string, payload: Record<string, unknown>, eventId: string) =>
    JSON.stringify({ type, message: type, payload, timestamp: new Date().toISOString(), event_id: eventId });

  it.skipIf(!usingPostgres)('webhooks of the same few entities sent alternately to two instances are applied in arrival order per entity', async () => {
    const [first, second] = await Promise.all([start({ GATEWAY_WEBHOOK_LEASE_SECONDS: '10' }), start({ GATEWAY_WEBHOOK_LEASE_SECONDS: '10' })]);
    try {
      const links = await Promise.all([0, 1, 2, 3].map((i) => linkAtLean(sandbox, `order-user-${i}`)));
      // entity.updated asks Lean for the entity (slow here), entity.reconnected does not: without the
      // per-entity order, the instance given a reconnected would apply it before the other instance
      // has finished the updated sent just before it.
      await sandbox.control('POST', '/sandbox/faults', { path: '/customers/v1/', latency_ms: 150, count: 1_000 });
      const sent: string[][] = await Promise.all(
        links.map(async (link, entityIndex) => {
          const keys: string[] = [];
          const bodies = [link.body];
          keys.push(`evt-order-user-${entityIndex}`);
          for (let round = 0; round < 4; round++) {
            const updated = `evt-order-${entityIndex}-updated-${round}`;
            const reconnected = `evt-order-${entityIndex}-reconnected-${round}`;
            bodies.push(envelope('entity.updated', { id: link.entityId, customer_id: link.customerId }, updated));
            bodies.push(envelope('entity.reconnected', { id: link.entityId, reconnect_id: `reconnect-${entityIndex}-${round}` }, reconnected));
            keys.push(updated, reconnected);
          }
          // One after the other, each acknowledged before the next is sent: that is their order of arrival.
          for (const [index, body] of bodies.entries()) {
            const target = (index + entityIndex) % 2 === 0 ? first : second;
            expect((await postWebhook(target.url, body, sign(body, SECRET))).status).toBe(200);
          }
          return keys;
        }),
      );
      const deliveries = await settledDeliveries(first.url, sent.flat(), 60_000);
      for (const keys of sent) {
        const applied = keys.map((key) => deliveries.get(key));
        expect(applied.map((delivery) => delivery?.status)).toEqual(keys.map(() => 'APPLIED'));
        const times = applied.map((delivery) => new Date(delivery?.processedAt ?? 0).getTime());
        // Each applied after the one received before it had been (its processing ended first).
        expect(times).toEqual([...times].sort((a, b) => a - b));
      }
    } finally {
      await sandbox.control('DELETE', '/sandbox/faults');
      for (const { gateway } of [first, second]) {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
    }
  }, 120_000);

  it('kill -9 in the middle of a batch: after the restart every acknowledged webhook is applied exactly once and its event published once', async () => {
    // This process alone applies webhooks (PGlite serves one anyway).
    for (const gateway of running) {
      if (gateway.child.exitCode === null && gateway.child.signalCode === null) {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
    }
    // Long enough for a restart under CI's load and a subscribe before the crashed batch comes back.
    const lease = { GATEWAY_WEBHOOK_LEASE_SECONDS: '25' };
    const crashing = await start(lease);
    // Created through the gateway, as an app does before linking banks.
    const created = await postGraphQL(crashing.url, 'mutation { createCustomer(appUserId: "batch-crash-user") { leanCustomerId } }');
    const customer = { id: (created.body.data?.['createCustomer'] as { leanCustomerId: string }).leanCustomerId };
    const bodies: { entityId: string; eventKey: string; body: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const connected = await sandbox.control<{ id: string }>('POST', '/sandbox/connect', { customer_id: customer.id, bank_identifier: 'LEANMB1', permissions: ['accounts'] });
      const eventKey = `evt-batch-crash-${i}`;
      const payload = {
        id: connected.body.id,
        customer_id: customer.id,
        app_user_id: 'batch-crash-user',
        permissions: ['accounts'],
        bank_details: { name: 'Lean Mock Bank', identifier: 'LEANMB1' },
      };
      bodies.push({ entityId: connected.body.id, eventKey, body: envelope('entity.created', payload, eventKey) });
    }
    const before = subscribe<{ entityLinked: { id: string } }>(crashing.url, 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }', {
      variables: { c: customerGlobalId(customer.id) },
    });
    let after: typeof before | undefined;
    try {
      await before.ready;
      // Three of the batch's Lean calls hang: the others are applied, those three are mid-way when the process dies.
      await sandbox.control('POST', '/sandbox/faults', { path: '/customers/v1/', latency_ms: 30_000, count: 3 });
      for (const { body } of bodies) expect((await postWebhook(crashing.url, body, sign(body, SECRET))).status).toBe(200);
      await before.next(bodies.length - 3, 30_000).catch(async (error: unknown) => {
        // eslint-disable-next-line no-console -- diagnostics of a failed run
        console.log(JSON.stringify(await deliveriesOf(crashing.url)), JSON.stringify(before.received), crashing.gateway.stdout.slice(-30).join('\n'));
        throw error;
      });
      crashing.gateway.child.kill('SIGKILL');
      expect((await crashing.gateway.exited).signal).toBe('SIGKILL');
      await sandbox.control('DELETE', '/sandbox/faults');

      const restarted = await start(lease);
      after = subscribe<{ entityLinked: { id: string } }>(restarted.url, 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }', {
        variables: { c: customerGlobalId(customer.id) },
      });
      await after.ready;
      await after.next(3, 60_000).catch(async (error: unknown) => {
        // eslint-disable-next-line no-console -- diagnostics of a failed run
        console.log(JSON.stringify(await deliveriesOf(restarted.url)), restarted.gateway.stdout.slice(-30).join('\n'));
        throw error;
      });
      const deliveries = await settledDeliveries(
        restarted.url,
        bodies.map(({ eventKey }) => eventKey),
        30_000,
      );
      expect(bodies.map(({ eventKey }) => deliveries.get(eventKey)?.status)).toEqual(bodies.map(() => 'APPLIED'));
      // Five applied at the first attempt, the three cut off at their second.
      expect(bodies.map(({ eventKey }) => deliveries.get(eventKey)?.attempts).sort()).toEqual([1, 1, 1, 1, 1, 2, 2, 2]);
      // Nothing more comes: each entity's event once, across both runs.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const published = [...before.received, ...after.received].map((event) => event.entityLinked.id).sort();
      expect(published).toEqual(bodies.map(({ entityId }) => entityGlobalId(entityId)).sort());
    } finally {
      await before.close();
      await after?.close();
    }
  }, 180_000);
});
