import type { z } from 'zod';
import type { Account } from '../../model/account.js';
import type { Balance } from '../../model/balance.js';
import type { Customer } from '../../model/customer.js';
import type { Consent, Entity } from '../../model/entity.js';
import type { Identity } from '../../model/identity.js';
import { PERMISSION_NAMES, type Permissions } from '../../model/permissions.js';
import type { DataKind, DataOf } from '../../model/results.js';
import type { Transaction } from '../../model/transaction.js';
import * as wire from '../wire.js';

/**
 * Lean's v1 answers as the gateway's own model: each wire schema of `wire.ts` (parsed exactly as
 * strictly) followed by its mapping. Fields v1 does not carry are null.
 */

export function customerFromV1(customer: wire.LeanCustomer): Customer {
  return { id: customer.customer_id, appUserId: customer.app_user_id };
}

export function permissionsFromV1(permissions: wire.LeanPermissions): Permissions {
  const granted: Permissions = {};
  for (const name of PERMISSION_NAMES) {
    const value = permissions[name];
    if (typeof value === 'boolean') granted[name] = value;
  }
  return granted;
}

export function entityFromV1(entity: wire.LeanEntity): Entity {
  return {
    id: entity.id,
    customerId: entity.customer_id,
    bankIdentifier: entity.bank_identifier,
    accountType: entity.account_type ?? null,
    bankType: null,
    permissions: permissionsFromV1(entity.permissions),
    createdAt: null,
    consents: entity.consents?.map(consentFromV1),
  };
}

function consentFromV1(consent: wire.LeanConsent): Consent {
  return {
    id: consent.id,
    bankConsentId: consent.bank_consent_id ?? null,
    status: consent.consent_status,
    permissions: permissionsFromV1(consent.permissions),
    createdAt: instantOrNull(consent.creation_date_time),
    statusUpdatedAt: instantOrNull(consent.status_update_date_time),
    expiresAt: instantOrNull(consent.expiration_date_time),
    transactionsFrom: instantOrNull(consent.transaction_from_date_time),
    transactionsTo: instantOrNull(consent.transaction_to_date_time),
    accounts: (consent.accounts ?? []).map((account) => ({
      schemeName: account.scheme_name,
      identification: account.identification,
      name: account.name ?? null,
      secondaryIdentification: account.secondary_identification ?? null,
    })),
  };
}

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

/** Lean's consent datetimes; a value that does not parse is kept out rather than guessed. */
function instantOrNull(value: string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Each answer v1 gives, parsed and read as the model. */
export const v1Customer = wire.customer.transform(customerFromV1);
export const v1Entity = wire.entity.transform(entityFromV1);
export const v1Entities = wire.entity.array().transform((entities) => entities.map(entityFromV1));

/** The payload of each data endpoint, so `/v1/results/{id}` can be read as the call that went pending. */
export const V1_DATA_PAYLOADS: { readonly [K in DataKind]: z.ZodType<DataOf<K>> } = {
  identity: wire.identity.transform(identityFromV1),
  accounts: wire.accountsPayload.transform((payload) => payload.accounts.map(accountFromV1)),
  balance: wire.balance.transform(balanceFromV1),
  transactions: wire.transactionsPayload.transform((payload) => payload.transactions.map(transactionFromV1)),
};
