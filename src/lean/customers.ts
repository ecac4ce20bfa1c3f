import { z } from 'zod';
import type { Customer } from '../model/customer.js';
import type { Consent, Entity } from '../model/entity.js';
import { PERMISSION_NAMES, type PermissionName, type Permissions } from '../model/permissions.js';

/**
 * Lean's `/customers/v1` calls (customers, entities and their consents): the same paths and bodies
 * in both generations of the API, so one wire format and one mapping into the model serve both
 * clients. v2's entities add `bank_type` and `created_at` and drop `account_type`. No money here:
 * a plain JSON parse is exact.
 */

const text = z.string();
const optionalText = z.string().nullish();

export const permissions = z.object(
  Object.fromEntries(PERMISSION_NAMES.map((name) => [name, z.boolean().optional()])) as Record<PermissionName, z.ZodOptional<z.ZodBoolean>>,
);

export const customer = z.object({ customer_id: text, app_user_id: text });

export const consentAccount = z.object({
  scheme_name: text,
  identification: text,
  name: optionalText,
  secondary_identification: optionalText,
});

export const consent = z.object({
  id: text,
  bank_consent_id: optionalText,
  consent_status: text,
  permissions,
  creation_date_time: optionalText,
  status_update_date_time: optionalText,
  expiration_date_time: optionalText,
  transaction_from_date_time: optionalText,
  transaction_to_date_time: optionalText,
  accounts: z.array(consentAccount).nullish(),
});

export const entity = z.object({
  id: text,
  customer_id: text,
  bank_identifier: text,
  /** v1 only. */
  account_type: optionalText,
  /** v2 only. */
  bank_type: optionalText,
  /** v2 only. */
  created_at: optionalText,
  permissions,
  consents: z.array(consent).nullish(),
});

export type LeanCustomer = z.output<typeof customer>;
export type LeanEntity = z.output<typeof entity>;
export type LeanConsent = z.output<typeof consent>;

function toPermissions(flags: z.output<typeof permissions>): Permissions {
  const granted: Permissions = {};
  for (const name of PERMISSION_NAMES) {
    const value = flags[name];
    if (typeof value === 'boolean') granted[name] = value;
  }
  return granted;
}

/** Lean's datetimes; a value that does not parse is kept out rather than guessed. */
function instantOrNull(value: string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function toConsent(consent: LeanConsent): Consent {
  return {
    id: consent.id,
    bankConsentId: consent.bank_consent_id ?? null,
    status: consent.consent_status,
    permissions: toPermissions(consent.permissions),
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

function toEntity(entity: LeanEntity): Entity {
  return {
    id: entity.id,
    customerId: entity.customer_id,
    bankIdentifier: entity.bank_identifier,
    accountType: entity.account_type ?? null,
    bankType: entity.bank_type ?? null,
    permissions: toPermissions(entity.permissions),
    createdAt: instantOrNull(entity.created_at),
    consents: entity.consents?.map(toConsent) ?? undefined,
  };
}

/** Each answer of `/customers/v1`, parsed and read as the model. */
export const customerAnswer = customer.transform((answer): Customer => ({ id: answer.customer_id, appUserId: answer.app_user_id }));
export const entityAnswer = entity.transform(toEntity);
export const entitiesAnswer = entity.array().transform((entities) => entities.map(toEntity));

/** One page of v2's `GET /customers/v1/entities?start_date&end_date` (entities created in a date range); only what the reconciler needs is read. */
export const createdEntitiesPage = z.object({
  data: z.array(z.object({ id: text, customer_id: text, status: optionalText })),
  page: z.object({ number: z.number().int(), total_pages: z.number().int() }).nullish(),
});
