import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySchema } from '../src/schema/index.js';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, leanCalls, linkBank } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';

const SERVICE_KEY = 'svc_tracing_0123456789abcdef0123456789ab';

/** Needs Lean (entities, accounts, identity, balances: nothing is cached yet) and the database. */
const CUSTOMER = `query TracedCustomer($appUserId: String!) {
  customerByAppUserId(appUserId: $appUserId) {
    id
    entities {
      identity { __typename ... on Identity { fullName emailAddress mobileNumber nationalIdentityNumber } }
      accounts { __typename ... on AccountList { accounts { iban balance { __typename ... on Balance { amount } } } } }
    }
  }
}`;

interface CustomerAnswer {
  customerByAppUserId: {
    entities: {
      identity: Record<string, string | null>;
      accounts: { accounts: { iban: string | null; balance: { __typename: string; amount?: string } }[] };
    }[];
  };
}

/** A span as OTLP/HTTP JSON carries it. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
}

interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A collector: accepts POST /v1/traces (OTLP/HTTP JSON, as @opentelemetry/exporter-trace-otlp-http sends) and keeps each body. */
async function startReceiver(): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
}

const attribute = (span: OtlpSpan | undefined, key: string): unknown => {
  const value = span?.attributes?.find((entry) => entry.key === key)?.value;
  if (value === undefined) return undefined;
  if ('arrayValue' in value) return ((value['arrayValue'] as { values?: Record<string, unknown>[] }).values ?? []).map((item) => Object.values(item)[0]);
  return Object.values(value)[0];
};

/**
 * Whether the schema the gateway runs wraps its resolvers for tracing: Pothos's tracing wrapper keeps
 * its spans by path on the GraphQL context; a resolver that is not wrapped leaves the context alone.
 */
function resolversWrapped(): boolean {
  const contextValue = { principal: { kind: 'service', label: 'tracing-test' } };
  const result = execute({ schema: gatewaySchema(), document: parse('{ viewer { kind } }'), contextValue });
  expect(result).toEqual({ data: { viewer: { kind: 'SERVICE' } } });
  return Symbol.for('Pothos.tracing.spanCache') in contextValue;
}

/** A customer with one linked bank, then the query above, as a service. */
async function runTracedCustomer(gateway: TestGateway, appUserId: string): Promise<CustomerAnswer> {
  const customer = await createCustomer(gateway, appUserId, { token: SERVICE_KEY });
  await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
  const answer = await postGraphQL(gateway.url, CUSTOMER, { token: SERVICE_KEY, variables: { appUserId } });
  expect(answer.body.errors).toBeUndefined();
  const data = answer.body.data as unknown as CustomerAnswer;
  expect(data.customerByAppUserId.entities[0]?.accounts.accounts.length).toBeGreaterThan(0);
  return data;
}

describe('tracing', () => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    database = await createTestDatabase('tracing');
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.server.close(resolve));
    await database?.drop();
  });

  it('without OTEL_EXPORTER_OTLP_ENDPOINT: no resolver is wrapped and nothing is sent', async () => {
    const gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: SERVICE_KEY });
    try {
      await runTracedCustomer(gateway, 'untraced-user');
      expect((await leanCalls(gateway)).total).toBeGreaterThan(0);
      expect(resolversWrapped()).toBe(false);
    } finally {
      await gateway.stop();
    }
    expect(receiver.bodies).toEqual([]);
  });

  it('with it: one trace holds the operation, its resolvers, DataLoader batches, SQL statements and Lean calls, and nothing personal or secret', async () => {
    const appUserId = 'traced-user-7f3a@example.test';
    const gateway = await startTestGateway({
      ...database.env,
      GATEWAY_API_KEYS: SERVICE_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/`,
      OTEL_SERVICE_NAME: 'gateway-under-test',
    });
    let data: CustomerAnswer;
    let appToken: string;
    try {
      data = await runTracedCustomer(gateway, appUserId);
      expect(resolversWrapped()).toBe(true); // the probe of the test above sees wrapping when there is some
      const prepared = await postGraphQL(gateway.url, 'mutation ($c: ID!) { prepareLink(customerId: $c, permissions: [IDENTITY]) { options } }', {
        token: SERVICE_KEY,
        variables: { c: (data.customerByAppUserId as unknown as { id: string }).id },
      });
      appToken = (prepared.body.data?.['prepareLink'] as { options: { app_token: string } }).options.app_token;
      expect(appToken.length).toBeGreaterThan(10);
    } finally {
      // Stopping flushes the spans still buffered (the batch processor would wait up to 5 s).
      await gateway.stop();
    }

    const exports = receiver.bodies.map((body) => JSON.parse(body) as OtlpExport);
    expect(exports.length).toBeGreaterThan(0);
    const resources = exports.flatMap((body) => body.resourceSpans.map((resourceSpans) => resourceSpans.resource));
    expect(resources.every((resource) => attribute({ attributes: resource.attributes } as OtlpSpan, 'service.name') === 'gateway-under-test')).toBe(true);
    const spans = exports.flatMap((body) => body.resourceSpans.flatMap((resourceSpans) => resourceSpans.scopeSpans.flatMap((scope) => scope.spans)));

    // The operation: a root span with its type, name and outcome.
    const operation = spans.find((span) => span.name === 'query TracedCustomer');
    expect(operation).toBeDefined();
    expect(operation?.parentSpanId ?? '').toBe('');
    expect(attribute(operation, 'graphql.operation.type')).toBe('query');
    expect(attribute(operation, 'graphql.operation.name')).toBe('TracedCustomer');
    expect(attribute(operation, 'graphql.outcome')).toBe('ok');

    const inTrace = spans.filter((span) => span.traceId === operation?.traceId);
    const byId = new Map(inTrace.map((span) => [span.spanId, span]));
    const ancestors = (span: OtlpSpan): OtlpSpan[] => {
      const chain: OtlpSpan[] = [];
      for (let parent = byId.get(span.parentSpanId ?? ''); parent !== undefined; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
      return chain;
    };
    const underOperation = (span: OtlpSpan) => ancestors(span).at(-1) === operation;
    const underResolver = (span: OtlpSpan) => ancestors(span).some((ancestor) => ancestor.name === 'graphql.resolve');

    // Resolvers: the root field directly under the operation, nested ones under their parent field.
    const resolvers = inTrace.filter((span) => span.name === 'graphql.resolve');
    const root = resolvers.find((span) => attribute(span, 'graphql.field.path') === 'customerByAppUserId');
    expect(root?.parentSpanId).toBe(operation?.spanId);
    const entities = resolvers.find((span) => attribute(span, 'graphql.field.path') === 'customerByAppUserId.entities');
    expect(entities?.parentSpanId).toBe(root?.spanId);
    expect(resolvers.some((span) => attribute(span, 'graphql.field.name') === 'balance')).toBe(true);
    // Trivial fields (exposed properties, scalars such as iban or amount) get no span.
    expect(resolvers.filter((span) => ['iban', 'amount', 'fullName', 'id'].includes(String(attribute(span, 'graphql.field.name'))))).toEqual([]);

    // DataLoader batches, SQL statements and Lean calls, each inside a resolver of this operation.
    const batches = inTrace.filter((span) => span.name === 'dataloader.batch');
    expect(batches.some((span) => attribute(span, 'dataloader.kind') === 'accounts' && underResolver(span))).toBe(true);
    const statements = inTrace.filter((span) => attribute(span, 'db.system.name') === 'postgresql');
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((span) => underOperation(span) && underResolver(span))).toBe(true);
    expect(statements.some((span) => attribute(span, 'db.operation.name') === 'select' && /\$1/.test(String(attribute(span, 'db.query.text'))))).toBe(true);
    const leanSpans = inTrace.filter((span) => attribute(span, 'lean.endpoint') !== undefined);
    expect(leanSpans.length).toBeGreaterThan(0);
    expect(leanSpans.every((span) => underOperation(span) && underResolver(span))).toBe(true);
    const balanceCall = leanSpans.find((span) => String(attribute(span, 'lean.endpoint')).includes('balance'));
    expect(attribute(balanceCall, 'http.response.status_code')).toBe(200);
    expect(attribute(balanceCall, 'lean.outcome')).toBe('ok');
    expect(String(attribute(balanceCall, 'lean.correlation_id'))).toMatch(/^[0-9a-f-]{36}$/);

    // Nothing a client sent, nothing Lean answered, no secret: not in attributes, names or anywhere else.
    const entity = data.customerByAppUserId.entities[0];
    const personal = [
      ...['fullName', 'emailAddress', 'mobileNumber', 'nationalIdentityNumber'].map((field) => entity?.identity[field]),
      ...(entity?.accounts.accounts ?? []).map((account) => account.iban),
    ].filter((value): value is string => typeof value === 'string' && value.length >= 4);
    expect(personal.length).toBeGreaterThanOrEqual(4);
    const exported = receiver.bodies.join('\n');
    for (const secret of [appUserId, encodeURIComponent(appUserId), appToken, SERVICE_KEY, ...personal]) {
      expect(exported.includes(secret), `an exported span holds ${secret.slice(0, 3)}…`).toBe(false);
    }
  });
});
