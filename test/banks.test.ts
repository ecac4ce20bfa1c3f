import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_BANKS } from '../src/sandbox/banks.js';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { dataAt, leanCalls, resetLeanCalls, sandboxControl } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';
import { withoutTokenCalls } from './kit/lean-version.js';

const BANKS = /* GraphQL */ `
  query Banks($region: Region) {
    banks(region: $region) { identifier name logo mainColor backgroundColor region accountTypes availability { data payments } }
  }
`;

interface BankAnswer {
  identifier: string;
  name: string | null;
  logo: string | null;
  mainColor: string | null;
  backgroundColor: string | null;
  region: string;
  accountTypes: string[];
  availability: { data: boolean; payments: boolean };
}

const banksOf = async (gateway: TestGateway, region?: 'UAE' | 'KSA'): Promise<BankAnswer[]> => {
  const answer = await postGraphQL(gateway.url, BANKS, { variables: { region } });
  expect(answer.body.errors).toBeUndefined();
  return dataAt(answer, 'banks') as BankAnswer[];
};

/** What the emulator's catalogue says each bank of a region should read as. */
const expectedBanks = (region: 'UAE' | 'KSA'): BankAnswer[] =>
  SANDBOX_BANKS.filter((bank) => bank.region === region).map((bank) => ({
    identifier: bank.identifier,
    name: bank.name,
    logo: bank.logo,
    mainColor: bank.main_color,
    backgroundColor: bank.background_color,
    region,
    accountTypes: [...bank.account_types],
    availability: { data: true, payments: bank.payments },
  }));

/** Calls to Lean's bank list (one per account type it is asked for). */
const bankListCalls = async (gateway: TestGateway): Promise<number> => withoutTokenCalls((await leanCalls(gateway)).calls)['GET /banks/v1'] ?? 0;

describe("the banks query: Lean's bank catalogue read through Postgres", () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('banks');
    gateway = await startTestGateway({ ...database.env, LEAN_MAX_RETRIES: '0' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('ten concurrent cold queries make one call per account type, shared by all', async () => {
    await resetLeanCalls(gateway);
    const answers = await Promise.all(Array.from({ length: 10 }, () => banksOf(gateway, 'UAE')));
    for (const answer of answers) expect(answer).toEqual(expectedBanks('UAE'));
    // PERSONAL and BUSINESS: Lean answers one account type per call.
    expect(await bankListCalls(gateway)).toBe(2);
    const stored = await gateway.database.db.selectFrom('bank_catalogue').select(['account_type', 'identifier', 'name']).orderBy('account_type').orderBy('position').execute();
    expect(stored.filter((row) => row.account_type === 'BUSINESS').map((row) => row.identifier)).toEqual(
      SANDBOX_BANKS.filter((bank) => bank.account_types.includes('BUSINESS')).map((bank) => bank.identifier),
    );
    expect(stored.filter((row) => row.account_type === 'PERSONAL')).toHaveLength(SANDBOX_BANKS.length);
  });

  it("answers the emulator's UAE and KSA banks with their fields, and within the window costs no Lean call", async () => {
    await resetLeanCalls(gateway);
    expect(await banksOf(gateway, 'KSA')).toEqual(expectedBanks('KSA'));
    expect(await banksOf(gateway, 'UAE')).toEqual(expectedBanks('UAE'));
    const all = await banksOf(gateway);
    expect(all.map((bank) => bank.identifier)).toEqual(SANDBOX_BANKS.map((bank) => bank.identifier));
    expect(await bankListCalls(gateway)).toBe(0);
  });
});

describe('the banks query when Lean fails', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('banks_stale');
    gateway = await startTestGateway({ ...database.env, LEAN_MAX_RETRIES: '0', CACHE_TTL_BANKS_SECONDS: '0' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('serves the stored list when the window has passed and Lean answers 503, and an error when nothing is stored', async () => {
    await sandboxControl(gateway, 'POST', '/sandbox/faults', { endpoint: 'GET /banks/v1', status: 503, count: 2 });
    const cold = await postGraphQL(gateway.url, BANKS, { variables: { region: 'KSA' } });
    expect(cold.body.errors?.length ?? 0).toBeGreaterThan(0);
    expect(JSON.stringify(cold.body.errors)).not.toContain('Injected by the sandbox');

    await sandboxControl(gateway, 'DELETE', '/sandbox/faults');
    expect(await banksOf(gateway, 'KSA')).toEqual(expectedBanks('KSA'));
    await resetLeanCalls(gateway);
    await sandboxControl(gateway, 'POST', '/sandbox/faults', { endpoint: 'GET /banks/v1', status: 503, count: 2 });
    expect(await banksOf(gateway, 'KSA')).toEqual(expectedBanks('KSA'));
    // The window is 0: Lean was asked (and failed) for both lists, and the stored copy answered.
    expect(await bankListCalls(gateway)).toBe(2);
  });
});
