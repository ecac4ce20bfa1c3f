import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  createSandboxData,
  isValidIban,
  TRANSACTION_CATEGORIES,
  TRANSACTION_TYPES,
  type SandboxAccount,
  type SandboxBank,
  type SandboxTransaction,
} from '../src/sandbox/data.js';

const UAE_BANK: SandboxBank = { identifier: 'LEANMB1', region: 'UAE', shortName: 'Mockbank1' };
const KSA_BANK: SandboxBank = { identifier: 'LEA1_SAMAOB_SAU', region: 'KSA', shortName: 'Mockbank3' };
const TODAY = '2025-06-15';
const THREE_YEARS = { startDate: '2000-01-01', endDate: '2099-12-31', today: TODAY };
const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const data = createSandboxData('test-seed');

function accountOfKind(kind: SandboxAccount['type'], bank: SandboxBank): SandboxAccount {
  for (let i = 0; i < 100; i++) {
    const found = data.accounts(`entity-${kind}-${i}`, bank).find((account) => account.type === kind);
    if (found) return found;
  }
  throw new Error(`no ${kind} account among 100 entities`);
}

function checkings(bank: SandboxBank, entityId = 'entity-1'): SandboxAccount {
  const account = data.accounts(entityId, bank)[0];
  if (!account) throw new Error('no account');
  return account;
}

function dateOf(transaction: SandboxTransaction): string {
  return transaction.timestamp.slice(0, 10);
}

function everything(seed: string): string {
  const generator = createSandboxData(seed);
  const accounts = [...generator.accounts('entity-1', UAE_BANK), ...generator.accounts('entity-1', KSA_BANK)];
  return JSON.stringify({
    identities: [generator.identity('entity-1', 'UAE'), generator.identity('entity-1', 'KSA')],
    accounts,
    balances: accounts.map((account) => generator.balance(account)),
    transactions: accounts.map((account) => generator.transactions(account, THREE_YEARS)),
  });
}

describe('sandbox data: determinism', () => {
  it('gives identical identity, accounts, balances and three years of transactions for the same seed', () => {
    expect(everything('same-seed')).toBe(everything('same-seed'));
  });

  it('gives the same data in another process, byte for byte', () => {
    const script = `
      import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
      import { createSandboxData } from './src/sandbox/data.ts';
      const d = createSandboxData('cross-process');
      const account = d.accounts('entity-1', ${JSON.stringify(UAE_BANK)})[0];
      const json = JSON.stringify([d.identity('entity-1', 'UAE'), account, d.balance(account), d.transactions(account, ${JSON.stringify(THREE_YEARS)})]);
      process.stdout.write(createHash('sha256').update(json).digest('hex'));`;
    const childDigest = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8' });
    const local = createSandboxData('cross-process');
    const account = local.accounts('entity-1', UAE_BANK)[0];
    if (!account) throw new Error('no account');
    const json = JSON.stringify([local.identity('entity-1', 'UAE'), account, local.balance(account), local.transactions(account, THREE_YEARS)]);
    expect(childDigest).toBe(createHash('sha256').update(json).digest('hex'));
  });

  it('gives the same data as when this test was written, so a sandbox customer keeps their history', () => {
    // A change here means every existing sandbox user sees new accounts or transactions: update only on purpose.
    const pinned = createSandboxData('pinned');
    const account = pinned.accounts('entity-1', UAE_BANK)[0];
    expect(account?.account_id).toBe('70855410-1499-4f49-b4bd-ca6bbe781402');
    expect(account?.iban).toBe('AE230327396390140156357');
    const history = account ? pinned.transactions(account, THREE_YEARS) : [];
    expect(createHash('sha256').update(JSON.stringify(history)).digest('hex')).toBe('e9dd2a33b599e6d8bc16df2c307b21205a91317adcf477d501a496159bb0ccc9');
  });

  it('gives different data for a different seed', () => {
    const other = createSandboxData('other-seed');
    expect(JSON.stringify(other.identity('entity-1', 'UAE'))).not.toBe(JSON.stringify(data.identity('entity-1', 'UAE')));
    const mine = checkings(UAE_BANK);
    const theirs = other.accounts('entity-1', UAE_BANK)[0];
    if (!theirs) throw new Error('no account');
    expect(theirs.account_id).not.toBe(mine.account_id);
    expect(theirs.iban).not.toBe(mine.iban);
    expect(other.balance(mine)).not.toBe(data.balance(mine));
    expect(JSON.stringify(other.transactions(mine, THREE_YEARS))).not.toBe(JSON.stringify(data.transactions(mine, THREE_YEARS)));
    expect(everything('seed-a')).not.toBe(everything('seed-b'));
  });

  it('derives uuids only from the seed and the parts, UUID v4-shaped, without confusing part boundaries', () => {
    expect(data.uuid('a', 'b')).toMatch(UUID);
    expect(data.uuid('a', 'b')).toBe(createSandboxData('test-seed').uuid('a', 'b'));
    expect(data.uuid('ab', 'c')).not.toBe(data.uuid('a', 'bc'));
    expect(data.uuid('a')).not.toBe(createSandboxData('test-seed-2').uuid('a'));
  });
});

describe('sandbox data: transaction windows', () => {
  const account = checkings(UAE_BANK);
  const history = data.transactions(account, THREE_YEARS);

  it('gives a day the same transactions whichever range it is asked in', () => {
    const january = data.transactions(account, { startDate: '2024-01-01', endDate: '2024-01-31', today: TODAY });
    const fewDays = data.transactions(account, { startDate: '2024-01-10', endDate: '2024-01-12', today: TODAY });
    const inWindow = (t: SandboxTransaction): boolean => dateOf(t) >= '2024-01-10' && dateOf(t) <= '2024-01-12';
    expect(fewDays.length).toBeGreaterThan(0);
    expect(january.filter(inWindow)).toEqual(fewDays);
    expect(history.filter(inWindow)).toEqual(fewDays);
    // Another `today` that still covers those days changes nothing about them.
    expect(data.transactions(account, { startDate: '2024-01-10', endDate: '2024-01-12', today: '2024-06-01' })).toEqual(fewDays);
  });

  it('keeps to [today - 3 years, today] and fills it to both ends', () => {
    const dates = history.map(dateOf);
    expect(dates.every((date) => date >= '2022-06-15' && date <= TODAY)).toBe(true);
    expect(dates[0]! >= '2025-06-12').toBe(true);
    expect(dates[dates.length - 1]! <= '2022-06-18').toBe(true);
    const clipped = data.transactions(account, { startDate: '2022-01-01', endDate: '2022-06-20', today: TODAY });
    expect(clipped.length).toBeGreaterThan(0);
    expect(clipped.every((t) => dateOf(t) >= '2022-06-15' && dateOf(t) <= '2022-06-20')).toBe(true);
  });

  it('answers an empty list for a range outside the window or an inverted range', () => {
    expect(data.transactions(account, { startDate: '2019-01-01', endDate: '2022-06-14', today: TODAY })).toEqual([]);
    expect(data.transactions(account, { startDate: '2025-06-16', endDate: '2026-01-01', today: TODAY })).toEqual([]);
    expect(data.transactions(account, { startDate: '2024-02-10', endDate: '2024-02-01', today: TODAY })).toEqual([]);
  });

  it('refuses dates that are not YYYY-MM-DD calendar days', () => {
    expect(() => data.transactions(account, { startDate: '2024-02-30', endDate: '2024-03-01', today: TODAY })).toThrow(RangeError);
    expect(() => data.transactions(account, { startDate: '2024-01-01', endDate: '2024-03-01', today: '15/06/2025' })).toThrow(RangeError);
  });
});

describe('sandbox data: accounts and IBANs', () => {
  it('accepts known valid IBANs and refuses altered ones', () => {
    for (const iban of ['AE070331234567890123456', 'SA0380000000608010167519', 'GB82WEST12345698765432', 'SA03 8000 0000 6080 1016 7519']) expect(isValidIban(iban), iban).toBe(true);
    for (const iban of ['AE070331234567890123457', 'SA0380000000608010167591', 'AE07033123456789012345', 'ae070331234567890123456', '']) expect(isValidIban(iban), iban).toBe(false);
  });

  it('gives one to three accounts per entity, Checkings first, with all kinds and counts across 50 entities', () => {
    const counts = new Set<number>();
    const kinds = new Set<string>();
    const order = ['Checkings', 'Savings', 'CreditCard'];
    for (let i = 0; i < 50; i++) {
      const accounts = data.accounts(`entity-${i}`, UAE_BANK);
      counts.add(accounts.length);
      expect(accounts[0]?.type).toBe('Checkings');
      const positions = accounts.map((account) => order.indexOf(account.type));
      expect(positions).toEqual([...new Set(positions)].sort());
      for (const account of accounts) kinds.add(account.type);
    }
    expect([...counts].sort()).toEqual([1, 2, 3]);
    expect([...kinds].sort()).toEqual(['Checkings', 'CreditCard', 'Savings']);
  });

  it('names accounts after the bank, in the currency of its region, with valid IBANs of its country', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) {
      for (const account of data.accounts(`entity-${i}`, UAE_BANK)) {
        expect(account.iban).toMatch(/^AE\d{21}$/);
        expect(isValidIban(account.iban)).toBe(true);
        expect(account.currency_code).toBe('AED');
        expect(account.name).toBe(`Mockbank1 ${account.type} Account`);
        expect(account.bank_identifier).toBe('LEANMB1');
        expect(account.account_id).toMatch(UUID);
        ids.add(account.account_id);
      }
      for (const account of data.accounts(`entity-${i}`, KSA_BANK)) {
        expect(account.iban).toMatch(/^SA\d{22}$/);
        expect(isValidIban(account.iban)).toBe(true);
        expect(account.currency_code).toBe('SAR');
        expect(account.name).toBe(`Mockbank3 ${account.type} Account`);
        ids.add(account.account_id);
      }
    }
    const total = Array.from({ length: 30 }, (_, i) => data.accounts(`entity-${i}`, UAE_BANK).length + data.accounts(`entity-${i}`, KSA_BANK).length).reduce((a, b) => a + b, 0);
    expect(ids.size).toBe(total);
  });

  it('gives balances of sensible size for the kind of account, with two decimals', () => {
    for (let i = 0; i < 40; i++) {
      for (const account of data.accounts(`entity-${i}`, i % 2 === 0 ? UAE_BANK : KSA_BANK)) {
        const balance = data.balance(account);
        expect(Math.round(balance * 100) / 100).toBe(balance);
        const [min, max] = ({ Checkings: [1_000, 60_000], Savings: [5_000, 200_000], CreditCard: [-15_000, 0] } as const)[account.type];
        expect(balance, `${account.type} ${balance}`).toBeGreaterThanOrEqual(min);
        expect(balance).toBeLessThanOrEqual(max);
      }
    }
  });
});

describe('sandbox data: a checkings history', () => {
  for (const bank of [UAE_BANK, KSA_BANK]) {
    describe(bank.region, () => {
      const account = checkings(bank);
      const history = data.transactions(account, THREE_YEARS);
      const suffix = bank.region === 'UAE' ? ' AE' : ' SA';

      it('holds every one of the 16 categories, only known types, and about 1–6 transactions a day', () => {
        expect(TRANSACTION_CATEGORIES).toHaveLength(16);
        expect(new Set(history.map((t) => t.insights.category))).toEqual(new Set(TRANSACTION_CATEGORIES));
        expect(history.every((t) => TRANSACTION_TYPES.includes(t.insights.type))).toBe(true);
        const days = new Set(history.map(dateOf)).size;
        expect(days).toBeGreaterThan(1000);
        expect(history.length / days).toBeGreaterThanOrEqual(1);
        expect(history.length / days).toBeLessThanOrEqual(6);
      });

      it('uses two-decimal amounts and confidences, the currency of the region, and statement-style descriptions', () => {
        for (const t of history) {
          expect(Math.round(t.amount * 100) / 100).toBe(t.amount);
          expect(t.amount).not.toBe(0);
          expect(t.currency_code).toBe(bank.region === 'UAE' ? 'AED' : 'SAR');
          for (const confidence of [t.insights.category_confidence, t.insights.type_confidence]) {
            expect(Math.round(confidence * 100) / 100).toBe(confidence);
            expect(confidence).toBeGreaterThanOrEqual(0.5);
            expect(confidence).toBeLessThanOrEqual(1);
          }
          expect(t.description).toBe(t.description.toUpperCase());
          expect(t.insights.description_cleansed.length).toBeGreaterThan(0);
        }
        const purchases = history.filter((t) => t.insights.type === 'PURCHASE');
        expect(purchases.filter((t) => t.description.endsWith(suffix)).length / purchases.length).toBeGreaterThan(0.9);
        expect(history.some((t) => t.insights.description_cleansed === 'Carrefour' && /^CARREFOUR .+ (AE|SA)$/.test(t.description))).toBe(true);
      });

      it('pays a positive salary once a month on a fixed day and books debits as negative amounts', () => {
        const salaries = history.filter((t) => t.insights.category === 'SALARY_AND_REVENUE');
        expect(salaries.length).toBeGreaterThanOrEqual(35);
        expect(salaries.length).toBeLessThanOrEqual(37);
        expect(new Set(salaries.map((t) => t.timestamp.slice(8, 10))).size).toBe(1);
        expect(salaries.every((t) => t.amount > 0 && t.description.startsWith('SALARY TRANSFER '))).toBe(true);
        for (const category of ['GROCERIES', 'RESTAURANTS_DINING', 'BANK_FEES_AND_CHARGES', 'RENT_AND_SERVICES', 'EDUCATION', 'CHARITY', 'GOVERNMENT']) {
          expect(history.filter((t) => t.insights.category === category).every((t) => t.amount < 0), category).toBe(true);
        }
      });

      it('is sorted newest first with unique ids and timestamps inside their day', () => {
        for (let i = 1; i < history.length; i++) expect(history[i - 1]!.timestamp >= history[i]!.timestamp).toBe(true);
        expect(new Set(history.map((t) => t.id)).size).toBe(history.length);
        for (const t of history) {
          expect(t.id).toMatch(UUID);
          expect(t.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
          expect(new Date(t.timestamp).toISOString().slice(0, 10)).toBe(dateOf(t));
        }
      });

      it('marks some, not all, of the last three days pending and nothing older', () => {
        const recent = history.filter((t) => dateOf(t) >= '2025-06-13');
        expect(history.filter((t) => t.pending).every((t) => dateOf(t) >= '2025-06-13')).toBe(true);
        expect(recent.some((t) => t.pending)).toBe(true);
        expect(recent.some((t) => !t.pending)).toBe(true);
      });
    });
  }
});

describe('sandbox data: savings and credit cards', () => {
  it('gives a savings account a monthly transfer in and a quarterly profit, and few other movements', () => {
    const history = data.transactions(accountOfKind('Savings', KSA_BANK), THREE_YEARS);
    const transfersIn = history.filter((t) => t.insights.category === 'TRANSFER' && t.amount > 0);
    const profits = history.filter((t) => t.insights.type === 'PROFIT');
    expect(transfersIn.length).toBeGreaterThanOrEqual(35);
    expect(profits.length).toBeGreaterThanOrEqual(11);
    expect(profits.length).toBeLessThanOrEqual(13);
    expect(profits.every((t) => t.amount > 0)).toBe(true);
    expect(history.length).toBeLessThan(120);
    expect(history.every((t) => t.currency_code === 'SAR')).toBe(true);
  });

  it('gives a credit card purchases as debits and a monthly repayment as a credit', () => {
    const history = data.transactions(accountOfKind('CreditCard', UAE_BANK), THREE_YEARS);
    const purchases = history.filter((t) => t.insights.type === 'PURCHASE');
    const repayments = history.filter((t) => t.description === 'PAYMENT RECEIVED - THANK YOU');
    expect(purchases.length).toBeGreaterThan(500);
    expect(purchases.every((t) => t.amount < 0)).toBe(true);
    expect(repayments.length).toBeGreaterThanOrEqual(35);
    expect(repayments.every((t) => t.amount > 0)).toBe(true);
    expect(new Set(repayments.map((t) => t.timestamp.slice(8, 10))).size).toBe(1);
  });
});

describe('sandbox data: identities', () => {
  it('gives a UAE identity with a UAE mobile, an Emirates ID matching the birth year, and a UAE address', () => {
    for (let i = 0; i < 20; i++) {
      const person = data.identity(`entity-${i}`, 'UAE');
      expect(person.mobile_number).toMatch(/^\+9715\d{8}$/);
      expect(person.national_identity_number).toMatch(new RegExp(`^784-${person.birth_date.slice(0, 4)}-\\d{7}-\\d$`));
      expect(person.address).toMatch(/(Dubai|Abu Dhabi|Sharjah|Al Ain|Ajman|Ras Al Khaimah), United Arab Emirates$/);
      expect(person.full_name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ Al [A-Z][a-z]+$/);
    }
  });

  it('gives a KSA identity with a Saudi mobile, a 10-digit national id starting with 1, and a Saudi address', () => {
    for (let i = 0; i < 20; i++) {
      const person = data.identity(`entity-${i}`, 'KSA');
      expect(person.mobile_number).toMatch(/^\+9665\d{8}$/);
      expect(person.national_identity_number).toMatch(/^1\d{9}$/);
      expect(person.address).toMatch(/(Riyadh|Jeddah|Dammam|Khobar|Makkah|Madinah) \d{5}, Saudi Arabia$/);
    }
  });

  it('gives birth dates from 1960 to 2004, both genders, and an email made from the name', () => {
    const genders = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const person = data.identity(`entity-${i}`, i % 2 === 0 ? 'UAE' : 'KSA');
      genders.add(person.gender);
      expect(person.birth_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(person.birth_date >= '1960-01-01' && person.birth_date <= '2004-12-31').toBe(true);
      const [first] = person.full_name.split(' ');
      const family = person.full_name.split(' ').slice(2).join('');
      expect(person.email_address).toMatch(new RegExp(`^${first!.toLowerCase()}\\.${family.toLowerCase()}\\d{1,2}@[a-z]+\\.[a-z]+$`));
    }
    expect([...genders].sort()).toEqual(['female', 'male']);
  });
});
