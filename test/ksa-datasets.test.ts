import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, globalId, leanCalls, linkBank, refreshApplied, resetLeanCalls, type CreatedCustomer } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, signEndUserJwt, TEST_AUDIENCE, TEST_ISSUER, type GraphQLResponse } from './kit/graphql.js';
import { postmanSample, startLeanV2Double, v2ClientOf } from './kit/lean-v2.js';

const SERVICE_KEY = 'svc_ksa_datasets_0123456789abcdef012345';
const JWT_SECRET = 'ksa-datasets-jwt-secret-0123456789abcdef';
const KSA_PERMISSIONS = ['identity', 'accounts', 'balance', 'transactions', 'identities', 'scheduled_payments', 'standing_orders', 'direct_debits', 'beneficiaries'];
const DATASET_ENDPOINTS = ['beneficiaries', 'direct-debits', 'scheduled-payments', 'standing-orders', 'identities'].map((path) => `GET /data/v2/accounts/{account_id}/${path}`);
const DECIMAL = /^-?\d+(\.\d+)?$/;

const OUTCOME = '__typename ... on LeanOutcome { message } ... on PermissionNotGranted { permission } ... on DatasetNotOffered { dataset }';
const MONEY = '{ amount currency }';
/** Every account of every entity of the customer, with its five SAMA datasets; `personal` adds the fields that need identity:read. */
const datasetsQuery = (personal: boolean) => `query ($id: ID!) { customer(id: $id) { entities { leanEntityId accounts { ... on AccountList { accounts { leanAccountId
  beneficiaries { ${OUTCOME} ... on BeneficiaryList { fetchedAt stale items { beneficiaryId type reference bank { identification name } ${personal ? 'holderName holderShortName account { schemeName identification name }' : ''} } } }
  directDebits { ${OUTCOME} ... on DirectDebitList { items { directDebitId status statusCode frequency frequencyCode previousPaymentAt previousPaymentAmount ${MONEY} ${personal ? 'name' : ''} } } }
  scheduledPayments { ${OUTCOME} ... on ScheduledPaymentList { items { scheduledPaymentId timing scheduledAt amount ${MONEY} bank { identification } ${personal ? 'account { identification }' : ''} } } }
  standingOrders { ${OUTCOME} ... on StandingOrderList { items { standingOrderId status frequency interval nextPaymentAt nextPaymentAmount ${MONEY} firstPaymentAmount ${MONEY} } } }
  parties { ${OUTCOME} ... on PartyList { items { partyId partyType partyTypeCode accountRole ${personal ? 'fullLegalName name emailAddress mobileNumber nationalId birthDate address' : ''} } } }
} } } } } }`;

type Item = Record<string, unknown>;
interface DatasetAnswer {
  __typename: string;
  permission?: string;
  dataset?: string;
  items?: Item[];
  stale?: boolean;
}
interface AccountAnswer {
  leanAccountId: string;
  beneficiaries: DatasetAnswer;
  directDebits: DatasetAnswer;
  scheduledPayments: DatasetAnswer;
  standingOrders: DatasetAnswer;
  parties: DatasetAnswer;
}
const FIELDS = ['beneficiaries', 'directDebits', 'scheduledPayments', 'standingOrders', 'parties'] as const;

function accountsOf(answer: GraphQLResponse, entityId: string): AccountAnswer[] {
  const entities = (answer.body.data?.['customer'] as { entities: { leanEntityId: string; accounts: { accounts?: AccountAnswer[] } }[] } | undefined)?.entities ?? [];
  return entities.find((entity) => entity.leanEntityId === entityId)?.accounts.accounts ?? [];
}

describe('KSA datasets: beneficiaries, direct debits, scheduled payments, standing orders and parties of every account', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let customer: CreatedCustomer;
  let ksa: { id: string; accountIds: string[] };
  const fullKsa: { id: string; accountIds: string[] }[] = [];
  let uae: { id: string; accountIds: string[] };
  let withoutBeneficiaries: { id: string; accountIds: string[] };
  let first: GraphQLResponse;

  beforeAll(async () => {
    database = await createTestDatabase('ksa_datasets');
    gateway = await startTestGateway({
      ...database.env,
      LEAN_API_VERSION: 'v2',
      LEAN_SANDBOX_REFRESH_WEBHOOKS: 'true',
      GATEWAY_API_KEYS: SERVICE_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      GATEWAY_JWT_ISSUER: TEST_ISSUER,
      GATEWAY_JWT_AUDIENCE: TEST_AUDIENCE,
    });
    customer = await createCustomer(gateway, 'ksa-datasets-user', { token: SERVICE_KEY });
    // The emulator gives an entity a savings account (which a standing order feeds) by chance: link until one has it.
    for (let attempt = 0; attempt < 8; attempt++) {
      const linked = await linkBank(gateway, customer.leanCustomerId, 'LEA1_SAMAOB_SAU', KSA_PERMISSIONS);
      fullKsa.push(linked);
      if ((gateway.sandbox?.state.accountsOf(linked.id) ?? []).some((account) => account.type === 'Savings')) break;
    }
    ksa = fullKsa.at(-1) ?? { id: '', accountIds: [] };
    uae = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    withoutBeneficiaries = await linkBank(gateway, customer.leanCustomerId, 'LEA2_SAMAOB_SAU', KSA_PERMISSIONS.filter((p) => p !== 'beneficiaries'));
    await resetLeanCalls(gateway);
    first = await postGraphQL(gateway.url, datasetsQuery(true), { token: SERVICE_KEY, variables: { id: customer.id } });
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('one query reads all five datasets of every account of the KSA entity linked with all nine permissions, one Lean call per account and dataset (none for the UAE)', async () => {
    expect(first.body.errors).toBeUndefined();
    const accounts = accountsOf(first, ksa.id);
    expect(accounts.map((a) => a.leanAccountId).sort()).toEqual([...ksa.accountIds].sort());
    const typenames = { beneficiaries: 'BeneficiaryList', directDebits: 'DirectDebitList', scheduledPayments: 'ScheduledPaymentList', standingOrders: 'StandingOrderList', parties: 'PartyList' };
    for (const account of accounts) for (const field of FIELDS) expect(account[field].__typename, field).toBe(typenames[field]);
    // The current account carries each dataset; money is exact decimal text; enums are known values.
    const current = accounts.find((a) => (a.beneficiaries.items ?? []).length > 0);
    expect(current).toBeDefined();
    const beneficiary = current?.beneficiaries.items?.[0] as { holderName: string; account: { schemeName: string; identification: string }; bank: { identification: string } };
    expect(beneficiary.holderName).toEqual(expect.any(String) as unknown);
    expect(beneficiary.account).toMatchObject({ schemeName: 'IBAN', identification: expect.stringMatching(/^SA\d{2}/) as unknown });
    expect(beneficiary.bank.identification).toMatch(/^KSAOB\./);
    const debit = current?.directDebits.items?.[0] as { status: string; frequency: string; previousPaymentAmount: { amount: string; currency: string }; previousPaymentAt: string };
    expect(debit).toMatchObject({ status: 'ACTIVE', frequency: 'MONTHLY', previousPaymentAmount: { amount: expect.stringMatching(DECIMAL) as unknown, currency: 'SAR' } });
    expect(Number.isNaN(Date.parse(debit.previousPaymentAt))).toBe(false);
    expect(current?.scheduledPayments.items?.[0]).toMatchObject({ timing: 'EXECUTION', amount: { amount: expect.stringMatching(DECIMAL) as unknown, currency: 'SAR' } });
    // The monthly transfer into savings, on the current account.
    expect(current?.standingOrders.items?.[0]).toMatchObject({ status: 'ACTIVE', frequency: 'MONTHLY', nextPaymentAmount: { amount: expect.stringMatching(DECIMAL) as unknown } });
    const party = current?.parties.items?.[0] as { partyType: string; partyTypeCode: string; fullLegalName: string; birthDate: string };
    expect(party).toMatchObject({ partyType: 'SOLE', partyTypeCode: 'SOLE', fullLegalName: expect.any(String) as unknown, birthDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown });
    const { calls } = await leanCalls(gateway);
    const granted = fullKsa.reduce((sum, entity) => sum + entity.accountIds.length, 0);
    for (const endpoint of DATASET_ENDPOINTS) {
      // The entity without `beneficiaries` is not asked for them.
      const expected = endpoint.endsWith('/beneficiaries') ? granted : granted + withoutBeneficiaries.accountIds.length;
      expect(calls[endpoint] ?? 0, endpoint).toBe(expected);
    }
  });

  it('the UAE entity answers DatasetNotOffered for each, without asking Lean; the emulator itself answers UNSUPPORTED, which the client reads as not offered', async () => {
    const accounts = accountsOf(first, uae.id);
    expect(accounts.length).toBe(uae.accountIds.length);
    for (const account of accounts) for (const field of FIELDS) expect(account[field], field).toMatchObject({ __typename: 'DatasetNotOffered' });
    expect(accounts[0]?.parties.dataset).toBe('identities');
    const accountId = uae.accountIds[0] ?? '';
    const direct = await gateway.lean.beneficiaries(uae.id, accountId);
    expect(direct).toMatchObject({ kind: 'ok', data: { offered: false } });
    expect(await gateway.lean.accountParties(ksa.id, ksa.accountIds[0] ?? '')).toMatchObject({ kind: 'ok', data: { offered: true } });
  });

  it('an entity linked without `beneficiaries` answers PermissionNotGranted for them, and its other datasets', () => {
    const accounts = accountsOf(first, withoutBeneficiaries.id);
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) {
      expect(account.beneficiaries).toMatchObject({ __typename: 'PermissionNotGranted', permission: 'beneficiaries' });
      expect(account.directDebits.__typename).toBe('DirectDebitList');
      expect(account.parties.__typename).toBe('PartyList');
    }
  });

  it('the same query again costs no Lean call and answers the same', async () => {
    await resetLeanCalls(gateway);
    const again = await postGraphQL(gateway.url, datasetsQuery(true), { token: SERVICE_KEY, variables: { id: customer.id } });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data).toEqual(first.body.data);
    const { total } = await leanCalls(gateway);
    expect(total).toBe(0);
  });

  it("after Lean reads the bank again (entity.data.refresh.updated), the next read asks Lean once per account and dataset again", async () => {
    const started = await postGraphQL(gateway.url, 'mutation ($id: ID!) { requestDataRefresh(entityId: $id) { __typename } }', { token: SERVICE_KEY, variables: { id: globalId('Entity', ksa.id) } });
    expect(started.body.data?.['requestDataRefresh']).toEqual({ __typename: 'DataRefreshRequested' });
    await refreshApplied(gateway, ksa.id, { count: 2 });
    await resetLeanCalls(gateway);
    const after = await postGraphQL(gateway.url, datasetsQuery(true), { token: SERVICE_KEY, variables: { id: customer.id } });
    expect(after.body.errors).toBeUndefined();
    const { calls } = await leanCalls(gateway);
    for (const endpoint of DATASET_ENDPOINTS) expect(calls[endpoint] ?? 0, endpoint).toBe(ksa.accountIds.length);
  });

  it('an end user without identity:read reads what is not personal; each personal field is FORBIDDEN and the rest stands', async () => {
    const withoutScope = await signEndUserJwt(JWT_SECRET, { sub: 'ksa-datasets-user' });
    const refused = await postGraphQL(gateway.url, datasetsQuery(true), { token: withoutScope, variables: { id: customer.id } });
    const forbidden = (refused.body.errors ?? []).filter((error) => error.extensions?.['code'] === 'FORBIDDEN');
    expect(forbidden.length).toBeGreaterThan(0);
    expect((refused.body.errors ?? []).every((error) => error.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    const forbiddenFields = new Set(forbidden.map((error) => String((error as { path?: (string | number)[] }).path?.at(-1))));
    expect([...forbiddenFields].sort()).toEqual(['account', 'address', 'birthDate', 'emailAddress', 'fullLegalName', 'holderName', 'holderShortName', 'mobileNumber', 'name', 'nationalId'].sort());
    const current = accountsOf(refused, ksa.id).find((a) => (a.beneficiaries.items ?? []).length > 0);
    expect(current?.beneficiaries.items?.[0]).toMatchObject({ beneficiaryId: expect.any(String) as unknown, holderName: null, account: null });
    expect(current?.parties.items?.[0]).toMatchObject({ partyType: 'SOLE', fullLegalName: null });
    // Without the personal fields the same user reads everything, error-free.
    const plain = await postGraphQL(gateway.url, datasetsQuery(false), { token: withoutScope, variables: { id: customer.id } });
    expect(plain.body.errors).toBeUndefined();
    const withScope = await signEndUserJwt(JWT_SECRET, { sub: 'ksa-datasets-user', scope: 'identity:read' });
    const allowed = await postGraphQL(gateway.url, datasetsQuery(true), { token: withScope, variables: { id: customer.id } });
    expect(allowed.body.errors).toBeUndefined();
    const asService = await postGraphQL(gateway.url, datasetsQuery(true), { token: SERVICE_KEY, variables: { id: customer.id } });
    expect(allowed.body.data).toEqual(asService.body.data);
  });

  it('the rows hold the amounts as numeric and no clear IBAN or name: the personal part of each item is sealed', async () => {
    const clear = accountsOf(first, ksa.id).flatMap((account) => [
      ...(account.beneficiaries.items ?? []).flatMap((item) => {
        const b = item as { holderName: string | null; holderShortName: string | null; account: { identification: string | null; name: string | null } | null };
        return [b.holderName, b.holderShortName, b.account?.identification, b.account?.name];
      }),
      ...(account.directDebits.items ?? []).map((item) => (item as { name: string | null }).name),
      ...(account.scheduledPayments.items ?? []).map((item) => (item as { account: { identification: string | null } | null }).account?.identification),
      ...(account.parties.items ?? []).flatMap((item) => {
        const p = item as Record<string, string | null>;
        return [p['fullLegalName'], p['name'], p['emailAddress'], p['mobileNumber'], p['nationalId'], p['address']];
      }),
    ]);
    const values = clear.filter((value): value is string => typeof value === 'string' && value.length >= 4);
    expect(values.length).toBeGreaterThan(5);
    const { rows } = await sql<{ text: string | null }>`select string_agg(i::text, ' ') as text from account_dataset_items i`.execute(gateway.database.db);
    const text = rows[0]?.text ?? '';
    expect(text.length).toBeGreaterThan(0);
    for (const value of values) expect(text.includes(value), 'a personal value is stored in clear').toBe(false);
    const items = await gateway.database.db.selectFrom('account_dataset_items').select(['dataset', 'personal', 'amount']).execute();
    expect(items.filter((item) => item.personal !== null).every((item) => /^v1\.[\w-]+\.[\w-]{16}\./.test(item.personal ?? ''))).toBe(true);
    const { rows: types } = await sql<{ type: string }>`select pg_typeof(amount)::text as type from account_dataset_items where amount is not null limit 1`.execute(gateway.database.db);
    expect(types[0]?.type).toBe('numeric');
    // The not-offered answers of the UAE are not rows of Lean's: the gateway knew without asking.
    const uaeReads = await gateway.database.db.selectFrom('account_dataset_reads').select('account_id').where('account_id', 'in', uae.accountIds).execute();
    expect(uaeReads).toEqual([]);
  });
});

describe("KSA datasets under Lean's v1 API, which has none of them", () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('ksa_datasets_v1');
    gateway = await startTestGateway({ ...database.env, LEAN_API_VERSION: 'v1', GATEWAY_API_KEYS: SERVICE_KEY });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('a KSA entity with every permission answers DatasetNotOffered for each dataset, and the answer is kept', async () => {
    const customer = await createCustomer(gateway, 'ksa-datasets-v1-user', { token: SERVICE_KEY });
    const entity = await linkBank(gateway, customer.leanCustomerId, 'LEA1_SAMAOB_SAU', KSA_PERMISSIONS);
    const answer = await postGraphQL(gateway.url, datasetsQuery(true), { token: SERVICE_KEY, variables: { id: customer.id } });
    expect(answer.body.errors).toBeUndefined();
    const accounts = accountsOf(answer, entity.id);
    expect(accounts.length).toBe(entity.accountIds.length);
    for (const account of accounts) for (const field of FIELDS) expect(account[field], field).toMatchObject({ __typename: 'DatasetNotOffered' });
    const kept = await gateway.database.db.selectFrom('account_dataset_reads').select(['dataset', 'offered']).where('account_id', 'in', entity.accountIds).execute();
    expect(kept.length).toBe(entity.accountIds.length * FIELDS.length);
    expect(kept.every((read) => !read.offered)).toBe(true);
  });
});

describe("Lean's own KSA samples of the five datasets (v2.md §4.5–4.9), through the v2 client", () => {
  it('each parses into the model, amounts as the exact text Lean wrote; UNSUPPORTED as an envelope status is not offered too', async () => {
    const double = await startLeanV2Double();
    const { lean } = v2ClientOf(double);
    try {
      const samples: [string, string][] = [
        ['beneficiaries', 'Get Beneficiaries'],
        ['direct-debits', 'Get Direct Debits'],
        ['scheduled-payments', 'Get Scheduled Payments'],
        ['standing-orders', 'Get Standing Orders'],
        ['identities', 'Get identities'],
      ];
      for (const [path, name] of samples) double.answer('GET', new RegExp(`^/data/v2/accounts/acc-1/${path}$`), () => ({ body: postmanSample('KSA', name) }));
      const [beneficiaries, debits, scheduled, orders, parties] = await Promise.all([
        lean.beneficiaries('ent-1', 'acc-1'),
        lean.directDebits('ent-1', 'acc-1'),
        lean.scheduledPayments('ent-1', 'acc-1'),
        lean.standingOrders('ent-1', 'acc-1'),
        lean.accountParties('ent-1', 'acc-1'),
      ]);
      const itemsOf = <T>(result: { kind: string; data?: { offered: boolean; items?: readonly T[] } }): readonly T[] => (result.kind === 'ok' && result.data?.offered ? (result.data.items ?? []) : []);
      expect(itemsOf(beneficiaries)[0]).toMatchObject({ id: '196784', holderName: 'Ahmed Mohammed Al-Saud', agent: { identification: 'KSAOB.SASABB' }, reference: 'KSA_OB_ACTIVATED' });
      expect(itemsOf(debits)[0]).toMatchObject({ status: 'ACTIVE', previousPaymentAmount: { amount: '136.13', currency: 'SAR' } });
      expect(itemsOf(scheduled)[0]).toMatchObject({ type: expect.stringMatching(/^(ARRIVAL|EXECUTION)$/) as unknown, amount: { currency: 'SAR' } });
      // `10.0` stays `10.0`: never through a double.
      expect(itemsOf(orders).map((order) => (order as { nextPaymentAmount: { amount: string } | null }).nextPaymentAmount?.amount)).toContain('10.0');
      expect(itemsOf(parties)[0]).toMatchObject({ partyType: 'JOINT', partyId: expect.any(String) as unknown });
      expect(itemsOf(parties).map((party) => (party as { accountRole: string | null }).accountRole)).toEqual(expect.arrayContaining(['POWER_OF_ATTORNEY']));

      const unsupported = JSON.stringify({ status: 'UNSUPPORTED', results_id: null, message: 'not supported', meta: null, timestamp: '2026-05-10T12:34:28Z', status_detail: null, data: null });
      double.answer('GET', '/data/v2/accounts/acc-2/beneficiaries', () => ({ body: unsupported }));
      expect(await lean.beneficiaries('ent-1', 'acc-2')).toMatchObject({ kind: 'ok', data: { offered: false } });
    } finally {
      await lean.close();
      await double.close();
    }
  });
});
