import type { Beneficiary } from '../../model/beneficiary.js';
import type { BankAgent, CounterpartyAccount } from '../../model/counterparty-account.js';
import type { DirectDebit } from '../../model/direct-debit.js';
import type { Money } from '../../model/money.js';
import type { Party } from '../../model/party.js';
import type { ScheduledPayment } from '../../model/scheduled-payment.js';
import type { StandingOrder } from '../../model/standing-order.js';
import { addressLine, blankToNull, toCalendarDate, toDate } from './to-model.js';
import type * as wire from './wire.js';

/** SAMA's per-account datasets of Lean's v2 answers in the gateway's own model; enum-like values stay as sent. */

function agentOf(agent: wire.LeanV2BankAgent | null | undefined): BankAgent | null {
  return agent ? { schemeName: agent.scheme_name ?? null, identification: agent.identification ?? null, name: agent.name ?? null } : null;
}

function accountOf(account: wire.LeanV2CounterpartyAccount | null | undefined): CounterpartyAccount | null {
  return account ? { schemeName: account.scheme_name ?? null, identification: account.identification ?? null, name: account.name ?? null } : null;
}

function moneyOf(money: wire.LeanV2Money | null | undefined): Money | null {
  return money ? { amount: money.amount, currency: money.currency } : null;
}

export function toBeneficiary(item: wire.LeanV2Beneficiary): Beneficiary {
  return {
    id: item.beneficiary_id,
    type: item.beneficiary_type ?? null,
    reference: item.reference ?? null,
    holderName: item.account_holder_name ?? null,
    holderShortName: item.account_holder_short_name ?? null,
    account: accountOf(item.creditor_account),
    agent: agentOf(item.creditor_agent),
  };
}

export function toDirectDebit(item: wire.LeanV2DirectDebit): DirectDebit {
  return {
    id: item.direct_debit_id,
    status: item.status_code ?? null,
    frequency: item.frequency ?? null,
    mandateIdentification: item.mandate_identification ?? null,
    name: item.name ?? null,
    previousPaymentAt: toDate(item.previous_payment_date_time),
    previousPaymentAmount: moneyOf(item.previous_payment_amount),
  };
}

export function toScheduledPayment(item: wire.LeanV2ScheduledPayment): ScheduledPayment {
  return {
    id: item.scheduled_payment_id,
    type: item.scheduled_type ?? null,
    scheduledAt: toDate(item.scheduled_payment_date_time),
    debtorReference: item.debtor_reference ?? null,
    reference: item.reference ?? null,
    amount: moneyOf(item.instructed_amount),
    agent: agentOf(item.creditor_agent),
    account: accountOf(item.creditor_account),
  };
}

export function toStandingOrder(item: wire.LeanV2StandingOrder): StandingOrder {
  return {
    id: item.standing_order_id,
    status: item.standing_order_status_code ?? null,
    type: item.standing_order_type ?? null,
    frequency: item.frequency?.frequency_type ?? null,
    interval: item.frequency?.interval ?? null,
    numberOfPayments: item.number_of_payments ?? null,
    reference: item.reference ?? null,
    purpose: item.purpose ?? null,
    firstPaymentAt: toDate(item.first_payment_date_time),
    lastPaymentAt: toDate(item.last_payment_date_time),
    nextPaymentAt: toDate(item.next_payment_date_time),
    finalPaymentAt: toDate(item.final_payment_date_time),
    firstPaymentAmount: moneyOf(item.first_payment_amount),
    lastPaymentAmount: moneyOf(item.last_payment_amount),
    nextPaymentAmount: moneyOf(item.next_payment_amount),
    finalPaymentAmount: moneyOf(item.final_payment_amount),
    agent: agentOf(item.creditor_agent),
    account: accountOf(item.creditor_account),
  };
}

export function toParty(item: wire.LeanV2Party): Party {
  return {
    partyId: item.party_id ?? null,
    partyNumber: item.party_number ?? null,
    partyType: item.party_type ?? null,
    accountRole: blankToNull(item.account_role),
    fullLegalName: item.full_legal_name ?? null,
    name: item.name ?? null,
    emailAddress: item.email_address ?? null,
    phone: item.phone ?? null,
    mobileNumber: item.mobile_number ?? null,
    nationalId: item.national_id ?? null,
    birthDate: toCalendarDate(item.birth_date),
    gender: blankToNull(item.gender),
    address: addressLine(item.address),
  };
}
