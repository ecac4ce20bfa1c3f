import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  buildSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, globalId, linkBank, type CreatedCustomer, type LinkedEntity } from './kit/flows.js';
import { projectRoot, startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER } from './kit/graphql.js';
import { leakIn } from './kit/hostile.js';
import { TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

/**
 * Issue 6, part 5: random JSON bodies, random GraphQL documents (built from the schema's real fields,
 * with random arguments, some of them mangled) and random webhook bodies at a running gateway, each
 * property for a bounded number of runs and at most ~18 s. Never a 5xx, never a stack trace, file
 * path or secret in an answer, and the gateway still answers afterwards.
 *
 * The seed is fixed (FUZZ_SEED overrides it) so that CI runs the same inputs; on a failure
 * fast-check prints the seed and the path of the shrunk counterexample to replay it.
 */

const SERVICE_KEY = 'svc_fuzz_0123456789abcdef0123456789abc';
const JWT_SECRET = 'fuzz-end-user-signing-secret-of-32-bytes++';
const SEED = Number(process.env['FUZZ_SEED'] ?? 20_260_601);
const TIME_PER_PROPERTY_MS = 18_000;
const RUNS = 2_000;

let database: TestDatabase;
let gateway: TestGateway;
let alice: CreatedCustomer;
let aliceEntity: LinkedEntity;
let aliceToken: string;
let appToken = 'no-app-token-seen-yet';
/** How often each status was answered in the current property: proof that the inputs reached past the first gate. */
const statuses = new Map<number, number>();

const secrets = () => [SERVICE_KEY, JWT_SECRET, TEST_WEBHOOK_SECRET, appToken, aliceToken];

beforeAll(async () => {
  database = await createTestDatabase('fuzz');
  gateway = await startTestGateway({
    ...database.env,
    GATEWAY_API_KEYS: SERVICE_KEY,
    GATEWAY_JWT_SECRET: JWT_SECRET,
    GATEWAY_JWT_ISSUER: TEST_ISSUER,
    GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
    GATEWAY_RATE_LIMIT_PER_SECOND: '0',
    LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    LOG_LEVEL: 'warn',
  });
  alice = await createCustomer(gateway, 'alice', { token: SERVICE_KEY });
  aliceEntity = await linkBank(gateway, alice.leanCustomerId, 'LEANMB1');
  aliceToken = await signEndUserJwt(JWT_SECRET, { sub: 'alice' });
  const link = await postGraphQL(gateway.url, 'mutation ($c: ID!) { prepareLink(customerId: $c, permissions: [ACCOUNTS]) { options } }', {
    token: SERVICE_KEY,
    variables: { c: alice.id },
  });
  const options = (link.body.data?.['prepareLink'] as { options?: { app_token?: string } } | undefined)?.options;
  appToken = options?.app_token ?? appToken;
});
afterAll(async () => {
  await gateway?.stop();
  await database?.drop();
});

// ---- sending and judging ------------------------------------------------------------------------

async function send(path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.url}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  return { status: response.status, text };
}

function judge(answer: { status: number; text: string }, input: string): void {
  expect(answer.status, `${answer.status} for ${input.slice(0, 300)}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(leakIn(answer.text, secrets()), answer.text.slice(0, 600)).toBeUndefined();
}

/** After each property: the process answers, and a valid query still works. */
async function stillServing(): Promise<void> {
  expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  const answer = await postGraphQL(gateway.url, '{ viewer { kind } }', { token: SERVICE_KEY });
  expect(answer.body).toEqual({ data: { viewer: { kind: 'SERVICE' } } });
}

const params = <T>(): fc.Parameters<T> => ({
  seed: SEED,
  numRuns: RUNS,
  // The plugin does not look at the values; its type is only `unknown` for them.
  plugins: [fc.interruptAfterTimeLimit(TIME_PER_PROPERTY_MS) as fc.Plugin<T>],
});

const principal = () =>
  fc.constantFrom<Record<string, string>>(
    { authorization: `Bearer ${SERVICE_KEY}` },
    { authorization: `Bearer ${aliceToken}` },
    {},
    { authorization: 'Bearer not-a-token-at-all' },
  );

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

// ---- GraphQL documents from the schema ----------------------------------------------------------

const schema = buildSchema(readFileSync(join(projectRoot, 'schema.graphql'), 'utf8'));

/** A random string, GraphQL-quoted (JSON escapes are GraphQL escapes). */
const quoted = (arb: fc.Arbitrary<string>) => arb.map((value) => JSON.stringify(value));

function globalIds(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('Customer', 'Entity', 'Account', 'Transaction', 'Nope').chain((type) =>
      fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constant(aliceEntity.id)).map((id) => globalId(type, id)),
    ),
    fc.constant(alice.id),
    fc.constant(globalId('Entity', aliceEntity.id)),
    fc.constant(globalId('Account', aliceEntity.accountIds[0] ?? 'none')),
  );
}

/** A literal of the argument's type — or, now and then, of some other kind. */
function literal(type: GraphQLInputType, depth = 0): fc.Arbitrary<string> {
  if (isNonNullType(type)) return literal(type.ofType, depth);
  if (isListType(type)) {
    const item = literal(type.ofType, depth + 1);
    return fc.oneof(fc.array(item, { maxLength: 4 }).map((items) => `[${items.join(', ')}]`), item);
  }
  const named = getNamedType(type);
  const wrongKind = fc.oneof(fc.constant('null'), fc.constant('{ a: 1 }'), quoted(fc.string({ maxLength: 20, unit: 'binary' })), fc.integer().map(String));
  let right: fc.Arbitrary<string>;
  if (isEnumType(named)) right = fc.oneof(fc.constantFrom(...named.getValues().map((value) => value.name)), fc.stringMatching(/^[A-Z_]{1,12}$/));
  else if (named.name === 'Int') right = fc.oneof(fc.integer({ min: -200, max: 200 }), fc.constantFrom(0, 100, 101, 10_000, 2 ** 31 - 1, -(2 ** 31))).map(String);
  else if (named.name === 'Float') right = fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => String(value).replace('e', 'E'));
  else if (named.name === 'Boolean') right = fc.boolean().map(String);
  else if (named.name === 'ID') right = quoted(fc.oneof(globalIds(), fc.string({ maxLength: 60, unit: 'binary' })));
  else if (named.name === 'Date') right = quoted(fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)), fc.constantFrom('2026-02-30', 'yesterday', '0001-01-01', ''), fc.string({ maxLength: 12 })));
  else right = quoted(fc.oneof(fc.string({ maxLength: 40, unit: 'binary' }), fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.constantFrom('alice', 'LEANMB1', '')));
  return fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrongKind });
}

function argumentsOf(args: readonly GraphQLArgument[]): fc.Arbitrary<string> {
  if (args.length === 0) return fc.constant('');
  return fc
    .tuple(...args.map((arg) => fc.option(literal(arg.type).map((value) => `${arg.name}: ${value}`), { nil: undefined, freq: isNonNullType(arg.type) ? 8 : 2 })))
    .map((parts) => {
      const given = parts.filter((part): part is string => part !== undefined);
      return given.length === 0 ? '' : `(${given.join(', ')})`;
    });
}

const selections = new Map<string, fc.Arbitrary<string>>();

/** A selection set of the type, at most `depth` levels further down. */
function selectionOf(type: GraphQLCompositeType, depth: number): fc.Arbitrary<string> {
  const key = `${type.name}:${depth}`;
  const known = selections.get(key);
  if (known !== undefined) return known;
  const parts: fc.Arbitrary<string>[] = [fc.constant('__typename')];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const named = getNamedType(field.type);
      const alias = fc.option(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/).map((name) => `${name}: `), { nil: '', freq: 5 });
      if (isLeafType(named)) parts.push(fc.tuple(alias, argumentsOf(field.args)).map(([as, args]) => `${as}${field.name}${args}`));
      else if (isCompositeType(named) && depth > 0) {
        parts.push(fc.tuple(alias, argumentsOf(field.args), selectionOf(named, depth - 1)).map(([as, args, inner]) => `${as}${field.name}${args} { ${inner} }`));
      }
    }
  }
  if ((isUnionType(type) || isInterfaceType(type)) && depth > 0) {
    for (const possible of schema.getPossibleTypes(type) as GraphQLObjectType[]) {
      parts.push(selectionOf(possible, depth - 1).map((inner) => `... on ${possible.name} { ${inner} }`));
    }
  }
  const arbitrary = fc.array(fc.oneof(...parts), { minLength: 1, maxLength: 4 }).map((chosen) => chosen.join(' '));
  selections.set(key, arbitrary);
  return arbitrary;
}

/** A document of real fields and random arguments; one in four mangled (cut, spliced with junk, or junk outright). */
function documents(): fc.Arbitrary<string> {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query === null || query === undefined || mutation === null || mutation === undefined) throw new Error('the schema has no query or mutation type');
  const operation = fc.oneof(
    { weight: 3, arbitrary: selectionOf(query, 5).map((selection) => `query { ${selection} }`) },
    { weight: 1, arbitrary: selectionOf(mutation, 3).map((selection) => `mutation { ${selection} }`) },
  );
  const mangled = fc.oneof(
    operation.chain((document) => fc.nat(document.length).map((cut) => document.slice(0, cut))),
    operation.chain((document) => fc.tuple(fc.nat(document.length), fc.string({ maxLength: 8, unit: 'binary' })).map(([at, junk]) => `${document.slice(0, at)}${junk}${document.slice(at)}`)),
    fc.string({ maxLength: 200, unit: 'binary' }),
    fc.array(fc.constantFrom('{', '}', '(', ')', '...', 'on', 'query', 'fragment', '$x', ':', '@skip', '"', 'customer', '[', ']', '!'), { maxLength: 40 }).map((tokens) => tokens.join(' ')),
  );
  return fc.oneof({ weight: 3, arbitrary: operation }, { weight: 1, arbitrary: mangled });
}

// ---- the properties -----------------------------------------------------------------------------

describe('fuzzing the gateway (fast-check)', () => {
  beforeEach(() => statuses.clear());

  it('random JSON bodies at POST /graphql: never a 5xx, never a stack, path or secret', async () => {
    const bodies = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.string({ maxLength: 300, unit: 'binary' }),
      fc
        .record(
          {
            query: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 2 }), documents()),
            variables: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }))),
            operationName: fc.oneof(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
            extensions: fc.jsonValue({ maxDepth: 3 }),
          },
          { requiredKeys: [] },
        )
        .map((body) => JSON.stringify(body)),
      fc.array(fc.record({ query: documents() }), { minLength: 0, maxLength: 3 }).map((batch) => JSON.stringify(batch)),
    );
    await fc.assert(
      fc.asyncProperty(bodies, principal(), async (body, who) => {
        judge(await send('/graphql', body, { ...JSON_HEADERS, ...who }), body);
      }),
      params(),
    );
    await stillServing();
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  }, 40_000);

  it('random GraphQL documents from the schema (and junk) at /graphql: never a 5xx, never a stack, path or secret', async () => {
    await fc.assert(
      fc.asyncProperty(documents(), principal(), async (document, who) => {
        const body = JSON.stringify({ query: document });
        judge(await send('/graphql', body, { ...JSON_HEADERS, ...who }), document);
      }),
      params(),
    );
    await stillServing();
    // Some documents were valid and ran (200), some were refused before running (400, 401).
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  }, 40_000);

  it('random bodies at POST /webhooks/lean, signed and not: never a 5xx, never a stack, path or secret', async () => {
    const envelope = fc
      .record(
        {
          type: fc.oneof(fc.constantFrom('entity.created', 'entity.reconnected', 'entity.updated', 'entity.data.refresh.updated', 'results.ready', 'payment.created'), fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 1 })),
          payload: fc.oneof(
            fc.jsonValue({ maxDepth: 4 }),
            fc.record({ id: fc.oneof(fc.uuid(), fc.constant(aliceEntity.id)), customer_id: fc.oneof(fc.uuid(), fc.constant(alice.leanCustomerId)), results_id: fc.uuid(), status: fc.string({ maxLength: 12 }) }, { requiredKeys: [] }),
          ),
          message: fc.string({ maxLength: 30 }),
          timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string({ maxLength: 20 })),
          event_id: fc.oneof(fc.uuid(), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value));
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 2_000 }),
      fc.json({ maxDepth: 4 }),
      fc.string({ maxLength: 300, unit: 'binary' }),
      envelope,
      envelope,
    );
    const signing = fc.constantFrom('hex', 'base64', 'none', 'junk', 'wrong secret', 'other body');
    await fc.assert(
      fc.asyncProperty(bodies, signing, async (body, how) => {
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
        const mac = (secret: string, data: Buffer) => createHmac('sha512', secret).update(data);
        const signature = {
          hex: `sha512=${mac(TEST_WEBHOOK_SECRET, bytes).digest('hex')}`,
          base64: `sha512=${mac(TEST_WEBHOOK_SECRET, bytes).digest('base64')}`,
          none: undefined,
          junk: 'sha512=zzzz',
          'wrong secret': `sha512=${mac('not-the-webhook-secret-0123456789', bytes).digest('hex')}`,
          'other body': `sha512=${mac(TEST_WEBHOOK_SECRET, Buffer.concat([bytes, Buffer.from(' ')])).digest('hex')}`,
        }[how];
        const answer = await send('/webhooks/lean', new Uint8Array(bytes), { 'content-type': 'application/json', ...(signature !== undefined && { 'lean-signature': signature }) });
        judge(answer, `${how} ${bytes.toString('utf8')}`);
        if (how !== 'hex' && how !== 'base64') expect(answer.status).toBe(401);
      }),
      params(),
    );
    await stillServing();
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(0);
    // The processor survived whatever was stored: it still settles everything (applied, ignored, invalid or failed).
    const started = Date.now();
    for (;;) {
      const due = await gateway.database.db.selectFrom('webhook_inbox').select('id').where('status', '=', 'RECEIVED').where('attempts', '=', 0).execute();
      if (due.length === 0) break;
      if (Date.now() - started > 15_000) throw new Error(`${due.length} stored webhooks were never attempted`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
});
