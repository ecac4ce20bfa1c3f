// SAMA's extra datasets (KSA only), from the commitments the account's history already shows.
import type { SandboxBankProfile } from './banks.js';
import type { SandboxAccount, SandboxData } from './data.js';
import { money } from './money.js';
import type { Person } from './people.js';
import { personName } from './places.js';
import { letters } from './random.js';
import type { EntityRecord } from './records.js';
import { accountProfile } from './transactions.js';
import { v2Identity } from './v2-items.js';
import { beneficiaryAgent, counterpartyOf } from './v2-parties.js';

/** The last and next time a monthly payment on `dayOfMonth` falls, around `now`. */
function monthly(dayOfMonth: number, now: number): { previous: string; next: string } {
  const date = new Date(now);
  const at = (year: number, month: number) => new Date(Date.UTC(year, month, dayOfMonth)).toISOString().replace('.000Z', 'Z');
  const thisMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), dayOfMonth);
  return thisMonth <= now
    ? { previous: at(date.getUTCFullYear(), date.getUTCMonth()), next: at(date.getUTCFullYear(), date.getUTCMonth() + 1) }
    : { previous: at(date.getUTCFullYear(), date.getUTCMonth() - 1), next: at(date.getUTCFullYear(), date.getUTCMonth()) };
}

/** People and companies the holder pays, with the bank that holds their account. */
export function v2Beneficiaries(data: SandboxData, bank: SandboxBankProfile, account: SandboxAccount): Record<string, unknown>[] {
  if (account.type !== 'Checkings') return [];
  const random = data.seeded.stream('v2-beneficiaries', account.account_id);
  const count = random.int(1, 4);
  return Array.from({ length: count }, () => {
    const name = personName(random, bank.region);
    const { account: their, bank: theirBank } = counterpartyOf(data.seeded, bank.region, account.account_id, name);
    const activated = random.chance(0.8);
    return {
      account_id: account.account_id,
      account_holder_name: name,
      account_holder_short_name: name.split(' ')[0] ?? name,
      beneficiary_id: String(random.int(100_000, 999_999)),
      beneficiary_type: 'OTHER',
      creditor_agent: beneficiaryAgent(bank.region, theirBank),
      creditor_account: { scheme_name: 'IBAN', identification: their.identification, name: name.split(' ')[0] ?? name },
      reference: activated ? 'KSA_OB_ACTIVATED' : 'KSA_OB_NOT_ACTIVATED',
      supplementary_data: null,
      regional_data: null,
    };
  });
}

/** The account's holders: the entity's person (the emulator's accounts are held alone). */
export function v2AccountIdentities(data: SandboxData, entity: EntityRecord, bank: SandboxBankProfile, person: Person): Record<string, unknown>[] {
  return [v2Identity(data, entity, bank, person)];
}

/** The personal loan instalment the current account's history debits each month. */
export function v2DirectDebits(data: SandboxData, account: SandboxAccount, now: number): Record<string, unknown>[] {
  if (account.type !== 'Checkings') return [];
  const profile = accountProfile(data.seeded, account);
  const random = data.seeded.stream('v2-direct-debits', account.account_id);
  return [
    {
      account_id: account.account_id,
      direct_debit_id: data.seeded.uuid('direct-debit', account.account_id, 'loan'),
      status_code: 'ACTIVE',
      frequency: 'MONTHLY',
      mandate_identification: letters(random, 11),
      name: `Personal loan ${profile.loanReference}`,
      previous_payment_date_time: monthly(profile.loanDay, now).previous,
      previous_payment_amount: money(profile.loanMinor, account.currency_code),
      regional_data: null,
    },
  ];
}

/** The next rent payment (Ejar) the current account's history shows every quarter. */
export function v2ScheduledPayments(data: SandboxData, bank: SandboxBankProfile, account: SandboxAccount, now: number): Record<string, unknown>[] {
  if (account.type !== 'Checkings') return [];
  const profile = accountProfile(data.seeded, account);
  const random = data.seeded.stream('v2-scheduled-payments', account.account_id);
  const date = new Date(now);
  // Rent falls in the months with (month - rentPhase) % 3 === 0, on rentDay.
  let month = date.getUTCMonth();
  for (let i = 0; i < 4 && ((month + 1 - profile.rentPhase + 12) % 3 !== 0 || Date.UTC(date.getUTCFullYear(), month, profile.rentDay) <= now); i++) month += 1;
  const landlord = counterpartyOf(data.seeded, bank.region, account.account_id, 'Ejar');
  return [
    {
      account_id: account.account_id,
      scheduled_payment_id: data.seeded.uuid('scheduled-payment', account.account_id, String(month)),
      scheduled_type: 'EXECUTION',
      scheduled_payment_date_time: new Date(Date.UTC(date.getUTCFullYear(), month, profile.rentDay)).toISOString().replace('.000Z', 'Z'),
      debtor_reference: letters(random, 11),
      reference: null,
      instructed_amount: money(profile.rentMinor, account.currency_code, 'decimal'),
      creditor_agent: { scheme_name: 'BICFI', identification: `KSAOB.${landlord.bank.code}` },
      creditor_account: { scheme_name: 'IBAN', identification: landlord.account.identification, name: null },
      regional_data: null,
    },
  ];
}

/** The monthly transfer into the entity's savings account, which the savings account's history credits. */
export function v2StandingOrders(data: SandboxData, bank: SandboxBankProfile, account: SandboxAccount, savings: SandboxAccount | undefined, now: number): Record<string, unknown>[] {
  if (account.type !== 'Checkings' || savings === undefined) return [];
  const profile = accountProfile(data.seeded, savings);
  const random = data.seeded.stream('v2-standing-orders', account.account_id);
  const { previous, next } = monthly(profile.savingsDay, now);
  const first = new Date(Date.UTC(2021, random.int(0, 11), profile.savingsDay)).toISOString().replace('.000Z', 'Z');
  const final = new Date(Date.UTC(2031, new Date(first).getUTCMonth(), profile.savingsDay)).toISOString().replace('.000Z', 'Z');
  const amount = money(profile.savingsMinor, account.currency_code, 'decimal');
  return [
    {
      account_id: account.account_id,
      standing_order_id: data.seeded.uuid('standing-order', account.account_id, savings.account_id),
      standing_order_status_code: 'ACTIVE',
      first_payment_date_time: first,
      last_payment_date_time: previous,
      next_payment_date_time: next,
      final_payment_date_time: final,
      frequency: { frequency_type: 'MONTHLY', interval: `IntervalMonthDay:01:${String(profile.savingsDay).padStart(2, '0')}` },
      number_of_payments: 120,
      reference: null,
      standing_order_type: 'SAME_BANK_TRANSFER',
      purpose: letters(random, 11),
      first_payment_amount: amount,
      last_payment_amount: amount,
      next_payment_amount: amount,
      final_payment_amount: amount,
      creditor_agent: { scheme_name: 'BICFI', identification: `KSAOB.${bank.swift_code ?? bank.identifier}` },
      creditor_account: null,
      regional_data: null,
    },
  ];
}
