// v2's accounts, identity and balances, drawn from the same data as v1's (same holder, IBANs and balance).
import type { SandboxBankProfile } from './banks.js';
import { isoDay, parseDay } from './calendar.js';
import type { SandboxAccount, SandboxData } from './data.js';
import { money, signed, type WholeStyle } from './money.js';
import type { Person } from './people.js';
import { letters } from './random.js';
import type { EntityRecord } from './records.js';
import type { GeneratedTransaction } from './transactions.js';

const SUB_TYPE = { Checkings: 'CURRENT', Savings: 'SAVINGS', CreditCard: 'CREDIT' } as const;
const LABEL = { Checkings: 'Current Account', Savings: 'Savings Account', CreditCard: 'Credit Card' } as const;

/** The regions of Saudi cities, as an address's `region`. */
const KSA_REGIONS: Readonly<Record<string, string>> = {
  Riyadh: 'Riyadh Region',
  Jeddah: 'Makkah Region',
  Makkah: 'Makkah Region',
  Madinah: 'Madinah Region',
  Dammam: 'Eastern Province',
  Khobar: 'Eastern Province',
};

export function holderNames(person: Person): { full: string; short: string } {
  const { first, family } = person.details;
  return { full: person.identity.full_name, short: `${first} ${family}` };
}

/** The bank's identifier in v2's `servicer` and agents: SAMA's `KSAOB.<code>` in KSA, the bank's name in the UAE. */
export function servicerOf(bank: SandboxBankProfile): { scheme_name: string; identification: string } {
  return bank.region === 'KSA' ? { scheme_name: 'BICFI', identification: `KSAOB.${bank.swift_code ?? bank.identifier}` } : { scheme_name: 'BICFI', identification: bank.name };
}

/** The card number behind an account, masked as banks print it. */
export function maskedPan(data: SandboxData, account: SandboxAccount): string {
  return `************${data.seeded.stream('v2-card', account.account_id).digits(4)}`;
}

export function v2Account(data: SandboxData, entity: EntityRecord, bank: SandboxBankProfile, account: SandboxAccount, person: Person): Record<string, unknown> {
  const random = data.seeded.stream('v2-account', account.account_id);
  // Opened before the three years of history the emulator shows.
  const openedDay = random.int(parseDay('2008-01-01', 'opened'), parseDay('2021-12-31', 'opened'));
  const openedAt = `${isoDay(openedDay)}T${String(random.int(8, 16)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')}.${String(random.int(0, 999)).padStart(3, '0')}Z`;
  const names = holderNames(person);
  const description = `${names.short} ${LABEL[account.type]}`;
  const identifiers =
    account.type === 'CreditCard'
      ? [
          { scheme_name: 'IBAN', identification: account.iban, name: description },
          { scheme_name: 'PAN', identification: maskedPan(data, account), name: null },
        ]
      : [
          { scheme_name: 'IBAN', identification: account.iban, name: description },
          { scheme_name: 'BBAN', identification: account.iban.slice(4), name: description },
        ];
  return {
    entity_id: entity.id,
    account_id: account.account_id,
    account_holder_name: names.full,
    account_holder_short_name: names.short,
    status: 'ENABLED',
    status_update_date_time: openedAt,
    currency: account.currency_code,
    account_type: entity.account_type,
    account_sub_type: SUB_TYPE[account.type],
    nickname: account.name,
    description,
    opening_date: isoDay(openedDay),
    maturity_date: null,
    account: identifiers,
    servicer: servicerOf(bank),
    regional_data: null,
  };
}

export function v2Identity(data: SandboxData, entity: EntityRecord, bank: SandboxBankProfile, person: Person): Record<string, unknown> {
  const random = data.seeded.stream('v2-identity', entity.id, bank.region);
  const { identity } = person;
  const names = holderNames(person);
  return {
    entity_id: entity.id,
    full_legal_name: names.full,
    name: names.short,
    national_id: identity.national_identity_number,
    birth_date: identity.birth_date,
    gender: identity.gender === 'male' ? 'M' : 'F',
    email_address: identity.email_address,
    legal_structure: null,
    phone: identity.mobile_number,
    mobile_number: identity.mobile_number,
    address: v2Address(person, random.digits(4)),
    account_role: null,
    party_type: bank.region === 'KSA' ? 'SOLE' : 'UNSUPPORTED',
    party_id: String(random.int(100_000, 999_999)),
    party_number: letters(random, 11),
    regional_data: null,
  };
}

function v2Address(person: Person, poBox: string): Record<string, string | null> {
  const { identity, details } = person;
  const { home, city, area } = details;
  if (home.kind === 'building') {
    return {
      address_line: identity.address,
      address_type: 'Residential',
      building_type: null,
      apartment_or_villa_number: null,
      building_name: null,
      street: home.street,
      area: `${area} District`,
      street_address: `Building ${home.building}, ${home.street}`,
      post_code: home.postCode,
      town_name: city.name,
      region: KSA_REGIONS[city.name] ?? null,
      po_box: null,
      country: 'SA',
    };
  }
  return {
    address_line: identity.address,
    address_type: 'Residential',
    building_type: home.kind === 'apartment' ? 'Apartment' : 'Villa',
    apartment_or_villa_number: home.kind === 'apartment' ? home.apartment : home.villa,
    building_name: home.kind === 'apartment' ? home.tower : null,
    street: home.kind === 'villa' ? home.street : null,
    area,
    street_address: null,
    post_code: null,
    town_name: city.name,
    // Al Ain is a city of the emirate of Abu Dhabi; the others give their emirate its name.
    region: city.name === 'Al Ain' ? 'Abu Dhabi' : city.name,
    po_box: poBox,
    country: 'AE',
  };
}

/** The account's credit lines: an overdraft on a current account, the limit and what is left of it on a card. */
function creditLines(data: SandboxData, account: SandboxAccount, availableMinor: number): { included: boolean; amount: unknown; type: string }[] {
  const random = data.seeded.stream('v2-credit-lines', account.account_id);
  const line = (included: boolean, minor: number, type: string, style: WholeStyle = 'decimal') => ({ included, amount: money(minor, account.currency_code, style), type });
  if (account.type === 'Savings') return [];
  if (account.type === 'Checkings') {
    const lines = [line(false, random.pick([200_000, 500_000, 1_000_000]), 'PRE_AGREED')];
    if (random.chance(0.3)) lines.push(line(false, random.pick([50_000, 100_000]), 'EMERGENCY'));
    return lines;
  }
  const limit = random.pick([2_000_000, 2_500_000, 3_000_000, 4_000_000, 5_000_000]);
  return [line(true, limit, 'CREDIT'), line(false, Math.max(0, limit + availableMinor), 'AVAILABLE', 'integer')];
}

/**
 * The 13 balance types of one account, all anchored on v1's balance: INTERIM_AVAILABLE is v1's
 * balance (the gateway's headline); booked adds back today's card holds; opening and closing
 * take away what was booked today, PREVIOUSLY_CLOSED_BOOKED what was booked this month.
 */
export function v2Balances(
  data: SandboxData,
  entity: EntityRecord,
  account: SandboxAccount,
  monthToDate: readonly GeneratedTransaction[],
  now: number,
): Record<string, unknown>[] {
  const available = Math.round(data.balance(account) * 100);
  const today = new Date(now).toISOString().slice(0, 10);
  const minor = (t: GeneratedTransaction) => Math.round(t.transaction.amount * 100);
  const holds = monthToDate.filter((t) => t.transaction.pending).reduce((sum, t) => sum + minor(t), 0);
  const booked = available - holds;
  const bookedToday = monthToDate.filter((t) => !t.transaction.pending && t.transaction.timestamp.startsWith(today)).reduce((sum, t) => sum + minor(t), 0);
  const bookedThisMonth = monthToDate.filter((t) => !t.transaction.pending).reduce((sum, t) => sum + minor(t), 0);
  const opening = booked - bookedToday;
  const nowIso = new Date(now).toISOString();
  const startOfToday = `${today}T00:00:00.000Z`;
  const startOfMonth = `${today.slice(0, 8)}01T00:00:00.000Z`;
  const lines = creditLines(data, account, available);
  const entries: [string, number, string][] = [
    ['CLOSING_AVAILABLE', opening, startOfToday],
    ['CLOSING_BOOKED', opening, startOfToday],
    ['CLOSING_CLEARED', opening, startOfToday],
    ['EXPECTED', booked, nowIso],
    ['FORWARD_AVAILABLE', available, nowIso],
    ['INFORMATION', booked, nowIso],
    ['INTERIM_AVAILABLE', available, nowIso],
    ['INTERIM_BOOKED', booked, nowIso],
    ['INTERIM_CLEARED', booked, nowIso],
    ['OPENING_AVAILABLE', opening, startOfToday],
    ['OPENING_BOOKED', opening, startOfToday],
    ['OPENING_CLEARED', opening, startOfToday],
    ['PREVIOUSLY_CLOSED_BOOKED', booked - bookedThisMonth, startOfMonth],
  ];
  return entries.map(([type, amount, at]) => {
    const { indicator, minor: magnitude } = signed(amount);
    return {
      entity_id: entity.id,
      account_id: account.account_id,
      credit_debit_indicator: indicator,
      type,
      amount: money(magnitude, account.currency_code),
      date_time: at,
      credit_line: lines,
      regional_data: null,
    };
  });
}
