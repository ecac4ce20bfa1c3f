import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, type GraphQLResponse } from './kit/graphql.js';
import { LEAN_TEST_VERSION } from './kit/lean-version.js';

/** What the options hold beside Lean.connect's own keys: v2's customer-scoped access token. */
const customerToken = LEAN_TEST_VERSION === 'v2' ? { access_token: expect.any(String) as unknown } : {};

const SERVICE_KEY = 'svc_prepare_link_0123456789abcdef0123';
const JWT_SECRET = 'prepare-link-end-user-secret-of-at-least-32-bytes';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const UAE_BANK = 'LEANMB1';
const KSA_BANK = 'LEA1_SAMAOB_SAU';
const UAE_PERMISSIONS = ['IDENTITY', 'ACCOUNTS', 'BALANCE', 'TRANSACTIONS'];
const KSA_PERMISSIONS = [...UAE_PERMISSIONS, 'IDENTITIES', 'SCHEDULED_PAYMENTS', 'STANDING_ORDERS', 'DIRECT_DEBITS', 'BENEFICIARIES'];

const CREATE_CUSTOMER = 'mutation ($appUserId: String!) { createCustomer(appUserId: $appUserId) { id leanCustomerId appUserId } }';
const PREPARE_LINK = `
  mutation (
    $customerId: ID!
    $bankIdentifier: String
    $permissions: [LeanPermission!]!
    $accountType: AccountType
    $accessFrom: String
    $accessTo: String
    $successRedirectUrl: String
    $failRedirectUrl: String
  ) {
    prepareLink(
      customerId: $customerId
      bankIdentifier: $bankIdentifier
      permissions: $permissions
      accountType: $accountType
      accessFrom: $accessFrom
      accessTo: $accessTo
      successRedirectUrl: $successRedirectUrl
      failRedirectUrl: $failRedirectUrl
    ) {
      options
      customerId
      permissions
      sandbox
      bankIdentifier
      accountType
      accessFrom
      accessTo
      consentKind
    }
  }
`;

interface LinkOptionsResult {
  readonly options: Record<string, unknown>;
  readonly customerId: string;
  readonly permissions: string[];
  readonly sandbox: boolean;
  readonly bankIdentifier: string | null;
  readonly accountType: string | null;
  readonly accessFrom: string | null;
  readonly accessTo: string | null;
  readonly consentKind: 'SINGLE_USE' | 'LONG_LIVED' | 'OPEN_ENDED';
}

interface RuleError {
  readonly message: string;
  readonly path?: (string | number)[];
  readonly extensions?: { readonly code?: string; readonly rule?: string; readonly argument?: string };
}

interface CreatedCustomer {
  readonly id: string;
  readonly leanCustomerId: string;
  readonly appUserId: string;
}

interface PrepareLinkVariables {
  readonly customerId: string;
  readonly permissions: readonly string[];
  readonly bankIdentifier?: string;
  readonly accountType?: 'PERSONAL' | 'BUSINESS';
  readonly accessFrom?: string;
  readonly accessTo?: string;
  readonly successRedirectUrl?: string;
  readonly failRedirectUrl?: string;
}

let database: TestDatabase;
let gateway: TestGateway;
/** The customer every service-side case links for. */
let customer: CreatedCustomer;

const globalId = (typename: string, id: string): string => Buffer.from(`${typename}:${id}`).toString('base64');
const iso = (ms: number): string => new Date(ms).toISOString();

async function createCustomer(appUserId: string, token: string = SERVICE_KEY): Promise<CreatedCustomer> {
  const response = await postGraphQL(gateway.url, CREATE_CUSTOMER, { token, variables: { appUserId } });
  expect(response.body.errors).toBeUndefined();
  const created = (response.body.data as { createCustomer: CreatedCustomer } | null | undefined)?.createCustomer;
  if (created === undefined) throw new Error(`createCustomer answered no customer: ${JSON.stringify(response.body)}`);
  return created;
}

async function prepareLink(variables: PrepareLinkVariables, token: string = SERVICE_KEY): Promise<GraphQLResponse> {
  return postGraphQL(gateway.url, PREPARE_LINK, { token, variables: { ...variables } });
}

/** The prepared link of an accepted request; fails the test with the errors otherwise. */
function accepted(response: GraphQLResponse): LinkOptionsResult {
  expect(response.status).toBe(200);
  expect(response.body.errors).toBeUndefined();
  const link = (response.body.data as { prepareLink: LinkOptionsResult | null } | null | undefined)?.prepareLink;
  expect(link).toBeTruthy();
  return link as LinkOptionsResult;
}

function errorsOf(response: GraphQLResponse): RuleError[] {
  return response.body.errors ?? [];
}

/** `data.prepareLink` is null (the field is non-null, so the whole `data` is null). */
function expectNoLink(response: GraphQLResponse): void {
  const data = response.body.data as { prepareLink?: unknown } | null | undefined;
  expect(data?.prepareLink ?? null).toBeNull();
}

/**
 * A refused request: no link, every error a BAD_USER_INPUT on `prepareLink` naming its rule, one
 * error per broken rule (compared as a multiset, sorted).
 */
function expectRules(response: GraphQLResponse, rules: string[]): RuleError[] {
  expectNoLink(response);
  const errors = errorsOf(response);
  expect(errors.map((error) => error.extensions?.code)).toEqual(rules.map(() => 'BAD_USER_INPUT'));
  expect(errors.map((error) => error.extensions?.rule).sort()).toEqual([...rules].sort());
  for (const error of errors) {
    expect(error.path).toEqual(['prepareLink']);
    expect(error.message).not.toBe('');
  }
  return errors;
}

/** A refused argument (validation, global id): one BAD_USER_INPUT error, saying why, and no link. */
function expectBadInput(response: GraphQLResponse, reason: string): void {
  expectNoLink(response);
  expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  expect(response.body.errors?.[0]?.message).toContain(reason);
}

beforeAll(async () => {
  database = await createTestDatabase('prepare_link');
  gateway = await startTestGateway({
    ...database.env,
    GATEWAY_API_KEYS: SERVICE_KEY,
    GATEWAY_JWT_SECRET: JWT_SECRET,
    GATEWAY_JWT_ISSUER: TEST_ISSUER,
    GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
  });
  customer = await createCustomer(`prepare-link-${randomUUID()}`);
});
afterAll(async () => {
  await gateway?.stop();
  await database?.drop();
});

describe('the customer', () => {
  it('is created with a Customer global id around its Lean customer id', () => {
    expect(Buffer.from(customer.id, 'base64').toString('utf8')).toBe(`Customer:${customer.leanCustomerId}`);
    expect(customer.leanCustomerId).toMatch(/^[0-9a-f-]{36}$/i);
  });
});

describe('UAE (LEANMB1)', () => {
  it('accepts the four permissions and answers exactly the object for Lean.connect', async () => {
    const link = accepted(await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS }));
    expect(link.options).toEqual({
      app_token: expect.any(String) as unknown,
      // Lean's v2 API (the default): the customer's own token for the Link SDK; v1 has none.
      ...customerToken,
      customer_id: customer.leanCustomerId,
      permissions: ['identity', 'accounts', 'balance', 'transactions'],
      sandbox: true,
      bank_identifier: UAE_BANK,
    });
    expect(link.options['app_token']).not.toBe('');
    expect(link).toMatchObject({
      customerId: customer.leanCustomerId,
      permissions: UAE_PERMISSIONS,
      sandbox: true,
      bankIdentifier: UAE_BANK,
      accountType: null,
      accessFrom: null,
      accessTo: null,
      consentKind: 'OPEN_ENDED',
    });
  });

  it('refuses a KSA-only permission with PERMISSION_NOT_IN_REGION', async () => {
    const response = await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, permissions: ['ACCOUNTS', 'BENEFICIARIES'] });
    const [error] = expectRules(response, ['PERMISSION_NOT_IN_REGION']);
    expect(error?.extensions?.argument).toBe('permissions');
  });

  it('gives one error per KSA-only permission asked for', async () => {
    const response = await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, permissions: ['ACCOUNTS', 'BENEFICIARIES', 'DIRECT_DEBITS'] });
    expectRules(response, ['PERMISSION_NOT_IN_REGION', 'PERMISSION_NOT_IN_REGION']);
  });

  it('refuses IDENTITY for a BUSINESS account with IDENTITY_NOT_FOR_BUSINESS', async () => {
    const response = await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, accountType: 'BUSINESS', permissions: UAE_PERMISSIONS });
    expectRules(response, ['IDENTITY_NOT_FOR_BUSINESS']);
  });

  it('accepts a BUSINESS account without identity', async () => {
    const link = accepted(
      await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, accountType: 'BUSINESS', permissions: ['ACCOUNTS', 'BALANCE', 'TRANSACTIONS'] }),
    );
    expect(link.options).toEqual({
      app_token: expect.any(String) as unknown,
      ...customerToken,
      customer_id: customer.leanCustomerId,
      permissions: ['accounts', 'balance', 'transactions'],
      sandbox: true,
      bank_identifier: UAE_BANK,
      account_type: 'BUSINESS',
    });
    expect(link.accountType).toBe('BUSINESS');
  });

  it('refuses an empty permission list with PERMISSIONS_REQUIRED', async () => {
    const response = await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, permissions: [] });
    expectRules(response, ['PERMISSIONS_REQUIRED']);
  });

  it('several broken rules give several errors', async () => {
    const response = await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, accountType: 'BUSINESS', permissions: ['IDENTITY', 'BENEFICIARIES'] });
    expectRules(response, ['PERMISSION_NOT_IN_REGION', 'IDENTITY_NOT_FOR_BUSINESS']);
  });

  it('without a bank identifier the application region (UAE by default) decides', async () => {
    const response = await prepareLink({ customerId: customer.id, permissions: ['ACCOUNTS', 'BENEFICIARIES'] });
    expectRules(response, ['PERMISSION_NOT_IN_REGION']);
  });
});

describe('KSA (LEA1_SAMAOB_SAU)', () => {
  const ksa = (extra: Omit<PrepareLinkVariables, 'customerId' | 'permissions' | 'bankIdentifier'> & { permissions?: readonly string[] } = {}) =>
    prepareLink({ customerId: customer.id, bankIdentifier: KSA_BANK, permissions: ['ACCOUNTS', 'BALANCE'], ...extra });

  it('accepts all nine permissions; without accessTo the consent is OPEN_ENDED', async () => {
    const link = accepted(await ksa({ permissions: KSA_PERMISSIONS }));
    expect(link.options).toEqual({
      app_token: expect.any(String) as unknown,
      ...customerToken,
      customer_id: customer.leanCustomerId,
      permissions: ['identity', 'accounts', 'balance', 'transactions', 'identities', 'scheduled_payments', 'standing_orders', 'direct_debits', 'beneficiaries'],
      sandbox: true,
      bank_identifier: KSA_BANK,
    });
    expect(link.permissions).toEqual(KSA_PERMISSIONS);
    expect(link.consentKind).toBe('OPEN_ENDED');
    expect(link.accessTo).toBeNull();
  });

  it('accepts identity for a BUSINESS account (the rule is the UAE’s)', async () => {
    const link = accepted(await ksa({ accountType: 'BUSINESS', permissions: ['IDENTITY', 'ACCOUNTS'] }));
    expect(link.options['account_type']).toBe('BUSINESS');
  });

  it('accessTo just under 24 hours ahead is SINGLE_USE', async () => {
    const accessTo = iso(Date.now() + DAY_MS - 5_000);
    const link = accepted(await ksa({ accessTo }));
    expect(link.consentKind).toBe('SINGLE_USE');
    expect(link.options['access_to']).toBe(accessTo);
    expect(link.accessTo).toBe(accessTo);
  });

  it('accessTo just over 24 hours ahead is LONG_LIVED', async () => {
    const accessTo = iso(Date.now() + DAY_MS + 60_000);
    const link = accepted(await ksa({ accessTo }));
    expect(link.consentKind).toBe('LONG_LIVED');
    expect(link.options['access_to']).toBe(accessTo);
  });

  it('accessTo just under one calendar year ahead is accepted as LONG_LIVED', async () => {
    const inAYear = new Date(Date.now());
    inAYear.setUTCFullYear(inAYear.getUTCFullYear() + 1);
    const accessTo = iso(inAYear.getTime() - 60_000);
    const link = accepted(await ksa({ accessTo }));
    expect(link.consentKind).toBe('LONG_LIVED');
    expect(link.options['access_to']).toBe(accessTo);
  });

  it('accessTo just over one calendar year ahead is ACCESS_TO_BEYOND_ONE_YEAR', async () => {
    const inAYear = new Date(Date.now());
    inAYear.setUTCFullYear(inAYear.getUTCFullYear() + 1);
    const [error] = expectRules(await ksa({ accessTo: iso(inAYear.getTime() + 60_000) }), ['ACCESS_TO_BEYOND_ONE_YEAR']);
    expect(error?.extensions?.argument).toBe('accessTo');
  });

  it('accessTo in the past is ACCESS_TO_IN_PAST', async () => {
    const [error] = expectRules(await ksa({ accessTo: iso(Date.now() - 60_000) }), ['ACCESS_TO_IN_PAST']);
    expect(error?.extensions?.argument).toBe('accessTo');
  });

  it('accessFrom after accessTo is ACCESS_FROM_AFTER_ACCESS_TO', async () => {
    const now = Date.now();
    const [error] = expectRules(await ksa({ accessFrom: iso(now + 11 * DAY_MS), accessTo: iso(now + 10 * DAY_MS) }), ['ACCESS_FROM_AFTER_ACCESS_TO']);
    expect(error?.extensions?.argument).toBe('accessFrom');
  });

  it('accessFrom before accessTo is accepted and passed on', async () => {
    const now = Date.now();
    const accessFrom = iso(now - 365 * DAY_MS);
    const accessTo = iso(now + 30 * DAY_MS);
    const link = accepted(await ksa({ accessFrom, accessTo }));
    expect(link.options).toMatchObject({ access_from: accessFrom, access_to: accessTo });
    expect(link.accessFrom).toBe(accessFrom);
    expect(link.consentKind).toBe('LONG_LIVED');
  });

  it('accessTo in the past and accessFrom after it give two errors, one per rule', async () => {
    const now = Date.now();
    const errors = expectRules(await ksa({ accessFrom: iso(now - 30_000), accessTo: iso(now - 60_000) }), [
      'ACCESS_TO_IN_PAST',
      'ACCESS_FROM_AFTER_ACCESS_TO',
    ]);
    expect(Object.fromEntries(errors.map((error) => [error.extensions?.rule, error.extensions?.argument]))).toEqual({
      ACCESS_TO_IN_PAST: 'accessTo',
      ACCESS_FROM_AFTER_ACCESS_TO: 'accessFrom',
    });
  });

  it.each(['2026-02-30T10:00:00', 'yesterday'])('accessTo %j is INVALID_DATETIME', async (accessTo) => {
    const [error] = expectRules(await ksa({ accessTo }), ['INVALID_DATETIME']);
    expect(error?.extensions?.argument).toBe('accessTo');
  });

  it('an invalid accessFrom is INVALID_DATETIME on accessFrom', async () => {
    const [error] = expectRules(await ksa({ accessFrom: 'yesterday', accessTo: iso(Date.now() + 10 * DAY_MS) }), ['INVALID_DATETIME']);
    expect(error?.extensions?.argument).toBe('accessFrom');
  });

  it('a zone-less accessTo is read as KSA local time (UTC+03:00)', async () => {
    const instant = Math.floor((Date.now() + 2 * DAY_MS) / 1000) * 1000;
    // The KSA wall clock at that instant, without a zone: 3 hours later than UTC's.
    const local = iso(instant + 3 * HOUR_MS).slice(0, 19);
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const link = accepted(await ksa({ accessTo: local }));
    expect(link.options['access_to']).toBe(iso(instant));
    expect(link.options['access_to']).toMatch(/Z$/);
    expect(link.consentKind).toBe('LONG_LIVED');
  });
});

describe('the customer id', () => {
  it('an unknown customer is NOT_FOUND', async () => {
    const response = await prepareLink({ customerId: globalId('Customer', randomUUID()), bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS });
    expectNoLink(response);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });

  it('a malformed global id is BAD_USER_INPUT', async () => {
    expectBadInput(await prepareLink({ customerId: 'not a global id!', bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS }), 'Invalid global ID');
  });

  it('a global id of another type is BAD_USER_INPUT', async () => {
    expectBadInput(await prepareLink({ customerId: globalId('Entity', randomUUID()), bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS }), 'is not of type: Customer');
  });
});

describe('an end user', () => {
  it('gets NOT_FOUND for another user’s customer, word for word as for an unknown one', async () => {
    const unknown = await prepareLink({ customerId: globalId('Customer', randomUUID()), bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS });
    const token = await signEndUserJwt(JWT_SECRET, { sub: `stranger-${randomUUID()}` });
    const response = await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS }, token);
    expectNoLink(response);
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
    expect(response.body.errors?.[0]?.message).toBe(unknown.body.errors?.[0]?.message);
    expect(JSON.stringify(response.body)).not.toContain(customer.leanCustomerId);
  });

  it('prepares a link for their own customer', async () => {
    const appUserId = `end-user-${randomUUID()}`;
    const own = await createCustomer(appUserId);
    const token = await signEndUserJwt(JWT_SECRET, { sub: appUserId });
    const link = accepted(await prepareLink({ customerId: own.id, bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS }, token));
    expect(link.options).toEqual({
      app_token: expect.any(String) as unknown,
      ...customerToken,
      customer_id: own.leanCustomerId,
      permissions: ['identity', 'accounts', 'balance', 'transactions'],
      sandbox: true,
      bank_identifier: UAE_BANK,
    });
  });
});

describe('redirect URLs', () => {
  it.each([
    ['successRedirectUrl', 'javascript:alert(1)'],
    ['failRedirectUrl', 'javascript:alert(1)'],
    ['successRedirectUrl', 'ftp://example.com/done'],
  ] as const)('%s %j (not http(s)) is BAD_USER_INPUT', async (argument, url) => {
    expectBadInput(await prepareLink({ customerId: customer.id, bankIdentifier: UAE_BANK, permissions: UAE_PERMISSIONS, [argument]: url }), `${argument}: a redirect URL must be an http(s) URL`);
  });

  it('http(s) URLs are passed on', async () => {
    const link = accepted(
      await prepareLink({
        customerId: customer.id,
        bankIdentifier: UAE_BANK,
        permissions: UAE_PERMISSIONS,
        successRedirectUrl: 'https://app.example.com/linked',
        failRedirectUrl: 'http://localhost:3000/failed',
      }),
    );
    expect(link.options).toMatchObject({ success_redirect_url: 'https://app.example.com/linked', fail_redirect_url: 'http://localhost:3000/failed' });
  });
});
