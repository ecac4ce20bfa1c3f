import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, leanCalls, linkBank, resetLeanCalls, sandboxControl, utcDay } from './kit/flows.js';
import { projectRoot, startTestGateway, type TestGateway } from './kit/gateway.js';
import { leanEndpoint, withoutTokenCalls } from './kit/lean-version.js';
import { postGraphQL } from './kit/graphql.js';
import { eventually } from './kit/sandbox.js';
import { subscribe } from './kit/subscriptions.js';
import { postWebhook, sign, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

const SECRET = TEST_WEBHOOK_SECRET;

const inboxRows = (gateway: TestGateway) =>
  gateway.database.db.selectFrom('webhook_inbox').select(['id', 'event_key', 'type', 'status', 'last_error']).orderBy('id').execute();

/** Waits until the processor has nothing left to apply. */
async function settled(gateway: TestGateway, timeoutMs = 45_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const due = await gateway.database.db.selectFrom('webhook_inbox').select('id').where('status', '=', 'RECEIVED').execute();
    if (due.length === 0) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${due.length} webhooks still unapplied`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /webhooks/lean', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('webhooks_in');
    gateway = await startTestGateway({ ...database.env, LEAN_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  const unknownType = JSON.stringify({ type: 'payment.created', payload: { id: 'p1' }, message: 'm', timestamp: '2026-01-01T00:00:00Z', event_id: 'evt-payment-1' });

  it('refuses a missing, a forged and a wrongly keyed signature with 401, storing nothing', async () => {
    const before = await inboxRows(gateway);
    expect((await postWebhook(gateway.url, unknownType, null)).status).toBe(401);
    expect((await postWebhook(gateway.url, unknownType, `sha512=${'0'.repeat(128)}`)).status).toBe(401);
    expect((await postWebhook(gateway.url, unknownType, sign(unknownType, 'another-secret-entirely-0123456789'))).status).toBe(401);
    expect((await postWebhook(gateway.url, unknownType, 'sha256=abc')).status).toBe(401);
    expect(await inboxRows(gateway)).toEqual(before);
  });

  it('refuses a body over 1 MiB with 413, storing nothing', async () => {
    const before = await inboxRows(gateway);
    const huge = JSON.stringify({ type: 'payment.created', payload: { blob: 'x'.repeat(1024 * 1024) } });
    expect((await postWebhook(gateway.url, huge)).status).toBe(413);
    expect(await inboxRows(gateway)).toEqual(before);
  });

  it('stores a signed webhook once: a redelivery is answered 200 and not stored again; hex and base64 digests both verify', async () => {
    expect(await postWebhook(gateway.url, unknownType)).toEqual({ status: 200, body: { received: true, duplicate: false } });
    expect(await postWebhook(gateway.url, unknownType, sign(unknownType, SECRET, 'base64'))).toEqual({ status: 200, body: { received: true, duplicate: true } });
    await settled(gateway);
    const rows = (await inboxRows(gateway)).filter((row) => row.event_key === 'evt-payment-1');
    expect(rows).toEqual([expect.objectContaining({ type: 'payment.created', status: 'IGNORED' }) as unknown]);
  });

  it('keeps a signed body that is not JSON, not an envelope, or not storable text, as INVALID with its reason, answering 200', async () => {
    expect((await postWebhook(gateway.url, 'this is not json')).status).toBe(200);
    expect((await postWebhook(gateway.url, JSON.stringify({ hello: 'world' }))).status).toBe(200);
    expect((await postWebhook(gateway.url, '{"type":"x\u0000","payload":{}}')).status).toBe(200);
    const invalid = (await inboxRows(gateway)).filter((row) => row.status === 'INVALID');
    expect(invalid.map((row) => row.last_error)).toEqual([
      'the body is not JSON',
      expect.stringContaining('not a Lean webhook envelope') as unknown,
      'the body contains NUL bytes',
    ]);
  });
});

describe('replaying failed webhooks', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('webhooks_replay');
    gateway = await startTestGateway({ ...database.env, LEAN_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  const failOne = async (eventId: string) => {
    const body = JSON.stringify({ type: 'bank.availability.updated', payload: { identifier: 'LEANMB1' }, message: 'm', timestamp: '2026-01-01T00:00:00Z', event_id: eventId });
    expect((await postWebhook(gateway.url, body)).status).toBe(200);
    await settled(gateway);
    // As if every retry had failed.
    await gateway.database.db.updateTable('webhook_inbox').set({ status: 'FAILED', last_error: 'gave up' }).where('event_key', '=', eventId).execute();
  };
  const statusOf = async (eventId: string) =>
    (await gateway.database.db.selectFrom('webhook_inbox').select('status').where('event_key', '=', eventId).executeTakeFirstOrThrow()).status;

  it('replayFailedWebhooks (services only) applies FAILED rows again', async () => {
    await failOne('evt-replay-1');
    const answer = await postGraphQL(gateway.url, 'mutation { replayFailedWebhooks }');
    expect(answer.body).toEqual({ data: { replayFailedWebhooks: 1 } });
    await settled(gateway);
    expect(await statusOf('evt-replay-1')).toBe('IGNORED');
    const listed = await postGraphQL(gateway.url, '{ webhookDeliveries(first: 5) { eventKey status attempts } }');
    expect(listed.body.data?.['webhookDeliveries']).toEqual(expect.arrayContaining([{ eventKey: 'evt-replay-1', status: 'IGNORED', attempts: 1 }]));
  });

  it.skipIf(!usingPostgres)('npm run webhooks:replay does the same from the command line', async () => {
    await failOne('evt-replay-2');
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout: output } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/webhooks/replay-cli.ts'], {
      cwd: projectRoot,
      env: { ...process.env, ...database.env, LOG_LEVEL: 'silent' },
    });
    expect(output).toContain('1 failed webhook(s) queued again');
    await settled(gateway);
    expect(await statusOf('evt-replay-2')).toBe('IGNORED');
  });
});

describe('subscriptions fed by webhooks', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('webhooks_live');
    gateway = await startTestGateway({ ...database.env, LEAN_WEBHOOK_SECRET: SECRET, LEAN_SANDBOX_RESULTS_DELAY_MS: '200' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('entityLinked reaches a graphql-ws subscriber, with the bank details of entity.created', async () => {
    const customer = await createCustomer(gateway, 'linked-user');
    const subscription = subscribe<{ entityLinked: { id: string; status: string; bank: { identifier: string; name: string | null; mainColor: string | null } } }>(
      gateway.url,
      'subscription ($c: ID!) { entityLinked(customerId: $c) { id status bank { identifier name mainColor } } }',
      { variables: { c: customer.id } },
    );
    try {
      await subscription.ready;
      const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
      const event = await subscription.next();
      expect(event.entityLinked).toEqual({ id: globalId('Entity', linked.id), status: 'ACTIVE', bank: { identifier: 'LEANMB1', name: 'Lean Mock Bank', mainColor: '#1beb75' } });
      // And the entity is there for a query without any refresh.
      const listed = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { id } } }', { variables: { id: customer.id } });
      expect(dataAt(listed, 'customer.entities')).toEqual([{ id: globalId('Entity', linked.id) }]);
    } finally {
      await subscription.close();
    }
  });

  it('entityLinked reaches an SSE subscriber too', async () => {
    const customer = await createCustomer(gateway, 'sse-user');
    const controller = new AbortController();
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription ($c: ID!) { entityLinked(customerId: $c) { bank { identifier } } }', variables: { c: customer.id } }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    let text = '';
    while (!text.includes('"identifier"')) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) break;
      text += Buffer.from(chunk.value).toString('utf8');
    }
    controller.abort();
    expect(text).toContain('"entityLinked":{"bank":{"identifier":"LEANMB2"}}');
  });

  it('a pending bank: the query answers ResultsPending, then resultsReady delivers the transactions', async () => {
    const customer = await createCustomer(gateway, 'async-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB3_ASYNC');
    const accountId = globalId('Account', linked.accountIds[0] ?? '');
    const ready = subscribe<{ resultsReady: { __typename: string; resultsId: string; transactions: { amount: string }[] } }>(
      gateway.url,
      'subscription ($c: ID!) { resultsReady(customerId: $c) { __typename ... on TransactionsReady { resultsId from to transactions { amount } } } }',
      { variables: { c: customer.id } },
    );
    try {
      await ready.ready;
      await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { accounts { __typename } } } }', { variables: { id: customer.id } });
      const answer = await postGraphQL(gateway.url, 'query ($a: ID!, $f: Date!) { node(id: $a) { ... on Account { transactions(from: $f) { __typename ... on ResultsPending { resultsId } } } } }', {
        variables: { a: accountId, f: utcDay(-30) },
      });
      const pending = dataAt(answer, 'node.transactions') as { __typename: string; resultsId: string };
      expect(pending.__typename).toBe('ResultsPending');
      const event = await ready.next();
      expect(event.resultsReady.__typename).toBe('TransactionsReady');
      expect(event.resultsReady.resultsId).toBe(pending.resultsId);
      expect(event.resultsReady.transactions.length).toBeGreaterThan(0);
      // Subscribing by resultsId after the results arrived still delivers them, at once.
      const late = subscribe<{ resultsReady: { __typename: string; resultsId: string } }>(
        gateway.url,
        'subscription ($r: String!) { resultsReady(resultsId: $r) { __typename ... on TransactionsReady { resultsId } } }',
        { variables: { r: pending.resultsId } },
      );
      try {
        expect((await late.next(1, 5_000)).resultsReady).toEqual({ __typename: 'TransactionsReady', resultsId: pending.resultsId });
      } finally {
        await late.close();
      }
      // The same query now reads the stored answer.
      const again = await postGraphQL(gateway.url, 'query ($a: ID!, $f: Date!) { node(id: $a) { ... on Account { transactions(from: $f, first: 100) { __typename ... on TransactionConnection { edges { node { amount } } } } } } }', {
        variables: { a: accountId, f: utcDay(-30) },
      });
      expect(dataAt(again, 'node.transactions.__typename')).toBe('TransactionConnection');
    } finally {
      await ready.close();
    }
  });

  it('an expired session: reconnectRequired, then after the reconnect entityReconnected and resultsReady with the balance', async () => {
    const customer = await createCustomer(gateway, 'otp-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB4_OTP');
    const accountId = globalId('Account', linked.accountIds[0] ?? '');
    await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { accounts { __typename } } } }', { variables: { id: customer.id } });
    expect((await sandboxControl(gateway, 'POST', `/sandbox/entities/${linked.id}/expire-session`)).status).toBe(200);

    const variables = { c: customer.id };
    const reconnect = subscribe<{ reconnectRequired: { reconnectId: string; resultsId: string; entity: { id: string; status: string } } }>(
      gateway.url,
      'subscription ($c: ID!) { reconnectRequired(customerId: $c) { reconnectId resultsId entity { id status } } }',
      { variables },
    );
    const reconnected = subscribe<{ entityReconnected: { id: string; status: string } }>(gateway.url, 'subscription ($c: ID!) { entityReconnected(customerId: $c) { id status } }', { variables });
    const ready = subscribe<{ resultsReady: { __typename: string; resultsId: string; balance: { amount: string } | null } }>(
      gateway.url,
      'subscription ($c: ID!) { resultsReady(customerId: $c) { __typename ... on BalanceReady { resultsId balance { amount } } } }',
      { variables },
    );
    try {
      await Promise.all([reconnect.ready, reconnected.ready, ready.ready]);
      const answer = await postGraphQL(gateway.url, 'query ($a: ID!) { node(id: $a) { ... on Account { balance { __typename ... on ReconnectRequired { reconnectId resultsId } } } } }', {
        variables: { a: accountId },
      });
      const typed = dataAt(answer, 'node.balance') as { __typename: string; reconnectId: string; resultsId: string };
      expect(typed.__typename).toBe('ReconnectRequired');
      const required = await reconnect.next();
      expect(required.reconnectRequired).toEqual({ reconnectId: typed.reconnectId, resultsId: typed.resultsId, entity: { id: globalId('Entity', linked.id), status: 'RECONNECT_REQUIRED' } });

      expect((await sandboxControl(gateway, 'POST', `/sandbox/reconnect/${typed.reconnectId}`)).status).toBe(200);
      expect((await reconnected.next()).entityReconnected).toEqual({ id: globalId('Entity', linked.id), status: 'ACTIVE' });
      const delivered = await ready.next();
      expect(delivered.resultsReady.__typename).toBe('BalanceReady');
      expect(delivered.resultsReady.resultsId).toBe(typed.resultsId);
      expect(delivered.resultsReady.balance?.amount).toMatch(/^-?\d+(\.\d+)?$/);
    } finally {
      await Promise.all([reconnect.close(), reconnected.close(), ready.close()]);
    }
  });

  it('after a reconnect, resultsReady delivers accounts and identity, stored as a read would have stored them: the next read asks Lean nothing', async () => {
    const customer = await createCustomer(gateway, 'reconnect-kinds-user');
    const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    const selections = {
      accounts: 'accounts { __typename ... on AccountList { accounts { leanAccountId } } ... on ReconnectRequired { reconnectId resultsId } }',
      identity: 'identity { __typename ... on Identity { fullName } ... on ReconnectRequired { reconnectId resultsId } }',
    };
    const entityData = (fields: readonly (keyof typeof selections)[]) =>
      postGraphQL(gateway.url, `query ($e: ID!) { node(id: $e) { ... on Entity { ${fields.map((field) => selections[field]).join(' ')} } } }`, {
        variables: { e: globalId('Entity', linked.id) },
      });
    type Answer = { __typename: string; reconnectId?: string; resultsId?: string };
    const ready = subscribe<{ resultsReady: { __typename: string; resultsId: string; accounts?: { leanAccountId: string }[]; identity?: { fullName: string | null } | null } }>(
      gateway.url,
      'subscription ($c: ID!) { resultsReady(customerId: $c) { __typename ... on AccountsReady { resultsId accounts { leanAccountId } } ... on IdentityReady { resultsId identity { fullName } } } }',
      { variables: { c: customer.id } },
    );
    try {
      await ready.ready;
      // Each kind in turn: the session expires, the read meets RECONNECT_REQUIRED, the user reconnects.
      for (const [field, typename] of [['accounts', 'AccountsReady'], ['identity', 'IdentityReady']] as const) {
        expect((await sandboxControl(gateway, 'POST', `/sandbox/entities/${linked.id}/expire-session`)).status).toBe(200);
        const answer = await entityData([field]);
        const typed = dataAt(answer, `node.${field}`) as Answer;
        expect(typed.__typename).toBe('ReconnectRequired');
        await resetLeanCalls(gateway);
        expect((await sandboxControl(gateway, 'POST', `/sandbox/reconnect/${typed.reconnectId ?? ''}`)).status).toBe(200);
        const delivered = (await ready.next()).resultsReady;
        expect(delivered).toMatchObject({ __typename: typename, resultsId: typed.resultsId });
        // The answer was fetched once, by results.ready; the event read it from the store.
        expect(withoutTokenCalls((await leanCalls(gateway)).calls)).toEqual({ [leanEndpoint('results')]: 1 });
      }
      const [accounts, identity] = [ready.received[0]?.resultsReady, ready.received[1]?.resultsReady];
      expect(accounts?.accounts?.map((a) => a.leanAccountId).sort()).toEqual([...linked.accountIds].sort());
      expect(identity?.identity?.fullName).toEqual(expect.any(String));

      await resetLeanCalls(gateway);
      const again = await entityData(['accounts', 'identity']);
      expect(dataAt(again, 'node.accounts')).toEqual({ __typename: 'AccountList', accounts: accounts?.accounts });
      expect(dataAt(again, 'node.identity')).toEqual({ __typename: 'Identity', fullName: identity?.identity?.fullName });
      expect((await leanCalls(gateway)).total).toBe(0);
    } finally {
      await ready.close();
    }
  });

  it.skipIf(!usingPostgres)('the listening connection comes back after the server drops it, and events flow again', async () => {
    const { sql } = await import('kysely');
    const terminated = await sql<{ terminated: boolean }>`
      select pg_terminate_backend(pid) as terminated
      from (select pid from pg_stat_activity where application_name = 'lean-gateway-listener' and datname = current_database()) as listener
    `.execute(gateway.database.db);
    // Two per instance: one for events, one that wakes the webhook processor.
    expect(terminated.rows.length).toBe(2);
    const customer = await createCustomer(gateway, 'after-restart-user');
    const subscription = subscribe<{ entityLinked: { id: string } }>(gateway.url, 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }', {
      variables: { c: customer.id },
    });
    try {
      await subscription.ready;
      await eventually(async () => {
        const listening = await sql<{ pid: number }>`select pid from pg_stat_activity where application_name = 'lean-gateway-listener' and datname = current_database()`.execute(
          gateway.database.db,
        );
        return listening.rows.length === 2;
      });
      const linked = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
      expect((await subscription.next(1, 10_000)).entityLinked.id).toBe(globalId('Entity', linked.id));
    } finally {
      await subscription.close();
    }
  });

  it('an end user may subscribe only to their own customer; another customer reads as not found', async () => {
    const customer = await createCustomer(gateway, 'someone-else');
    const subscription = subscribe(gateway.url, 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }', {
      variables: { c: globalId('Customer', '00000000-0000-4000-8000-000000000000') },
    });
    await eventually(() => subscription.errors.length > 0);
    expect(JSON.stringify(subscription.errors)).toContain('NOT_FOUND');
    await subscription.close();
    expect(customer.id).toBeTruthy();
  });
});

describe('the webhooks of the seed docs and of Lean’s Postman samples', () => {
  const fixtures = new URL('./fixtures/lean-webhooks/', import.meta.url);
  const postman = readdirSync(fixtures)
    .sort()
    .map((name) => JSON.stringify(JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as unknown));
  const seedDocs = [
    {
      type: 'entity.created',
      message: 'An entity object has been created.',
      payload: {
        id: 'f08fb010-878f-407a-9ac2-a7840fb56185',
        customer_id: '6bc2336a-6d74-4e59-a492-65313423a8f',
        permissions: ['transactions', 'balance', 'identity', 'accounts'],
        bank_details: { name: 'Lean Mock Bank', identifier: 'LEANMB2', logo: 'https://cdn.leantech.me/img/banks/white-lean.png', main_color: '#1beb75', background_color: '#001E26' },
      },
      timestamp: '2020-10-10T17:19:00.059933Z',
    },
    {
      type: 'entity.reconnected',
      payload: { id: 'a2533394-6fcb-4407-989d-c35e96f34aa3', reconnect_id: '6222a07e-3aa8-42ba-87df-0ef989f36d19' },
      message: 'The entity was successfully reconnected.',
      timestamp: '2021-01-08T18:05:19.244672Z',
    },
    { type: 'results.ready', payload: { id: '9b8ab652-cc95-4fb2-9340-59b0164c8fb2' }, message: 'Your results are ready.', timestamp: '2021-01-08T18:05:19.244672Z' },
  ].map((body) => JSON.stringify(body));
  const bodies = [...seedDocs, ...postman];

  const snapshot = async (gateway: TestGateway) => ({
    customers: await gateway.database.db.selectFrom('customers').select(['id', 'app_user_id']).orderBy('id').execute(),
    banks: await gateway.database.db.selectFrom('banks').select(['identifier', 'name', 'logo', 'main_color', 'background_color', 'swift_code']).orderBy('identifier').execute(),
    entities: await gateway.database.db.selectFrom('entities').select(['id', 'customer_id', 'bank_identifier', 'account_type', 'permissions', 'status']).orderBy('id').execute(),
    inbox: await gateway.database.db.selectFrom('webhook_inbox').select(['event_key', 'type', 'status']).orderBy('event_key').execute(),
  });

  it('sent twice and shuffled, leave the same state as one ordered pass', async () => {
    const once = await createTestDatabase('webhooks_once');
    const twice = await createTestDatabase('webhooks_twice');
    const first = await startTestGateway({ ...once.env, LEAN_WEBHOOK_SECRET: SECRET });
    const second = await startTestGateway({ ...twice.env, LEAN_WEBHOOK_SECRET: SECRET });
    try {
      for (const body of bodies) expect((await postWebhook(first.url, body)).status).toBe(200);
      const shuffled = [...bodies, ...bodies]
        .map((body, index) => ({ body, order: (index * 7919) % 23 }))
        .sort((a, b) => a.order - b.order)
        .map(({ body }) => body);
      const answers = [];
      for (const body of shuffled) answers.push(await postWebhook(second.url, body));
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(answers.filter((answer) => (answer.body as { duplicate: boolean }).duplicate)).toHaveLength(bodies.length);
      await settled(first);
      await settled(second);
      const ordered = await snapshot(first);
      expect(await snapshot(second)).toEqual(ordered);
      // What the samples leave: the customer and entity of the Postman entity.created, its bank, every event kept once.
      expect(ordered.inbox).toHaveLength(bodies.length);
      expect(ordered.entities.map((entity) => entity.bank_identifier).sort()).toEqual(['LEA1_SAMAOB_SAU', 'LEAN_OF_RETAIL_UAE'].sort());
      expect(ordered.inbox.filter((row) => row.type === 'entity.created').map((row) => row.status)).toEqual(['APPLIED', 'APPLIED', 'IGNORED']);
      // Each event published once, though every body arrived twice.
      const events = (await second.database.db.selectFrom('event_log').select('event').orderBy('position').execute()).map((row) => row.event as { topic: string; entityId?: string });
      expect(events.filter((event) => event.topic === 'entityLinked').map((event) => `${event.topic}:${event.entityId ?? ''}`).sort()).toEqual(
        ordered.entities.map((entity) => `entityLinked:${entity.id}`).sort(),
      );
      // Webhooks that change data without a subscription of their own tell the response caches, once each.
      const changing = ordered.inbox.filter((row) => (row.type === 'entity.data.refresh.updated' || row.type === 'entity.updated') && row.status === 'APPLIED');
      // (a finished refresh tells it as dataRefreshed, which also carries what was read)
      expect(events.filter((event) => event.topic === 'dataChanged' || event.topic === 'dataRefreshed')).toHaveLength(changing.length);
    } finally {
      await first.stop();
      await second.stop();
      await once.drop();
      await twice.drop();
    }
  }, 90_000);
});
