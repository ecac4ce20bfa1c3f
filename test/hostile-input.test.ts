import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, globalId, linkBank, utcDay, webhooksApplied, type CreatedCustomer, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, unsignedJwt } from './kit/graphql.js';
import { fingerprint, leakIn, wsExchange, type WsOutcome } from './kit/hostile.js';
import { sign, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

/**
 * Issue 6, part 4: hostile input through the real HTTP and WebSocket surfaces. Every case names the
 * answer it must get (HTTP status or graphql-ws outcome, and error code) and proves the store did
 * not change: a fingerprint of every table (row count + md5 of all rows' text, all columns) before
 * and after. Only the webhook cases that are meant to store exclude `webhook_inbox` — and then
 * count exactly the rows they were allowed to add.
 */

const SERVICE_KEY = 'svc_hostile_0123456789abcdef012345678';
const JWT_SECRET = 'hostile-end-user-signing-secret-of-32-bytes+';
const MIB = 1024 * 1024;

interface GraphQLErrorShape {
  message: string;
  path?: unknown[];
  extensions?: Record<string, unknown>;
}

interface Answer {
  /** HTTP status, or what the graphql-ws server did. */
  readonly status: number | WsOutcome;
  readonly text: string;
  readonly headers?: Headers;
  readonly data: unknown;
  readonly errors: GraphQLErrorShape[];
  /** The webhook receiver's JSON answer. */
  readonly webhook?: { error?: string; received?: boolean; duplicate?: boolean };
}

interface Case {
  readonly name: string;
  readonly send: () => Promise<Answer>;
  readonly status: Answer['status'];
  /**
   * The `extensions.code` every error carries; `null`: no error at all (e.g. another customer's
   * id answers null). For webhooks: the receiver's `error` text, or `stored` / `duplicate`.
   */
  readonly code: string | null;
  /** Further checks of the answer. */
  readonly check?: (answer: Answer) => void | Promise<void>;
  /** Webhook rows the case may add (the inbox is then left out of the fingerprint and counted instead). */
  readonly stores?: number;
}

let database: TestDatabase;
let gateway: TestGateway;
let alice: CreatedCustomer;
let bob: CreatedCustomer;
let aliceEntity: LinkedEntity;
let bobEntity: LinkedEntity;
let aliceToken: string;
let appToken: string;

/** Everything no answer may ever contain. */
const secrets = () => [SERVICE_KEY, JWT_SECRET, TEST_WEBHOOK_SECRET, appToken, aliceToken];

beforeAll(async () => {
  database = await createTestDatabase('hostile');
  gateway = await startTestGateway({
    ...database.env,
    GATEWAY_API_KEYS: SERVICE_KEY,
    GATEWAY_JWT_SECRET: JWT_SECRET,
    GATEWAY_JWT_ISSUER: TEST_ISSUER,
    GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
    GATEWAY_INTROSPECTION: 'false',
    // ~70 cases in a few seconds: the rate limit is tested on its own, not here.
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
  });
  alice = await createCustomer(gateway, 'alice', { token: SERVICE_KEY });
  bob = await createCustomer(gateway, 'bob', { token: SERVICE_KEY });
  aliceEntity = await linkBank(gateway, alice.leanCustomerId, 'LEANMB1');
  bobEntity = await linkBank(gateway, bob.leanCustomerId, 'LEANMB2');
  // The service reads both customers' accounts, so every id below is in the store and cached.
  for (const customer of [alice, bob]) {
    const answer = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { accounts { ... on AccountList { accounts { id } } } } } }', {
      token: SERVICE_KEY,
      variables: { id: customer.id },
    });
    expect(answer.body.errors).toBeUndefined();
  }
  aliceToken = await signEndUserJwt(JWT_SECRET, { sub: 'alice' });
  const link = await postGraphQL(gateway.url, 'mutation ($c: ID!) { prepareLink(customerId: $c, permissions: [ACCOUNTS]) { options } }', {
    token: SERVICE_KEY,
    variables: { c: alice.id },
  });
  appToken = String(dataAt(link, 'prepareLink.options.app_token'));
  expect(appToken.length).toBeGreaterThan(8);
  await webhooksApplied(gateway, () => true);
});
afterAll(async () => {
  await gateway?.stop();
  await database?.drop();
});

// ---- ways to send -------------------------------------------------------------------------------

async function http(method: string, path: string, headers: Record<string, string>, body?: string | Readable): Promise<Answer> {
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (body instanceof Readable) {
    init.body = Readable.toWeb(body) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(`${gateway.url}${path}`, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const object = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { data?: unknown; errors?: GraphQLErrorShape[]; error?: string };
  return {
    status: response.status,
    text,
    headers: response.headers,
    data: object.data,
    errors: Array.isArray(object.errors) ? object.errors : [],
    ...(path.startsWith('/webhooks') && { webhook: object }),
  };
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

/** A raw body to POST /graphql, as is; `token` null: anonymous. */
const raw = (body: string | Readable, headers: Record<string, string> = {}, token: string | null = SERVICE_KEY) => () =>
  http('POST', '/graphql', { ...JSON_HEADERS, ...(token !== null && { authorization: `Bearer ${token}` }), ...headers }, body);

/** One operation, as a front end sends it. */
const gql = (query: string, variables: Record<string, unknown> = {}, token: string | null = SERVICE_KEY) => raw(JSON.stringify({ query, variables }), {}, token);

const asAlice = (query: string, variables: Record<string, unknown> = {}) => () => gql(query, variables, aliceToken)();

const webhook = (body: string, signature: string | null) => () =>
  http('POST', '/webhooks/lean', { 'content-type': 'application/json', ...(signature !== null && { 'lean-signature': signature }) }, body);

const ws = (options: Parameters<typeof wsExchange>[1]) => async (): Promise<Answer> => {
  const answer = await wsExchange(gateway.url, options);
  return { status: answer.outcome, text: answer.text, data: undefined, errors: answer.errors };
};

// ---- documents ----------------------------------------------------------------------------------

/** `customer { entities { customer { entities { … } } } }`, `levels` fields deep: valid, only too deep. */
function deepQuery(levels: number): string {
  let selection = 'id';
  for (let level = levels - 1; level >= 1; level -= 1) selection = level % 2 === 1 ? `entities { ${selection} }` : `customer { ${selection} }`;
  return `query ($id: ID!) { customer(id: $id) { ${selection} } }`;
}
const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(' ')} }`;
const TRANSACTIONS = 'query ($id: ID!, $from: Date, $to: Date, $first: Int) { node(id: $id) { ... on Account { transactions(from: $from, to: $to, first: $first) { __typename } } } }';
const PREPARE_LINK = `mutation ($c: ID!, $p: [LeanPermission!]!, $type: AccountType, $bank: String, $to: String, $from: String) {
  prepareLink(customerId: $c, permissions: $p, accountType: $type, bankIdentifier: $bank, accessTo: $to, accessFrom: $from) { options } }`;
const CUSTOMER = 'query ($id: ID!) { customer(id: $id) { id appUserId } }';
const NODE = 'query ($id: ID!) { node(id: $id) { id } }';
const SUBSCRIBE_LINKED = 'subscription ($c: ID!) { entityLinked(customerId: $c) { id } }';
const aliceAccount = () => globalId('Account', aliceEntity.accountIds[0] ?? '');
const bobAccount = () => globalId('Account', bobEntity.accountIds[0] ?? '');
const inOneYearAndADay = () => new Date(Date.now() + 367 * 86_400_000).toISOString();
const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
};

// ---- checks shared by cases ---------------------------------------------------------------------

const extension = (name: string, value: unknown) => (answer: Answer) => {
  expect(answer.errors[0]?.extensions?.[name]).toEqual(value);
};
const dataIsNull = (path: string) => (answer: Answer) => {
  let value: unknown = answer.data;
  for (const key of path.split('.')) value = value === null || typeof value !== 'object' ? undefined : (value as Record<string, unknown>)[key];
  expect(value ?? null).toBeNull();
};
const rule = (name: string) => (answer: Answer) => {
  expect(answer.errors.map((error) => error.extensions?.['rule'])).toContain(name);
  dataIsNull('prepareLink')(answer);
};

// ---- the table ----------------------------------------------------------------------------------

const cases: Case[] = [
  // Transport: body, content type, method, batching.
  { name: 'malformed JSON body', send: raw('{"query": "{ viewer { kind } }"'), status: 400, code: 'BAD_REQUEST' },
  { name: 'content type text/plain', send: raw('{"query":"{ viewer { kind } }"}', { 'content-type': 'text/plain' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  {
    name: 'content type application/x-www-form-urlencoded',
    send: raw('query=%7B%20viewer%20%7B%20kind%20%7D%20%7D', { 'content-type': 'application/x-www-form-urlencoded' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'content type multipart/form-data (uploads are off)',
    send: raw('--b\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ viewer { kind } }"}\r\n--b--\r\n', { 'content-type': 'multipart/form-data; boundary=b' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a 2 MiB body (content-length)',
    send: raw(JSON.stringify({ query: '{ viewer { kind } }', variables: { pad: 'x'.repeat(2 * MIB) } })),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    check: extension('limitBytes', MIB),
  },
  {
    name: 'a 2 MiB body (chunked, no content-length)',
    send: raw(Readable.from((function* () {
      yield '{"query":"{ viewer { kind } }","variables":{"pad":"';
      for (let i = 0; i < 32; i += 1) yield 'x'.repeat(64 * 1024);
      yield '"}}';
    })())),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    check: extension('limitBytes', MIB),
  },
  {
    name: 'a batch (JSON array of two operations)',
    send: raw(JSON.stringify([{ query: '{ viewer { kind } }' }, { query: 'mutation { createCustomer(appUserId: "batched") { id } }' }])),
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'no `query` in the body', send: raw(JSON.stringify({ variables: {} })), status: 400, code: 'BAD_REQUEST' },
  { name: '`query` not a string', send: raw(JSON.stringify({ query: { kind: 'Document' } })), status: 400, code: 'BAD_REQUEST' },
  { name: '`variables` not an object', send: raw(JSON.stringify({ query: CUSTOMER, variables: ['not', 'an', 'object'] })), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'a mutation over GET',
    send: () => http('GET', `/graphql?query=${encodeURIComponent('mutation { createCustomer(appUserId: "by-get") { id } }')}`, { accept: 'application/json', authorization: `Bearer ${SERVICE_KEY}` }),
    status: 405,
    code: 'BAD_REQUEST',
    check: (answer) => expect(answer.headers?.get('allow')).toBe('POST'),
  },

  // Documents: syntax, validation, limits.
  { name: 'a GraphQL syntax error', send: gql('{ viewer { kind }'), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'an unknown field', send: gql('{ viewer { password } }'), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a 50-deep query', send: () => gql(deepQuery(50), { id: alice.id })(), status: 400, code: 'QUERY_LIMIT_EXCEEDED', check: extension('limit', 'depth') },
  {
    name: '1,000 aliases',
    send: gql(aliases(1000)),
    status: 400,
    code: 'QUERY_LIMIT_EXCEEDED',
    // 3,000 tokens: the token limit (checked while parsing) may answer before the alias limit.
    check: (answer) => expect(['aliases', 'tokens']).toContain(answer.errors[0]?.extensions?.['limit']),
  },
  { name: '31 aliases', send: gql(aliases(31)), status: 400, code: 'QUERY_LIMIT_EXCEEDED', check: extension('limit', 'aliases') },
  {
    name: '11 directives',
    send: gql(`{ viewer { ${Array.from({ length: 11 }, (_, i) => `k${i}: kind @include(if: true)`).join(' ')} } }`),
    status: 400,
    code: 'QUERY_LIMIT_EXCEEDED',
    check: extension('limit', 'directives'),
  },
  {
    name: 'more than 2,000 tokens (a field asked 2,100 times)',
    send: gql(`{ viewer { ${'kind '.repeat(2100)}} }`),
    status: 400,
    code: 'QUERY_LIMIT_EXCEEDED',
    check: extension('limit', 'tokens'),
  },
  {
    name: 'a costly query (25 customers × entities × accounts × 100 transactions)',
    send: () =>
      gql(
        `query ($id: ID!) { ${Array.from({ length: 25 }, (_, i) => `c${i}: customer(id: $id) { entities { accounts { ... on AccountList { accounts { transactions(first: 100) { ... on TransactionConnection { edges { node { id amount } } } } } } } } }`).join(' ')} }`,
        { id: alice.id },
      )(),
    status: 400,
    code: 'QUERY_LIMIT_EXCEEDED',
    check: extension('limit', 'cost'),
  },

  // Arguments.
  {
    name: 'a 100 KB string argument (createCustomer appUserId)',
    send: gql('mutation ($a: String!) { createCustomer(appUserId: $a) { id } }', { a: 'x'.repeat(100_000) }),
    status: 200,
    code: 'BAD_USER_INPUT',
    check: (answer) => expect(answer.text).not.toContain('x'.repeat(161)),
  },
  {
    name: 'a NUL byte in a string argument (createCustomer appUserId)',
    send: gql('mutation ($a: String!) { createCustomer(appUserId: $a) { id } }', { a: 'nul\u0000byte' }),
    status: 200,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unicode (RTL override, emoji, lone surrogate) in a lookup by an end user',
    send: asAlice('query ($a: String!) { customerByAppUserId(appUserId: $a) { id } }', { a: 'bob\u202e😀\ud800' }),
    status: 200,
    code: null,
    check: dataIsNull('customerByAppUserId'),
  },
  { name: 'an invalid UUID in a well-formed global id', send: gql(CUSTOMER, { id: globalId('Customer', 'not-a-uuid') }), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'a forged global id (not base64 of Type:id)', send: gql(CUSTOMER, { id: 'forged!!global::id' }), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'a global id of the wrong type (an Entity for customer)', send: () => gql(CUSTOMER, { id: globalId('Entity', aliceEntity.id) })(), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'an impossible date (2026-02-30)', send: () => asAlice(TRANSACTIONS, { id: aliceAccount(), from: '2026-02-30' })(), status: 400, code: 'BAD_USER_INPUT' },
  { name: "a date that is not a date ('yesterday')", send: () => asAlice(TRANSACTIONS, { id: aliceAccount(), from: 'yesterday' })(), status: 400, code: 'BAD_USER_INPUT' },
  { name: 'the year 0001 (0001-01-01)', send: () => asAlice(TRANSACTIONS, { id: aliceAccount(), from: '0001-01-01', to: utcDay(0) })(), status: 400, code: 'BAD_USER_INPUT' },
  { name: '`from` after `to`', send: () => asAlice(TRANSACTIONS, { id: aliceAccount(), from: utcDay(-1), to: utcDay(-5) })(), status: 200, code: 'BAD_USER_INPUT' },
  { name: '`first: 10000`', send: () => asAlice(TRANSACTIONS, { id: aliceAccount(), first: 10_000 })(), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'negative `first` (-5)', send: () => asAlice(TRANSACTIONS, { id: aliceAccount(), first: -5 })(), status: 200, code: 'BAD_USER_INPUT' },
  { name: 'a huge integer for `first` (2^53)', send: () => asAlice(TRANSACTIONS, { id: aliceAccount(), first: 2 ** 53 })(), status: 400, code: 'BAD_USER_INPUT' },
  { name: '`first: 10000` on webhookDeliveries', send: gql('{ webhookDeliveries(first: 10000) { id } }'), status: 200, code: 'BAD_USER_INPUT' },
  {
    name: 'an unknown permission (literal)',
    send: () => gql('mutation ($c: ID!) { prepareLink(customerId: $c, permissions: [ACCOUNTS, EVERYTHING]) { options } }', { c: alice.id })(),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'an unknown permission', send: () => gql(PREPARE_LINK, { c: alice.id, p: ['ACCOUNTS', 'EVERYTHING'] })(), status: 400, code: 'BAD_USER_INPUT' },
  {
    name: 'identity for a BUSINESS account',
    send: () => gql(PREPARE_LINK, { c: alice.id, p: ['IDENTITY', 'ACCOUNTS'], type: 'BUSINESS', bank: 'LEANMB1' })(),
    status: 200,
    code: 'BAD_USER_INPUT',
    check: rule('IDENTITY_NOT_FOR_BUSINESS'),
  },
  {
    name: '`accessTo` in the past',
    send: () => gql(PREPARE_LINK, { c: alice.id, p: ['ACCOUNTS'], bank: 'LEA1_SAMAOB_SAU', to: '2020-01-01T00:00:00Z' })(),
    status: 200,
    code: 'BAD_USER_INPUT',
    check: rule('ACCESS_TO_IN_PAST'),
  },
  {
    name: '`accessTo` beyond a year',
    send: () => gql(PREPARE_LINK, { c: alice.id, p: ['ACCOUNTS'], bank: 'LEA1_SAMAOB_SAU', to: inOneYearAndADay() })(),
    status: 200,
    code: 'BAD_USER_INPUT',
    check: rule('ACCESS_TO_BEYOND_ONE_YEAR'),
  },
  {
    name: 'deeply nested variables (a 500-deep object for an ID)',
    send: raw(`{"query":${JSON.stringify(CUSTOMER)},"variables":{"id":${JSON.stringify(nested(500))}}}`),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'prototype-pollution keys (__proto__, constructor.prototype) in variables',
    send: () =>
      raw(`{"query":${JSON.stringify(CUSTOMER)},"variables":{"__proto__":{"id":${JSON.stringify(alice.id)},"polluted":true},"constructor":{"prototype":{"polluted":true}}}}`)(),
    status: 400,
    code: 'BAD_USER_INPUT',
    check: () => expect(({} as Record<string, unknown>)['polluted']).toBeUndefined(),
  },

  // Credentials.
  {
    name: 'a JWT with alg none',
    send: () => gql('{ viewer { kind } }', {}, unsignedJwt({ sub: 'alice', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 }))(),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  { name: 'an expired JWT', send: async () => gql('{ viewer { kind } }', {}, await signEndUserJwt(JWT_SECRET, { sub: 'alice', expiresIn: Math.floor(Date.now() / 1000) - 60 }))(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'a JWT signed with another key', send: async () => gql('{ viewer { kind } }', {}, await signEndUserJwt('another-secret-that-is-also-32-bytes-long!', { sub: 'alice' }))(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'a JWT for another audience', send: async () => gql('{ viewer { kind } }', {}, await signEndUserJwt(JWT_SECRET, { sub: 'alice', aud: 'someone-else' }))(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'a JWT from another issuer', send: async () => gql('{ viewer { kind } }', {}, await signEndUserJwt(JWT_SECRET, { sub: 'alice', iss: 'https://evil.example/' }))(), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'an unknown API key', send: gql('{ viewer { kind } }', {}, 'svc_not-a-key-we-know-0000000000000'), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'a mutation by an anonymous caller', send: gql('mutation { createCustomer(appUserId: "anonymous") { id } }', {}, null), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'introspection by an anonymous caller (GATEWAY_INTROSPECTION=false)', send: gql('{ __schema { types { name } } }', {}, null), status: 401, code: 'UNAUTHENTICATED' },
  { name: 'introspection by an end user (GATEWAY_INTROSPECTION=false)', send: asAlice('{ __schema { types { name } } }'), status: 403, code: 'INTROSPECTION_DISABLED' },

  // Another customer's data, as Alice.
  { name: "another customer's customer id", send: () => asAlice(CUSTOMER, { id: bob.id })(), status: 200, code: null, check: dataIsNull('customer') },
  { name: "another customer's app_user_id", send: asAlice('{ customerByAppUserId(appUserId: "bob") { id } }'), status: 200, code: null, check: dataIsNull('customerByAppUserId') },
  { name: "another customer's entity (node)", send: () => asAlice(NODE, { id: globalId('Entity', bobEntity.id) })(), status: 200, code: null, check: dataIsNull('node') },
  { name: "another customer's account (node)", send: () => asAlice(NODE, { id: bobAccount() })(), status: 200, code: null, check: dataIsNull('node') },
  { name: "another customer's global customer id (node)", send: () => asAlice(NODE, { id: bob.id })(), status: 200, code: null, check: dataIsNull('node') },
  {
    name: "another customer's ids (nodes)",
    send: () => asAlice('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [bob.id, globalId('Entity', bobEntity.id), bobAccount()] })(),
    status: 200,
    code: null,
    check: (answer) => expect(answer.data).toEqual({ nodes: [null, null, null] }),
  },
  { name: "refreshAccount on another customer's account", send: () => asAlice('mutation ($a: ID!) { refreshAccount(accountId: $a) { id } }', { a: bobAccount() })(), status: 200, code: 'NOT_FOUND' },
  { name: "refreshEntity on another customer's entity", send: () => asAlice('mutation ($e: ID!) { refreshEntity(entityId: $e) { id } }', { e: globalId('Entity', bobEntity.id) })(), status: 200, code: 'NOT_FOUND' },
  {
    name: "requestDataRefresh on another customer's entity",
    send: () => asAlice('mutation ($e: ID!) { requestDataRefresh(entityId: $e) { __typename } }', { e: globalId('Entity', bobEntity.id) })(),
    status: 200,
    code: 'NOT_FOUND',
  },
  { name: "disconnectEntity on another customer's entity", send: () => asAlice('mutation ($e: ID!) { disconnectEntity(entityId: $e) { id } }', { e: globalId('Entity', bobEntity.id) })(), status: 200, code: 'NOT_FOUND' },
  { name: "prepareLink for another customer", send: () => asAlice(PREPARE_LINK, { c: bob.id, p: ['ACCOUNTS'] })(), status: 200, code: 'NOT_FOUND' },
  { name: "createCustomer for another app_user_id", send: asAlice('mutation { createCustomer(appUserId: "mallory") { id } }'), status: 200, code: 'FORBIDDEN' },
  {
    name: 'a personal-data field without identity:read (the rest of the data stands)',
    send: () => asAlice('query ($id: ID!) { customer(id: $id) { appUserId entities { bank { identifier } identity { __typename } } } }', { id: alice.id })(),
    status: 200,
    code: 'FORBIDDEN',
    check: (answer) => {
      expect(answer.data).toEqual({ customer: { appUserId: 'alice', entities: [{ bank: { identifier: 'LEANMB1' }, identity: null }] } });
      expect(answer.text).not.toMatch(/AE\d{2}/);
    },
  },
  {
    name: 'replayFailedWebhooks by an end user',
    send: asAlice('mutation { replayFailedWebhooks }'),
    status: 200,
    code: 'FORBIDDEN',
  },

  // graphql-ws.
  {
    name: 'WebSocket without connectionParams, subscribing to a customer',
    send: () => ws({ query: SUBSCRIBE_LINKED, variables: { c: alice.id } })(),
    status: 'operation error, socket open',
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'WebSocket: a subscription to another customer',
    send: () => ws({ connectionParams: { authorization: `Bearer ${aliceToken}` }, query: SUBSCRIBE_LINKED, variables: { c: bob.id } })(),
    status: 'errors then complete, socket open',
    code: 'NOT_FOUND',
  },
  {
    name: 'WebSocket: an expired JWT in connectionParams',
    send: async () =>
      ws({ connectionParams: { authorization: `Bearer ${await signEndUserJwt(JWT_SECRET, { sub: 'alice', expiresIn: Math.floor(Date.now() / 1000) - 60 })}` }, query: SUBSCRIBE_LINKED, variables: { c: alice.id } })(),
    status: 'operation error, socket open',
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'WebSocket: a 50-deep operation',
    send: () => ws({ connectionParams: { token: SERVICE_KEY }, query: deepQuery(50), variables: { id: alice.id } })(),
    status: 'operation error, socket open',
    code: 'QUERY_LIMIT_EXCEEDED',
  },
  {
    name: 'WebSocket: a mutation by an anonymous caller',
    send: ws({ query: 'mutation { createCustomer(appUserId: "ws-anonymous") { id } }' }),
    status: 'operation error, socket open',
    code: 'UNAUTHENTICATED',
  },
  { name: 'WebSocket: a frame that is not JSON', send: ws({ rawFrame: '{not json' }), status: 'closed 4400', code: null },

  // Webhooks.
  { name: 'webhook unsigned', send: webhook(JSON.stringify({ type: 'entity.created', payload: {}, event_id: 'evt-unsigned' }), null), status: 401, code: 'invalid signature' },
  { name: 'webhook badly signed (not a digest)', send: webhook(JSON.stringify({ type: 'entity.created', payload: {}, event_id: 'evt-bad' }), 'sha512=not-a-digest'), status: 401, code: 'invalid signature' },
  {
    name: 'webhook signed with the wrong secret',
    send: () => {
      const body = JSON.stringify({ type: 'entity.created', payload: {}, event_id: 'evt-wrong-secret' });
      return webhook(body, sign(body, 'another-secret-entirely-0123456789'))();
    },
    status: 401,
    code: 'invalid signature',
  },
  {
    name: 'webhook signature of another body',
    send: () => webhook(JSON.stringify({ type: 'payment.created', payload: { amount: 1 }, event_id: 'evt-swapped' }), sign(JSON.stringify({ type: 'payment.created', payload: { amount: 2 }, event_id: 'evt-swapped' })))(),
    status: 401,
    code: 'invalid signature',
  },
  {
    name: 'webhook oversized (2 MiB, signed)',
    send: () => {
      const body = JSON.stringify({ type: 'payment.created', payload: { blob: 'x'.repeat(2 * MIB) }, event_id: 'evt-huge' });
      return webhook(body, sign(body))();
    },
    status: 413,
    code: `body larger than ${MIB} bytes`,
  },
  { name: 'webhook not JSON, unsigned', send: webhook('definitely { not json', null), status: 401, code: 'invalid signature' },
  {
    name: 'webhook not JSON, signed (kept once as INVALID)',
    send: webhook('definitely { not json', sign('definitely { not json')),
    status: 200,
    code: 'stored',
    stores: 1,
    check: async () => expect(await inboxRow('definitely { not json')).toMatchObject({ status: 'INVALID', last_error: 'the body is not JSON' }),
  },
  {
    name: 'webhook of an unknown type (kept as IGNORED)',
    send: () => {
      const body = JSON.stringify({ type: 'payment.teleported', payload: { id: 'p1' }, event_id: 'evt-unknown-type' });
      return webhook(body, sign(body))();
    },
    status: 200,
    code: 'stored',
    stores: 1,
    check: async () => expect(await inboxRow('payment.teleported')).toMatchObject({ status: 'IGNORED' }),
  },
  {
    name: 'webhook replayed (same event twice: one row, the second a duplicate)',
    send: async () => {
      const body = JSON.stringify({ type: 'payment.replayed', payload: { id: 'p2' }, event_id: 'evt-replayed-1' });
      const first = await webhook(body, sign(body))();
      expect(first.webhook).toEqual({ received: true, duplicate: false });
      return webhook(body, sign(body, TEST_WEBHOOK_SECRET, 'base64'))();
    },
    status: 200,
    code: 'duplicate',
    stores: 1,
  },
  { name: 'webhook over GET', send: () => http('GET', '/webhooks/lean', {}), status: 405, code: 'method not allowed' },
];

async function inboxRow(bodyContains: string) {
  const rows = await gateway.database.db.selectFrom('webhook_inbox').select(['status', 'last_error', 'body']).execute();
  return rows.find((row) => row.body.includes(bodyContains));
}

function codeOf(answer: Answer): string | null {
  if (answer.webhook !== undefined) return answer.webhook.error ?? (answer.webhook.duplicate === true ? 'duplicate' : answer.webhook.received === true ? 'stored' : null);
  const codes = [...new Set(answer.errors.map((error) => String(error.extensions?.['code'])))];
  if (codes.length === 0) return null;
  return codes.length === 1 ? (codes[0] ?? null) : codes.join('+');
}

describe('hostile input: each case gets its typed answer and leaves the store as it was', () => {
  it('has at least 45 cases, each named once', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [`${c.name} → ${c.status} / ${c.code ?? 'no error'}`, c] as const))('%s', async (_title, hostile) => {
    const exclude = hostile.stores === undefined ? [] : ['webhook_inbox'];
    const inboxBefore = await inboxCount();
    const before = await fingerprint(gateway.database.db, exclude);

    const answer = await hostile.send();

    expect({ status: answer.status, code: codeOf(answer) }, answer.text.slice(0, 600)).toEqual({ status: hostile.status, code: hostile.code });
    const leak = leakIn(answer.text, secrets());
    expect(leak, answer.text.slice(0, 600)).toBeUndefined();
    expect(answer.text.length, 'the answer is short: no echo of a large input').toBeLessThan(16_384);
    for (const error of answer.errors) expect(error.message.length).toBeLessThanOrEqual(400);
    if (hostile.stores !== undefined) {
      expect((await inboxCount()) - inboxBefore).toBe(hostile.stores);
      await webhooksApplied(gateway, () => true);
    }
    await hostile.check?.(answer);
    // Anything the case set off runs in the same process: give it a moment before looking.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await fingerprint(gateway.database.db, exclude)).toEqual(before);
  });

  it('still answers a valid query after all of them', async () => {
    const answer = await postGraphQL(gateway.url, '{ viewer { kind } }', { token: SERVICE_KEY });
    expect(answer.body).toEqual({ data: { viewer: { kind: 'SERVICE' } } });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});

async function inboxCount(): Promise<number> {
  const rows = await gateway.database.db.selectFrom('webhook_inbox').select('id').execute();
  return rows.length;
}
