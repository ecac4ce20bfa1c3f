import { z } from 'zod';
import type { Account } from '../../model/account.js';
import type { Balance } from '../../model/balance.js';
import type { Identity } from '../../model/identity.js';
import type { DataKind, DataOf } from '../../model/results.js';
import type { Transaction } from '../../model/transaction.js';
import * as wire from '../wire.js';

/**
 * Lean's v1 answers as the gateway's own model: each wire schema of `wire.ts` (parsed exactly as
 * strictly) followed by its mapping. Fields v1 does not carry are null.
 */





export function identityFromV1(identity: wire.LeanIdentity): Identity {
  return {
    fullName: identity.full_name ?? null,
    mobileNumber: identity.mobile_number ?? null,
    gender: identity.gender ?? null,
    nationalIdentityNumber: identity.national_identity_number ?? null,
    birthDate: identity.birth_date ?? null,
    emailAddress: identity.email_address ?? null,
    address: identity.address ?? null,
  };
}

export function accountFromV1(account: wire.LeanAccount): Account {
  return {
    id: account.account_id,
    name: account.name ?? null,
    type: account.type ?? null,
    currency: account.currency_code,
    iban: account.iban ?? null,
    holderName: null,
    subType: null,
    status: null,
    openingDate: null,
    nickname: null,
  };
}

export function balanceFromV1(balance: wire.LeanBalance): Balance {
  return { amount: balance.balance, currency: balance.currency_code, type: null, breakdown: [] };
}

export function transactionFromV1(transaction: wire.LeanTransaction): Transaction {
  const { insights } = transaction;
  return {
    id: transaction.id,
    timestamp: leanInstant(transaction.timestamp),
    description: transaction.description ?? null,
    amount: transaction.amount,
    currency: transaction.currency_code,
    pending: transaction.pending,
    insights:
      insights === null || insights === undefined
        ? null
        : {
            descriptionCleansed: insights.description_cleansed ?? null,
            category: insights.category,
            categoryConfidence: insights.category_confidence,
            type: insights.type,
            typeConfidence: insights.type_confidence,
          },
    details: null,
  };
}

/** Lean's transaction timestamps; one without a zone is read as UTC. */
function leanInstant(text: string): Date {
  return new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(text) ? text : `${text}Z`);
}



/** The payload of each data endpoint, so `/v1/results/{id}` can be read as the call that went pending. */
export const V1_DATA_PAYLOADS: { readonly [K in DataKind]: z.ZodType<DataOf<K>> } = {
  identity: wire.identity.transform(identityFromV1),
  accounts: wire.accountsPayload.transform((payload) => payload.accounts.map(accountFromV1)),
  balance: wire.balance.transform(balanceFromV1),
  transactions: wire.transactionsPayload.transform((payload) => payload.transactions.map(transactionFromV1)),
  // v1 has none of SAMA's per-account datasets, so no call of them goes pending: no payload is one of them.
  beneficiaries: z.never(),
  direct_debits: z.never(),
  scheduled_payments: z.never(),
  standing_orders: z.never(),
  identities: z.never(),
};
