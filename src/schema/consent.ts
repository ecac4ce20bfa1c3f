import type { ConsentAccount as ConsentAccountRow, ConsentRow, EntityRow } from '../data/rows.js';
import { consentStateOf, type ConsentState as ConsentStateValue } from '../model/consent-state.js';
import { builder } from './builder.js';
import { personalDataForbidden } from './errors.js';
import { grantedPermissions, LeanPermission } from './permissions.js';
import { revealed } from './personal-data.js';
import { Consent, Identity } from './refs.js';

const DAY_MS = 86_400_000;
/** GATEWAY_CONSENT_NOTICE_DAYS' default. */
const DEFAULT_NOTICE_MS = 7 * DAY_MS;

export const ConsentState = builder.enumType('ConsentState', {
  description: "Where an entity's consent is in its life: whether its data can still be read, and for how long.",
  values: {
    ACTIVE: { value: 'ACTIVE', description: 'Given and in force (also an entity whose bank reports no consent object).' },
    EXPIRING_SOON: { value: 'EXPIRING_SOON', description: 'In force, but it ends within GATEWAY_CONSENT_NOTICE_DAYS (see `consentExpiring`): renew it with `prepareLink(renewEntityId:)`.' },
    EXPIRED: { value: 'EXPIRED', description: 'Its end has passed: reads answer ConsentExpired; link the bank again.' },
    REVOKED: { value: 'REVOKED', description: 'Revoked or suspended at the bank (or Lean refused a read with CONSENT_EXPIRED before its end): reads answer ConsentExpired; link the bank again.' },
  } as const satisfies Record<ConsentStateValue, { value: ConsentStateValue; description: string }>,
});

/** The entity's consent state now, from its stored consents and whether Lean refused a read. */
export function consentStateOfEntity(entity: Pick<EntityRow, 'consent_lapsed_at'>, consents: readonly ConsentRow[], noticeMs: number | undefined): ConsentStateValue {
  const facts = consents.map((consent) => ({ status: consent.status, expiresAt: consent.expires_at, createdAt: consent.created_at }));
  return consentStateOf(facts, entity.consent_lapsed_at, new Date(), noticeMs ?? DEFAULT_NOTICE_MS);
}

export const ConsentKind = builder.enumType('ConsentKind', {
  description: 'How long a consent lasts, by SAMA rules: from when it is given to its `access_to` (its expiry).',
  values: {
    SINGLE_USE: { value: 'SINGLE_USE', description: 'Expires at most 24 hours after it was given.' },
    LONG_LIVED: { value: 'LONG_LIVED', description: 'Expires more than 24 hours (and at most a year) after it was given.' },
    OPEN_ENDED: { value: 'OPEN_ENDED', description: 'Has no expiry.' },
  } as const,
});

export function consentKind(consent: Pick<ConsentRow, 'created_at' | 'expires_at'>): 'SINGLE_USE' | 'LONG_LIVED' | 'OPEN_ENDED' {
  if (consent.expires_at === null) return 'OPEN_ENDED';
  if (consent.created_at === null) return 'LONG_LIVED';
  return consent.expires_at.getTime() - consent.created_at.getTime() <= DAY_MS ? 'SINGLE_USE' : 'LONG_LIVED';
}

const ConsentAccount = builder.objectRef<ConsentAccountRow>('ConsentAccount').implement({
  description: 'An account the consent covers, as the bank names it.',
  fields: (t) => ({
    schemeName: t.exposeString('scheme_name', { description: 'How the account is identified, e.g. `IBAN`.' }),
    identification: t.string({
      nullable: true,
      description: 'The account identifier in that scheme (e.g. the IBAN). Personal data: an end user needs the scope `identity:read`.',
      resolve: (account, _a, { principal }) => {
        personalDataForbidden(principal);
        return revealed(account.identification);
      },
    }),
    name: t.string({
      nullable: true,
      description: 'The account holder name the bank gives. Personal data: an end user needs the scope `identity:read`.',
      resolve: (account, _a, { principal }) => {
        personalDataForbidden(principal);
        return revealed(account.name);
      },
    }),
    secondaryIdentification: t.string({
      nullable: true,
      description: 'A second identifier, when the bank gives one. Personal data: an end user needs the scope `identity:read`.',
      resolve: (account, _a, { principal }) => {
        personalDataForbidden(principal);
        return revealed(account.secondary_identification);
      },
    }),
  }),
});

Consent.implement({
  description: 'A consent the user gave their bank (SAMA open banking): what it permits, for which accounts, until when.',
  fields: (t) => ({
    id: t.exposeID('id', { description: "Lean's consent id." }),
    bankConsentId: t.exposeString('bank_consent_id', { nullable: true, description: "The bank's own id of the consent." }),
    status: t.exposeString('status', { description: 'As the bank reports it, e.g. ACTIVE, REVOKED, EXPIRED, SUSPENDED.' }),
    permissions: t.field({ type: [LeanPermission], description: 'What the consent permits.', resolve: (consent) => grantedPermissions(consent.permissions) }),
    createdAt: t.field({ type: 'DateTime', nullable: true, description: 'When the consent was given.', resolve: (consent) => consent.created_at }),
    statusUpdatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When its status last changed.', resolve: (consent) => consent.status_updated_at }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, description: 'When it expires; null: open-ended.', resolve: (consent) => consent.expires_at }),
    transactionsFrom: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The earliest transactions it lets us read (`access_from`).',
      resolve: (consent) => consent.transactions_from,
    }),
    transactionsTo: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'The latest transactions it lets us read.',
      resolve: (consent) => consent.transactions_to,
    }),
    accounts: t.field({ type: [ConsentAccount], description: 'The accounts it covers.', resolve: (consent) => consent.accounts }),
    kind: t.field({ type: ConsentKind, description: 'Single-use, long-lived or open-ended.', resolve: (consent) => consentKind(consent) }),
  }),
});

Identity.implement({
  description: "The account holder's identity as the bank knows it. Personal data: never logged.",
  fields: (t) => ({
    fullName: t.string({ nullable: true, description: 'Full name.', resolve: (identity) => revealed(identity.full_name) }),
    mobileNumber: t.string({ nullable: true, description: 'Mobile number.', resolve: (identity) => revealed(identity.mobile_number) }),
    gender: t.string({ nullable: true, description: 'Gender as the bank records it.', resolve: (identity) => revealed(identity.gender) }),
    nationalIdentityNumber: t.string({
      nullable: true,
      description: 'Emirates ID or Saudi national id / iqama.',
      resolve: (identity) => revealed(identity.national_identity_number),
    }),
    birthDate: t.string({ nullable: true, description: 'Date of birth, as the bank gives it.', resolve: (identity) => revealed(identity.birth_date) }),
    emailAddress: t.string({ nullable: true, description: 'Email address.', resolve: (identity) => revealed(identity.email_address) }),
    address: t.string({ nullable: true, description: 'Postal address.', resolve: (identity) => revealed(identity.address) }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When the gateway read it from Lean.', resolve: (identity) => identity.fetched_at }),
  }),
});
