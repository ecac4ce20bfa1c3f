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
});
