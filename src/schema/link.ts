import { GraphQLError, responsePathAsArray } from 'graphql';
import { z } from 'zod';
import { checkConsentRequest, regionOfBank, type AccountType as AccountTypeValue } from '../model/consent-rules.js';
import type { PermissionName } from '../model/permissions.js';
import { builder } from './builder.js';
import { answeringLeanErrors, notFound } from './errors.js';
import { AccountType, grantedPermissions, LeanPermission } from './permissions.js';
import { ConsentKind, ConsentState, consentStateOfEntity } from './consent.js';
import type { GatewayContext } from './context.js';
import { Customer, Entity } from './refs.js';
import type { EntityRow } from '../data/rows.js';
import { currentConsent, type ConsentState as ConsentStateValue } from '../model/consent-state.js';
import type { ErrorCode } from '../model/error-codes.js';

/** What `Lean.connect` takes, in its own (snake_case) names. */
interface LinkOptionsShape {
  readonly app_token: string;
  readonly customer_id: string;
  readonly permissions: readonly PermissionName[];
  readonly sandbox: boolean;
  readonly bank_identifier?: string;
  readonly account_type?: AccountTypeValue;
  readonly access_from?: string;
  readonly access_to?: string;
  readonly success_redirect_url?: string;
  readonly fail_redirect_url?: string;
  /** v2: the customer-scoped token the SDK authenticates with (never the client secret, never an api token). */
  readonly access_token?: string;
}

interface PreparedLink {
  readonly options: LinkOptionsShape;
  readonly kind: 'SINGLE_USE' | 'LONG_LIVED' | 'OPEN_ENDED';
  readonly accessTokenExpiresAt: Date | null;
  readonly renewal: RenewalShape | null;
}

/** The entity whose consent a link renews, as stored when the link was prepared. */
interface RenewalShape {
  readonly entity: EntityRow;
  readonly consentState: ConsentStateValue;
  readonly consentExpiresAt: Date | null;
}

const LinkRenewal = builder.objectRef<RenewalShape>('LinkRenewal').implement({
  description: 'The link renews the consent of an entity: the bank and permissions it asks for again are those of the entity.',
  fields: (t) => ({
    entity: t.field({ type: Entity, description: 'The entity being renewed.', resolve: (renewal) => renewal.entity }),
    bankIdentifier: t.string({ description: 'The bank to ask again (the entity’s bank; also `options.bank_identifier`).', resolve: (renewal) => renewal.entity.bank_identifier }),
    permissions: t.field({ type: [LeanPermission], description: 'The permissions the entity was granted, to ask for again.', resolve: (renewal) => grantedPermissions(renewal.entity.permissions) }),
    consentState: t.field({ type: ConsentState, description: "The entity's consent state when the link was prepared.", resolve: (renewal) => renewal.consentState }),
    consentExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When its current consent ends (or ended); null when open-ended or unknown.',
      resolve: (renewal) => renewal.consentExpiresAt,
    }),
  }),
});

const LinkOptions = builder.objectRef<PreparedLink>('LinkOptions').implement({
  description: 'Checked options for the Link SDK: pass `options` to `Lean.connect` as they are.',
  fields: (t) => ({
    options: t.field({
      type: 'JSONObject',
      description:
        "The exact object for `Lean.connect(options)`, in the SDK's snake_case names (app_token, customer_id, permissions, sandbox …; under Lean's v2 API also the customer's access_token).",
      resolve: (link) => ({ ...link.options }),
    }),
    customerId: t.string({ description: "Lean's `customer_id`.", resolve: (link) => link.options.customer_id }),
    permissions: t.field({ type: [LeanPermission], description: 'The permissions asked for.', resolve: (link) => [...link.options.permissions] }),
    sandbox: t.boolean({ description: "Whether the SDK must run against Lean's sandbox.", resolve: (link) => link.options.sandbox }),
    bankIdentifier: t.string({ nullable: true, description: 'The bank to skip straight to, if named.', resolve: (link) => link.options.bank_identifier ?? null }),
    accountType: t.field({ type: AccountType, nullable: true, description: 'Personal or business, if named.', resolve: (link) => link.options.account_type ?? null }),
    accessFrom: t.string({ nullable: true, description: 'As sent to the SDK (ISO 8601).', resolve: (link) => link.options.access_from ?? null }),
    accessTo: t.string({ nullable: true, description: 'As sent to the SDK (ISO 8601).', resolve: (link) => link.options.access_to ?? null }),
    consentKind: t.field({ type: ConsentKind, description: 'The consent this will ask for.', resolve: (link) => link.kind }),
    accessToken: t.string({
      nullable: true,
      description:
        "Lean's v2 API: the short-lived token of this customer (`scope=customer.<id>`) that `Lean.connect` takes as `access_token` (it is in `options` too). It can link banks for this customer only and reads no data. Null under v1, where `app_token` is enough.",
      resolve: (link) => link.options.access_token ?? null,
    }),
    accessTokenExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When `accessToken` expires (about an hour after it was issued): prepare the link again after that. Null under v1.',
      resolve: (link) => link.accessTokenExpiresAt,
    }),
    renewal: t.field({
      type: LinkRenewal,
      nullable: true,
      description: 'With `renewEntityId`: the entity whose consent this link renews, and the bank and permissions asked for again. Null otherwise.',
      resolve: (link) => link.renewal,
    }),
  }),
});

builder.scalarType('JSONObject', {
  description: 'A JSON object, passed through as it is.',
  serialize: (value) => value,
  parseValue: () => {
    throw new GraphQLError('JSONObject is an output type only', { extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode } });
  },
});

const redirectUrl = z
  .string()
  .max(2048, 'a redirect URL may be at most 2048 characters')
  .refine((value) => URL.canParse(value) && ['https:', 'http:'].includes(new URL(value).protocol), 'a redirect URL must be an http(s) URL');
const bankIdentifier = z.string().regex(/^[A-Z0-9_]{2,64}$/, 'a bank identifier is 2 to 64 capital letters, digits or underscores');
const dateTimeText = z.string().max(64, 'a date-time may be at most 64 characters');

builder.mutationFields((t) => ({
  prepareLink: t.field({
    type: LinkOptions,
    description:
      "Checks a link request against Lean's rules — permissions allowed in the bank's region and for the account type (UAE: four, identity never for BUSINESS), and SAMA's consent window (`accessTo` in the future and at most a year ahead, `accessFrom` not after `accessTo`, a zone-less date-time read as UTC+03:00) — and returns the options for `Lean.connect`. Each broken rule is a BAD_USER_INPUT error whose `extensions.rule` names it.",
    args: {
      customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer who links a bank.' }),
      bankIdentifier: t.arg.string({ validate: bankIdentifier, description: 'Skip the bank list and link this bank (e.g. LEANMB1); its region decides the permissions.' }),
      permissions: t.arg({ type: [LeanPermission], description: 'The permissions to ask for. Required, unless `renewEntityId` is given (then: those the entity was granted).' }),
      renewEntityId: t.arg.globalID({
        for: Entity,
        description:
          "Renew the consent of this entity of the customer (EXPIRING_SOON, EXPIRED or REVOKED): its bank and account type are asked again, and its permissions unless `permissions` is given. `bankIdentifier`, if given, must be the entity's bank.",
      }),
      accountType: t.arg({ type: AccountType, description: 'Personal or business (default: personal).' }),
      accessFrom: t.arg.string({ validate: dateTimeText, description: 'SAMA: the earliest transactions to read (ISO 8601; without a zone: UTC+03:00).' }),
      accessTo: t.arg.string({ validate: dateTimeText, description: 'SAMA: when the consent ends (ISO 8601; without a zone: UTC+03:00); at most a year ahead.' }),
      successRedirectUrl: t.arg.string({ validate: redirectUrl, description: 'Where the SDK sends the user after success (redirect flows).' }),
      failRedirectUrl: t.arg.string({ validate: redirectUrl, description: 'Where the SDK sends the user after failure (redirect flows).' }),
    },
    resolve: async (_root, args, context, info) => {
      const { data, link } = context;
      const customer = await answeringLeanErrors(() => data.customer(args.customerId.id));
      if (customer === undefined) throw notFound('customer');
      const renewal = args.renewEntityId === null || args.renewEntityId === undefined ? null : await renewalOf(context, customer.id, args.renewEntityId.id);
      if (renewal !== null && args.bankIdentifier !== null && args.bankIdentifier !== undefined && args.bankIdentifier !== renewal.entity.bank_identifier) {
        throw new GraphQLError("A renewal asks the entity's own bank again: leave `bankIdentifier` out or give the entity's bank", {
          path: responsePathAsArray(info.path),
          extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode, rule: 'RENEWAL_OTHER_BANK', argument: 'bankIdentifier' },
        });
      }
      const bank = args.bankIdentifier ?? renewal?.entity.bank_identifier;
      const region = bank === undefined || bank === null ? link.region : regionOfBank(bank);
      const renewedAccountType = renewal?.entity.account_type === 'PERSONAL' || renewal?.entity.account_type === 'BUSINESS' ? renewal.entity.account_type : undefined;
      const accountType = args.accountType ?? renewedAccountType ?? 'PERSONAL';
      const permissions = args.permissions ?? (renewal === null ? [] : grantedPermissions(renewal.entity.permissions));
      const decision = checkConsentRequest({
        region,
        accountType,
        permissions: [...new Set(permissions)],
        accessFrom: args.accessFrom ?? undefined,
        accessTo: args.accessTo ?? undefined,
      });
      if (!decision.ok) {
        // One typed error per broken rule: the first fails the field, the others accompany it.
        const path = responsePathAsArray(info.path);
        const [first, ...others] = decision.violations.map(
          (v) => new GraphQLError(v.message, { path, extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode, rule: v.rule, argument: ARGUMENT_OF_FIELD[v.field] ?? v.field } }),
        );
        context.warnings.push(...others);
        throw first ?? new GraphQLError('The link request breaks a rule', { extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode } });
      }
      // v2: a fresh token of this customer only, issued once the request passed every rule.
      const token = await answeringLeanErrors(() => data.customerLinkToken(customer.id));
      const options: LinkOptionsShape = {
        app_token: link.appToken,
        customer_id: customer.id,
        permissions: decision.permissions,
        sandbox: link.sandbox,
        ...(bank && { bank_identifier: bank }),
        ...((args.accountType ?? renewedAccountType) && { account_type: accountType }),
        ...(decision.accessFrom && { access_from: decision.accessFrom.toISOString() }),
        ...(decision.accessTo && { access_to: decision.accessTo.toISOString() }),
        ...(args.successRedirectUrl && { success_redirect_url: args.successRedirectUrl }),
        ...(args.failRedirectUrl && { fail_redirect_url: args.failRedirectUrl }),
        ...(token && { access_token: token.accessToken }),
      };
      return { options, kind: decision.kind, accessTokenExpiresAt: token?.expiresAt ?? null, renewal };
    },
  }),
}));

/** The customer's entity to renew, with its consent as stored; NOT_FOUND for another customer's (or an unknown) one. */
async function renewalOf(context: GatewayContext, customerId: string, entityId: string): Promise<RenewalShape> {
  const entity = await context.data.entity(entityId);
  if (entity === undefined || entity.customer_id !== customerId) throw notFound('entity');
  const consents = await context.data.consentsOf(entity.id);
  const current = currentConsent(consents.map((consent) => ({ status: consent.status, expiresAt: consent.expires_at, createdAt: consent.created_at })));
  return { entity, consentState: consentStateOfEntity(entity, consents, context.link.consentNoticeMs), consentExpiresAt: current?.expiresAt ?? null };
}

/** Lean's names of the checked fields, as this mutation's arguments. */
const ARGUMENT_OF_FIELD: Record<string, string> = { access_from: 'accessFrom', access_to: 'accessTo', permissions: 'permissions' };
