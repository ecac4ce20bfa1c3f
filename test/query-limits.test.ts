import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, linkBank, type CreatedCustomer } from './kit/flows.js';
import { projectRoot, startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, type GraphQLResponse } from './kit/graphql.js';
import { subscribe } from './kit/subscriptions.js';

const SERVICE_KEY = 'svc_limits_0123456789abcdef0123456789';
const OTHER_SERVICE_KEY = 'svc_limits_other_0123456789abcdef01234';
const JWT_SECRET = 'query-limits-signing-secret-of-at-least-32-bytes';
const MIB = 1024 * 1024;
const MANIFEST = join(projectRoot, 'test/gql/persisted-documents.json');

const authEnv = {
  GATEWAY_API_KEYS: `${SERVICE_KEY},${OTHER_SERVICE_KEY}`,
  GATEWAY_JWT_SECRET: JWT_SECRET,
  GATEWAY_JWT_ISSUER: TEST_ISSUER,
  GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
};

interface LimitExtensions {
  code?: string;
  limit?: string;
  max?: number;
  found?: number;
  retryAfterSeconds?: number;
  limitBytes?: number;
}
const extensionsOf = (answer: GraphQLResponse): LimitExtensions => answer.body.errors?.[0]?.extensions ?? {};

/** `customer { entities { customer { entities … { id } } } }`: exactly `depth` levels of fields. */
function queryOfDepth(depth: number): string {
  const fields = Array.from({ length: depth - 1 }, (_, level) => (level === 0 ? 'customer(id: "x")' : level % 2 === 1 ? 'entities' : 'customer'));
  return `{ ${fields.map((field) => `${field} {`).join(' ')} id ${'}'.repeat(depth - 1)} }`;
}

const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: __typename`).join(' ')} }`;
/** `{ nodes(ids: [...]) { id } }`: 12 tokens around the strings, exactly `count` in all. */
const tokens = (count: number) => `{ nodes(ids: [${Array.from({ length: count - 12 }, () => '"x"').join(' ')}]) { id } }`;
const directives = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `d${i}: __typename @include(if: true)`).join(' ')} }`;

/** Every account's transactions, `aliasCount` times over, `first` each: the cost multiplies out. */
function transactionsEverywhere(first: number, aliasCount: number): string {
  const pages = Array.from({ length: aliasCount }, (_, i) => `t${i}: transactions(first: ${first}) { ... on TransactionConnection { edges { node { id amount } } } }`);
  return `query ($id: ID!) { customer(id: $id) { entities { accounts { ... on AccountList { accounts { id ${pages.join(' ')} } } } } } }`;
}

const FRONT_END_QUERY = `query ($id: ID!) {
  customer(id: $id) {
    id appUserId
    entities {
      id status bank { identifier name }
      accounts {
        __typename
        ... on AccountList {
          accounts {
            id name currency
            balance { __typename ... on Balance { amount currency fetchedAt } ... on LeanOutcome { message } }
            transactions(first: 20) {
              __typename
              ... on TransactionConnection { edges { cursor node { id amount currency description timestamp insights { category } } } pageInfo { hasNextPage endCursor } }
              ... on LeanOutcome { message }
            }
          }
        }
      }
    }
  }
}`;

/** POSTs raw bytes; `chunked` streams them without a content-length. */
function postRaw(url: string, body: Buffer, options: { contentType?: string; chunked?: boolean; accept?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL('/graphql', url);
    const req = httpRequest(target, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/json',
        ...(options.accept !== undefined && { accept: options.accept }),
        ...(options.chunked !== true && { 'content-length': body.length }) },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer and close before the whole body is written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    if (options.chunked === true) {
      for (let offset = 0; offset < body.length; offset += 64 * 1024) req.write(body.subarray(offset, offset + 64 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** A JSON body of exactly `size` bytes running `{ __typename }`. */
function bodyOfSize(size: number): Buffer {
  const frame = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
  return Buffer.from(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(size - Buffer.byteLength(frame)) } }));
}

describe('query limits', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let customer: CreatedCustomer;
  const asService = (query: string, variables?: Record<string, unknown>) => postGraphQL(gateway.url, query, { token: SERVICE_KEY, variables });

  beforeAll(async () => {
    database = await createTestDatabase('query_limits');
    gateway = await startTestGateway({ ...database.env, ...authEnv });
    customer = await createCustomer(gateway, 'limits-user', { token: SERVICE_KEY });
    await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it.each([
    ['depth', queryOfDepth, 10],
    ['aliases', aliases, 30],
    ['tokens', tokens, 2000],
    ['directives', directives, 10],
  ] as const)('%s: exactly the limit runs, one more is refused with QUERY_LIMIT_EXCEEDED', async (limit, build, max) => {
    const atLimit = await asService(build(max));
    expect(atLimit.status).toBe(200);
    expect(errorCodes(atLimit)).not.toContain('QUERY_LIMIT_EXCEEDED');
    const over = await asService(build(max + 1));
    expect(over.status).toBe(400);
    expect(over.body.errors).toHaveLength(1);
    expect(extensionsOf(over)).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit, max });
    expect(over.body).not.toHaveProperty('data');
  });

  it('counts depth through fragments by fields only, and the standard introspection query (deep under __schema) still runs anonymously', async () => {
    const viaFragments = await asService(
      `query ($id: ID!) { customer(id: $id) { ...C } } fragment C on Customer { entities { ...E } } fragment E on Entity { accounts { ... on AccountList { accounts { id } } } }`,
      { id: customer.id },
    );
    expect(viaFragments.status).toBe(200);
    const introspection = await postGraphQL(gateway.url, getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
    expect(introspection.status).toBe(200);
    expect(introspection.body.errors).toBeUndefined();
    expect(introspection.body.data?.['__schema']).toBeDefined();
  });

  it('weighs `first`: a realistic front-end query runs, the same shape asking 100 transactions 30 times over is refused', async () => {
    const frontEnd = await asService(FRONT_END_QUERY, { id: customer.id });
    expect(frontEnd.status).toBe(200);
    expect(frontEnd.body.errors).toBeUndefined();
    const few = await asService(transactionsEverywhere(1, 30), { id: customer.id });
    expect(few.status).toBe(200);
    expect(errorCodes(few)).not.toContain('QUERY_LIMIT_EXCEEDED');
    const many = await asService(transactionsEverywhere(100, 30), { id: customer.id });
    expect(many.status).toBe(400);
    expect(extensionsOf(many)).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', max: 50_000 });
    expect(extensionsOf(many).found).toBeGreaterThan(50_000);
    // A variable counts like a literal.
    const byVariable = await asService(transactionsEverywhere(100, 30).replace('query ($id: ID!)', 'query ($id: ID!, $n: Int)').replaceAll('first: 100', 'first: $n'), {
      id: customer.id,
      n: 100,
    });
    expect(extensionsOf(byVariable)).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost' });
  });

  it('refuses `first` above 100 and below 0 wherever a list takes it', async () => {
    for (const first of [101, -1]) {
      const deliveries = await asService(`{ webhookDeliveries(first: ${first}) { id } }`);
      expect(errorCodes(deliveries)).toEqual(['BAD_USER_INPUT']);
    }
    const ids = Array.from({ length: 101 }, () => customer.id);
    const nodes = await asService('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(errorCodes(nodes)).toEqual(['BAD_USER_INPUT']);
    const hundred = await asService('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids.slice(0, 100) });
    expect(hundred.body.errors).toBeUndefined();
  });

  it('refuses a batch while GATEWAY_MAX_BATCH is 1', async () => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_KEY}` },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as GraphQLResponse['body'];
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_REQUEST']);
  });

  it('takes a body of exactly 1 MiB and refuses a larger one with 413, declared or chunked', async () => {
    const exact = await postRaw(gateway.url, bodyOfSize(MIB));
    expect(exact.status).toBe(200);
    const exactChunked = await postRaw(gateway.url, bodyOfSize(MIB), { chunked: true });
    expect(exactChunked.status).toBe(200);
    for (const chunked of [false, true]) {
      for (const size of [MIB + 1, 2 * MIB]) {
        const answer = await postRaw(gateway.url, bodyOfSize(size), { chunked });
        expect(answer.status, `${size} bytes, chunked: ${chunked}`).toBe(413);
        const body = JSON.parse(answer.text) as { errors: { message: unknown; extensions: unknown }[] };
        expect(body.errors).toHaveLength(1);
        expect(typeof body.errors[0]?.message).toBe('string');
        expect(body.errors[0]?.extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', limitBytes: MIB });
      }
    }
    // The gateway still answers afterwards.
    expect((await asService('{ __typename }')).status).toBe(200);
  });

  it("answers yoga's request errors in the contract's codes, without echoing the body", async () => {
    const secretish = 'not-json-' + 'y'.repeat(500);
    const malformed = await postRaw(gateway.url, Buffer.from(`{"query": ${secretish}`), { accept: 'application/graphql-response+json' });
    expect(malformed.status).toBe(400);
    expect(malformed.text).not.toContain('yyyyyyyyyy');
    expect(JSON.parse(malformed.text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    const textPlain = await postRaw(gateway.url, Buffer.from('{ __typename }'), { contentType: 'text/plain' });
    expect(textPlain.status).toBe(415);
    expect(JSON.parse(textPlain.text)).toMatchObject({ errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] });
    const missing = await postRaw(gateway.url, Buffer.from('{"variables": {}}'), { accept: 'application/graphql-response+json' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    const syntax = await asService(`{ customer(id: "${'z'.repeat(5_000)}" }`);
    expect(syntax.status).toBe(400);
    expect(errorCodes(syntax)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(JSON.stringify(syntax.body)).not.toContain('z'.repeat(200));
    const invalid = await asService('{ noSuchField }');
    expect(invalid.status).toBe(400);
    expect(errorCodes(invalid)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

describe('query limits with other settings: batching, cost, trusted documents', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  // node → transactions(first: n) → edges → cursor: 1 + 1 + n × (1 + 1) = 2 + 2n; 42 at n = 20.
  const costOf = (first: number) => `query ($id: ID!) { node(id: $id) { ... on Account { transactions(first: ${first}) { ... on TransactionConnection { edges { cursor } } } } } }`;
  const MAX_COST = 42;
  const viewerText = 'query Viewer { viewer { appUserId kind } }';
  const viewerHash = `sha256:${createHash('sha256').update(viewerText).digest('hex')}`;
  let userToken: string;

  beforeAll(async () => {
    database = await createTestDatabase('query_limits_settings');
    gateway = await startTestGateway({
      ...database.env,
      ...authEnv,
      GATEWAY_MAX_BATCH: '3',
      GATEWAY_MAX_COST: String(MAX_COST),
      GATEWAY_TRUSTED_DOCUMENTS_FILE: MANIFEST,
    });
    userToken = await signEndUserJwt(JWT_SECRET, { sub: 'trusted-user' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  const post = async (body: unknown, token?: string) => {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== undefined && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('cost: exactly GATEWAY_MAX_COST runs, one more item of `first` is refused', async () => {
    const id = 'QWNjb3VudDpub25l';
    const atLimit = await postGraphQL(gateway.url, costOf(20), { token: SERVICE_KEY, variables: { id } });
    expect(atLimit.status).toBe(200);
    const over = await postGraphQL(gateway.url, costOf(21), { token: SERVICE_KEY, variables: { id } });
    expect(over.status).toBe(400);
    expect(extensionsOf(over)).toEqual({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', max: MAX_COST, found: 44 });
  });

  it('batching with GATEWAY_MAX_BATCH=3: three operations run, four are refused', async () => {
    const three = await post(Array.from({ length: 3 }, () => ({ query: '{ __typename }' })), SERVICE_KEY);
    expect(three).toEqual({ status: 200, body: [{ data: { __typename: 'Query' } }, { data: { __typename: 'Query' } }, { data: { __typename: 'Query' } }] });
    const four = await post(Array.from({ length: 4 }, () => ({ query: '{ __typename }' })), SERVICE_KEY);
    expect(four.status).toBe(400);
    expect(four.body).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('trusted documents: the manifest is keyed by the sha256 of each document', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
    expect(manifest[viewerHash]).toBe(viewerText);
  });

  it('trusted documents: an end user runs a listed operation by documentId or persistedQuery hash, and nothing else', async () => {
    const expected = { status: 200, body: { data: { viewer: { appUserId: 'trusted-user', kind: 'END_USER' } } } };
    expect(await post({ documentId: viewerHash }, userToken)).toEqual(expected);
    expect(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: viewerHash.slice('sha256:'.length) } } }, userToken)).toEqual(expected);

    const unknown = await post({ documentId: `sha256:${'0'.repeat(64)}` }, userToken);
    expect(unknown).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] } });
    const text = await post({ query: viewerText }, userToken);
    expect(text).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_ONLY' } }] } });
    const anonymousText = await post({ query: '{ __typename }' });
    expect(anonymousText).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_ONLY' } }] } });
  });

  it('trusted documents: a service may still send any document', async () => {
    const answer = await post({ query: '{ viewer { kind } }' }, SERVICE_KEY);
    expect(answer).toEqual({ status: 200, body: { data: { viewer: { kind: 'SERVICE' } } } });
  });

  it('trusted documents over graphql-ws: an end user may not subscribe with an unlisted text', async () => {
    const subscription = subscribe(gateway.url, 'subscription { entityLinked(customerId: "Q3VzdG9tZXI6eA==") { id } }', { token: userToken });
    await expect.poll(() => subscription.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(subscription.errors)).toContain('PERSISTED_QUERY_ONLY');
    await subscription.close();
  });
});

describe('per-principal rate limit', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('query_limits_rate');
    gateway = await startTestGateway({ ...database.env, ...authEnv, GATEWAY_RATE_LIMIT_PER_SECOND: '1', GATEWAY_RATE_LIMIT_BURST: '3' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('answers the 4th request of a burst of 3 with 429 RATE_LIMITED and Retry-After; another principal is unaffected; it passes again after waiting', async () => {
    const alice = await signEndUserJwt(JWT_SECRET, { sub: 'rate-alice' });
    const bob = await signEndUserJwt(JWT_SECRET, { sub: 'rate-bob' });
    const asAlice = () => postGraphQL(gateway.url, '{ viewer { kind } }', { token: alice });
    for (let i = 0; i < 3; i++) expect((await asAlice()).status).toBe(200);
    const refused = await asAlice();
    expect(refused.status).toBe(429);
    // 1/s with a burst of 3: a window of 3 s holding 3 requests, which began with the first.
    const retryAfterSeconds = extensionsOf(refused).retryAfterSeconds ?? 0;
    expect(extensionsOf(refused)).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds });
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(retryAfterSeconds).toBeLessThanOrEqual(3);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfterSeconds));

    expect((await postGraphQL(gateway.url, '{ viewer { kind } }', { token: bob })).status).toBe(200);
    expect((await postGraphQL(gateway.url, '{ viewer { kind } }', { token: SERVICE_KEY })).status).toBe(200);
    expect((await postGraphQL(gateway.url, '{ __typename }')).status).toBe(200); // anonymous: by IP

    await new Promise((resolve) => setTimeout(resolve, retryAfterSeconds * 1_000 + 100));
    for (let i = 0; i < 3; i++) expect((await asAlice()).status).toBe(200);
    expect((await asAlice()).status).toBe(429);
  });

  it('keys services by API key and anonymous callers by IP', async () => {
    for (let i = 0; i < 3; i++) expect((await postGraphQL(gateway.url, '{ __typename }', { token: OTHER_SERVICE_KEY })).status).toBe(200);
    expect((await postGraphQL(gateway.url, '{ __typename }', { token: OTHER_SERVICE_KEY })).status).toBe(429);
    const anonymous = [];
    for (let i = 0; i < 4; i++) anonymous.push((await postGraphQL(gateway.url, '{ __typename }')).status);
    expect(anonymous).toContain(429);
  });

  it('counts each graphql-ws subscribe operation, refused with RATE_LIMITED as an operation error', async () => {
    const carol = await signEndUserJwt(JWT_SECRET, { sub: 'rate-carol' });
    for (let i = 0; i < 3; i++) expect((await postGraphQL(gateway.url, '{ viewer { kind } }', { token: carol })).status).toBe(200);
    const subscription = subscribe(gateway.url, 'subscription { entityLinked(customerId: "Q3VzdG9tZXI6eA==") { id } }', { token: carol });
    await expect.poll(() => subscription.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(subscription.errors)).toContain('RATE_LIMITED');
    await subscription.close();
  });
});
