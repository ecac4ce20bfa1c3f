import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, globalId, linkBank, sandboxControl, type CreatedCustomer, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { leanEndpoint } from './kit/lean-version.js';
import { errorCodes, postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER } from './kit/graphql.js';
import { subscribe } from './kit/subscriptions.js';
import { postWebhook, sign, TEST_WEBHOOK_SECRET } from './kit/webhooks.js';

const SERVICE_KEY = 'svc_log_scan_0123456789abcdef0123456789';
const JWT_SECRET = 'log-scan-signing-secret-of-at-least-32-bytes';
const ENCRYPTION_KEY = Buffer.alloc(32, 0x3c).toString('base64');

const ENTITY = `query ($id: ID!) { node(id: $id) { ... on Entity {
  identity { __typename ... on Identity { fullName mobileNumber nationalIdentityNumber birthDate emailAddress address } ... on LeanOutcome { message } }
  accounts { __typename ... on AccountList { accounts { id leanAccountId iban holderName } } }
  consents { accounts { identification name secondaryIdentification } }
} } }`;

/** The other side of each of an account's recent transactions. */
const COUNTERPARTIES = `query ($id: ID!) { node(id: $id) { ... on Account { transactions(first: 100, from: "${new Date(Date.now() - 90 * 86_400_000).toISOString().slice(0, 10)}") {
  ... on TransactionConnection { edges { node { counterparty { name identification } } } }
} } } }`;

interface EntityAnswer {
  identity: Record<string, string | null>;
  accounts: { accounts: { id: string; leanAccountId: string; iban: string | null; holderName: string | null }[] };
  consents: { accounts: { identification: string | null; name: string | null; secondaryIdentification: string | null }[] }[];
}

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('personal data and secrets never reach the logs', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let customer: CreatedCustomer;
  let uae: LinkedEntity;
  let ksa: LinkedEntity;
  let asyncBank: LinkedEntity;

  beforeAll(async () => {
    database = await createTestDatabase('personal_data_logs');
    gateway = await startTestGateway({
      ...database.env,
      LOG_LEVEL: 'trace',
      GATEWAY_API_KEYS: SERVICE_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
      GATEWAY_ENCRYPTION_KEY: `live:${ENCRYPTION_KEY}`,
      LEAN_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
      LEAN_SANDBOX_RESULTS_DELAY_MS: '200',
      LEAN_MAX_RETRIES: '1',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('after every path that touches identity, IBANs, consents, webhooks and errors, no captured line holds a seeded value or a secret', async () => {
    const asService = (query: string, variables: Record<string, unknown> = {}) => postGraphQL(gateway.url, query, { token: SERVICE_KEY, variables });

    // Link: the app token travels in prepareLink's options; entity.created webhooks arrive from the emulator.
    customer = await createCustomer(gateway, 'log-scan-user', { token: SERVICE_KEY });
    const prepared = await asService('mutation ($c: ID!) { prepareLink(customerId: $c, permissions: [IDENTITY, ACCOUNTS, BALANCE, TRANSACTIONS]) { options } }', { c: customer.id });
    const appToken = (prepared.body.data?.['prepareLink'] as { options: { app_token: string } } | undefined)?.options.app_token ?? '';
    uae = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    ksa = await linkBank(gateway, customer.leanCustomerId, 'LEA1_SAMAOB_SAU');
    asyncBank = await linkBank(gateway, customer.leanCustomerId, 'LEANMB3_ASYNC');

    // Identity, IBANs and consents, as a service.
    const read = async (entityId: string) => {
      const answer = await asService(ENTITY, { id: globalId('Entity', entityId) });
      expect(answer.body.errors).toBeUndefined();
      return answer.body.data?.['node'] as EntityAnswer;
    };
    const uaeData = await read(uae.id);
    const ksaData = await read(ksa.id);
    const asyncData = await read(asyncBank.id);
    // Transactions with their counterparties, as a service.
    const counterparties: { name: string | null; identification: string | null }[] = [];
    for (const account of uaeData.accounts.accounts) {
      const answer = await asService(COUNTERPARTIES, { id: account.id });
      expect(answer.body.errors).toBeUndefined();
      const edges = (answer.body.data?.['node'] as { transactions: { edges: { node: { counterparty: (typeof counterparties)[number] | null } }[] } }).transactions.edges;
      for (const { node } of edges) if (node.counterparty !== null) counterparties.push(node.counterparty);
    }
    expect(counterparties.length).toBeGreaterThan(0);

    // An end user with the scope reads them too; one without gets FORBIDDEN.
    const withScope = await signEndUserJwt(JWT_SECRET, { sub: 'log-scan-user', scope: 'identity:read' });
    const withoutScope = await signEndUserJwt(JWT_SECRET, { sub: 'log-scan-user' });
    const scoped = await postGraphQL(gateway.url, ENTITY, { token: withScope, variables: { id: globalId('Entity', uae.id) } });
    expect(scoped.body.errors).toBeUndefined();
    const forbidden = await postGraphQL(gateway.url, ENTITY, { token: withoutScope, variables: { id: globalId('Entity', uae.id) } });
    expect(errorCodes(forbidden)).toContain('FORBIDDEN');

    // Webhooks: results.ready of the asynchronous bank (Lean answered PENDING, then the results are fetched and stored).
    const transactions = await asService(
      'query ($id: ID!) { node(id: $id) { ... on Account { transactions(first: 5) { __typename ... on ResultsPending { resultsId } } } } }',
      { id: asyncData.accounts.accounts[0]?.id },
    );
    const resultsId = (transactions.body.data?.['node'] as { transactions: { resultsId?: string } }).transactions.resultsId ?? '';
    expect(resultsId).not.toBe('');
    await waitFor('results.ready applied', async () => {
      const row = await gateway.database.db.selectFrom('pending_results').select('status').where('results_id', '=', resultsId).executeTakeFirst();
      return row?.status === 'READY';
    });

    // A signed webhook of a type the gateway does not act on, and a badly signed one, both carrying personal data.
    const fullName = uaeData.identity['fullName'] ?? '';
    const iban = uaeData.accounts.accounts[0]?.iban ?? '';
    const unknownType = JSON.stringify({ type: 'payment_source.beneficiary.created', payload: { holder: fullName, iban }, event_id: 'log-scan-unknown-type' });
    expect((await postWebhook(gateway.url, unknownType)).status).toBe(200);
    const badlySigned = JSON.stringify({ type: 'entity.created', payload: { id: uae.id, holder: fullName, iban }, event_id: 'log-scan-bad-signature' });
    expect((await postWebhook(gateway.url, badlySigned, sign(badlySigned, 'not-the-secret-0123456789'))).status).toBe(401);

    // A Lean fault on the identity endpoint: the entity is refreshed so identity is asked again, and Lean fails.
    await sandboxControl(gateway, 'POST', '/sandbox/faults', { endpoint: leanEndpoint('identity'), status: 500, count: 5 });
    await asService('mutation ($e: ID!) { refreshEntity(entityId: $e) { id } }', { e: globalId('Entity', uae.id) });
    const faulted = await asService(ENTITY, { id: globalId('Entity', uae.id) });
    expect(errorCodes(faulted)).toContain('UPSTREAM_UNAVAILABLE');
    await sandboxControl(gateway, 'DELETE', '/sandbox/faults');

    // Malformed requests that echo their input: a syntax error, a variable of the wrong type, broken JSON.
    const nationalId = uaeData.identity['nationalIdentityNumber'] ?? '';
    const email = uaeData.identity['emailAddress'] ?? '';
    const syntax = await asService(`{ customerByAppUserId(appUserId: "${fullName}") { id } ${nationalId} }`);
    expect(errorCodes(syntax).length).toBeGreaterThan(0);
    const wrongType = await asService('query ($n: Int) { customer(id: $n) { id } }', { n: iban });
    expect(errorCodes(wrongType).length).toBeGreaterThan(0);
    const badId = await asService('query ($id: ID!) { node(id: $id) { id } }', { id: email });
    expect(badId.status).toBeLessThan(500);
    const brokenJson = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVICE_KEY}` },
      body: `{"query": "{ viewer { kind } }", "variables": {"email": "${email}", "iban": "${iban}"`,
    });
    expect(brokenJson.status).toBeLessThan(500);
    expect(((await brokenJson.json()) as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
    // A GET operation carries its variables in the URL, which request logs print.
    const viaGet = await fetch(`${gateway.url}/graphql?${new URLSearchParams({ query: 'query ($u: String!) { customerByAppUserId(appUserId: $u) { id } }', variables: JSON.stringify({ u: email }) })}`, {
      headers: { authorization: `Bearer ${SERVICE_KEY}`, accept: 'application/json' },
    });
    expect(viaGet.status).toBeLessThan(500);
    // The same over graphql-ws: an IBAN where a string belongs (a validation error quotes it back).
    const socket = subscribe(gateway.url, `subscription { resultsReady(resultsId: ${iban}) { __typename } }`, { token: SERVICE_KEY });
    await waitFor('the graphql-ws error', () => Promise.resolve(socket.errors.length > 0));
    expect(JSON.stringify(socket.errors)).toContain(iban);
    await socket.close();
    const badToken = await postGraphQL(gateway.url, '{ viewer { kind } }', { token: `${withScope}x` });
    expect(errorCodes(badToken)).toContain('UNAUTHENTICATED');

    // The values scanned for are real answers of this run, not empty strings that match nothing.
    const identities = [uaeData, ksaData].map((data) => data.identity);
    const personal = [
      ...identities.flatMap((identity) => [identity['fullName'], identity['nationalIdentityNumber'], identity['mobileNumber'], identity['emailAddress'], identity['address']]),
      ...[uaeData, ksaData, asyncData].flatMap((data) => data.accounts.accounts.flatMap((account) => [account.iban, account.holderName])),
      // Counterparties include payees such as `du`: too short to scan for without matching anything.
      ...counterparties.flatMap((party) => [party.name, party.identification]).filter((value) => value !== null && value.length >= 4),
      ...ksaData.consents.flatMap((consent) => consent.accounts.flatMap((account) => [account.identification, account.name])),
    ];
    for (const value of personal) expect(value ?? '').toMatch(/\S{3}/);
    expect(personal.length).toBeGreaterThanOrEqual(16);
    expect(iban).toMatch(/^AE\d{2}/);
    expect(appToken.length).toBeGreaterThan(8);
    const secrets = [SERVICE_KEY, JWT_SECRET, withScope, withoutScope, TEST_WEBHOOK_SECRET, ENCRYPTION_KEY, appToken];

    expect(gateway.logs.length).toBeGreaterThan(50);
    expect(gateway.logs.some((line) => line.includes('"level":20'))).toBe(true); // debug lines were written (LOG_LEVEL=trace lets everything through)
    const scanned = [...personal, ...secrets].flatMap((value) => (typeof value === 'string' ? [value, encodeURIComponent(value)] : []));
    const leaks = gateway.logs.flatMap((line) =>
      scanned.filter((value): value is string => typeof value === 'string' && line.includes(value)).map((value) => `${value.slice(0, 6)}… in ${line.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
    // Each part of a name and each IBAN without its country prefix: a value logged in pieces or re-cased also counts.
    const pieces = [...identities.flatMap((identity) => (identity['fullName'] ?? '').split(/\s+/).filter((part) => part.length >= 5))];
    const lowered = gateway.logs.map((line) => line.toLowerCase());
    for (const piece of pieces) expect(lowered.some((line) => line.includes(piece.toLowerCase())), piece).toBe(false);
  });
});
