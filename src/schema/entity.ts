import type { EntityStatus as EntityStatusValue } from '../data/rows.js';
import type { EntityRow } from '../data/rows.js';
import { builder } from './builder.js';
import { answeringLeanErrors, notFound, personalDataForbidden } from './errors.js';
import { LEAN_OUTCOMES, unwrapOutcome } from './outcomes.js';
import { Bank } from './bank.js';
import { AccountType, grantedPermissions, LeanPermission } from './permissions.js';
import { Account, Consent, Customer, Entity, Identity } from './refs.js';
import { alsoRequestDataRefresh } from './refresh.js';
import { ConsentState, consentStateOfEntity } from './consent.js';

const EntityStatus = builder.enumType('EntityStatus', {
  description: 'Whether the link to the bank works.',
  values: {
    ACTIVE: { value: 'ACTIVE', description: 'Linked: data can be read.' },
    RECONNECT_REQUIRED: { value: 'RECONNECT_REQUIRED', description: 'The bank session ended: the user must run `Lean.reconnect` with `reconnectId`.' },
    DISCONNECTED: { value: 'DISCONNECTED', description: 'Unlinked (by the user, or Lean no longer lists it); its bank data was deleted.' },
  } as const satisfies Record<EntityStatusValue, { value: EntityStatusValue; description: string }>,
});

builder.node(Entity, {
  description: "A customer's link to one bank (Lean's entity): its consents, accounts and the account holder's identity.",
  id: { resolve: (entity) => entity.id },
  loadMany: (ids, { data }) => Promise.all(ids.map(async (id) => (await data.entity(id)) ?? null)),
  fields: (t) => ({
    leanEntityId: t.exposeString('id', { description: "Lean's `entity_id`." }),
    customer: t.field({
      type: Customer,
      description: 'Whose link this is.',
      resolve: async (entity, _a, { data }) => {
        const customer = await answeringLeanErrors(() => data.customer(entity.customer_id));
        if (customer === undefined) throw notFound('customer');
        return customer;
      },
    }),
    bank: t.field({ type: Bank, description: 'The bank.', resolve: (entity) => ({ identifier: entity.bank_identifier }) }),
    accountType: t.field({
      type: AccountType,
      nullable: true,
      description: 'Personal or business; null where Lean does not say (UAE entities of the v1 API).',
      resolve: (entity) => (entity.account_type === 'PERSONAL' || entity.account_type === 'BUSINESS' ? entity.account_type : null),
    }),
    bankType: t.exposeString('bank_type', { nullable: true, description: "The kind of bank (Lean's `bank_type` as sent: RETAIL …); null from Lean's v1 API." }),
    permissions: t.field({ type: [LeanPermission], description: 'The permissions the user granted.', resolve: (entity) => grantedPermissions(entity.permissions) }),
    status: t.field({ type: EntityStatus, description: 'Whether the link works.', resolve: (entity) => entity.status }),
    reconnectId: t.string({
      nullable: true,
      description: 'While `status` is RECONNECT_REQUIRED: pass to `Lean.reconnect` as `reconnect_id`.',
      resolve: (entity) => (entity.status === 'RECONNECT_REQUIRED' ? entity.reconnect_id : null),
    }),
    linkedAt: t.field({
      type: 'DateTime',
      description: 'When the bank was linked: the creation of its first consent, or when the gateway first saw the entity.',
      resolve: (entity) => entity.linked_at,
    }),
    consentState: t.field({
      type: ConsentState,
      description:
        "Where the link's consent is in its life: ACTIVE, EXPIRING_SOON (within GATEWAY_CONSENT_NOTICE_DAYS of its end), EXPIRED or REVOKED. `consentExpiring` and `consentChanged` say when it moves.",
      resolve: async (entity, _a, { data, link }) => consentStateOfEntity(entity, await data.consentsOf(entity.id), link.consentNoticeMs),
    }),
    consents: t.field({
      type: [Consent],
      description: 'The consents behind this link (KSA; UAE entities of the v1 API carry none).',
      resolve: (entity, _a, { data }) => data.consentsOf(entity.id),
    }),
    accounts: t.field({
      type: [Account],
      nullable: true,
      // The list is AccountList.accounts (assumed size there); this union field does not multiply again.
      complexity: { field: 1, multiplier: 1 },
      description: "The bank's accounts, or what to do while Lean cannot list them yet. Null with an error when the link cannot answer.",
      errors: {
        types: LEAN_OUTCOMES,
        directResult: false,
        union: { name: 'AccountsResult', description: 'The accounts, or a typed answer telling the front end what to do next.' },
        result: { name: 'AccountList', description: 'The accounts of an entity.' },
        dataField: { name: 'accounts', description: 'The accounts, in the order the bank lists them.' },
      },
      resolve: async (entity, _a, context, info) => unwrapOutcome(await answeringLeanErrors(() => context.data.accountsOf(entity.id)), context, info),
    }),
    identity: t.field({
      type: Identity,
      nullable: true,
      description: "The account holder's identity, or what to do while Lean cannot give it yet. Personal data: an end user needs the scope `identity:read` (else FORBIDDEN, and the rest of the answer stands).",
      errors: { types: LEAN_OUTCOMES, union: { name: 'IdentityResult', description: 'The identity, or a typed answer telling the front end what to do next.' } },
      resolve: async (entity, _a, context, info) => {
        personalDataForbidden(context.principal);
        const outcome = await answeringLeanErrors(() => context.data.identityOf(entity.id));
        return outcome === undefined ? null : unwrapOutcome(outcome, context, info);
      },
    }),
  }),
});

const visibleEntity = async (id: string, data: { entity(id: string): Promise<EntityRow | undefined> }): Promise<EntityRow> => {
  const entity = await data.entity(id);
  if (entity === undefined) throw notFound('entity');
  return entity;
};

builder.mutationFields((t) => ({
  refreshEntity: t.field({
    type: Entity,
    description:
      "Reads the entity (and its consents) from Lean now; its accounts and identity are fetched again at their next read. Under Lean's v2 API it also asks Lean to read the bank again (as `requestDataRefresh` does): see `latestRefresh`, and `dataRefreshed` when it is done.",
    args: { entityId: t.arg.globalID({ for: Entity, required: true, description: 'The global id of the entity.' }) },
    resolve: async (_root, { entityId }, context, info) => {
      const { data } = context;
      const entity = await visibleEntity(entityId.id, data);
      const refreshed = await answeringLeanErrors(() => data.refreshEntity(entity));
      if (refreshed === undefined) throw notFound('entity');
      await alsoRequestDataRefresh(context, refreshed, info);
      return refreshed;
    },
  }),
  disconnectEntity: t.field({
    type: Entity,
    description: 'Unlinks the bank: deletes the entity at Lean (reason USER_REQUESTED), marks it DISCONNECTED and deletes its accounts, balances, transactions and identity here.',
    args: { entityId: t.arg.globalID({ for: Entity, required: true, description: 'The global id of the entity.' }) },
    resolve: async (_root, { entityId }, { data }) => {
      const entity = await visibleEntity(entityId.id, data);
      const disconnected = await answeringLeanErrors(() => data.disconnect(entity));
      if (disconnected === undefined) throw notFound('entity');
      return disconnected;
    },
  }),
}));
