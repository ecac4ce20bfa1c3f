import type { DatasetItemRow, PartiesRead, PartyDetails, PartyPersonal } from '../data/rows.js';
import { builder } from './builder.js';
import { AccountRole, PartyType } from './dataset-enums.js';
import { DATASET_OUTCOMES, personalOf, unwrapDataset } from './dataset-outcomes.js';
import { answeringLeanErrors } from './errors.js';
import { PERSONAL_DATA_NOTE } from './personal-data.js';
import { Account } from './refs.js';

type PartyRow = DatasetItemRow<PartyDetails, PartyPersonal>;

/** A personal field of a party: needs `identity:read`. */
const personal = (field: keyof PartyPersonal, description: string) =>
  ({
    nullable: true,
    description: `${description} ${PERSONAL_DATA_NOTE}`,
    resolve: (row: PartyRow, _a: unknown, { principal }: { principal: Parameters<typeof personalOf>[1] }) => personalOf(row.personal, principal)?.[field] ?? null,
  }) as const;

const Party = builder.objectRef<PartyRow>('Party').implement({
  description: 'A person or company with a role on an account (KSA open banking: holders, joint holders, attorneys).',
  fields: (t) => ({
    partyId: t.string({ nullable: true, description: "The bank's id of the party.", resolve: (row) => row.details.partyId }),
    partyNumber: t.string({ nullable: true, description: "The bank's number of the party.", resolve: (row) => row.details.partyNumber }),
    partyType: t.field({ type: PartyType.ref, nullable: true, description: 'How the party holds the account.', resolve: (row) => PartyType.of(row.details.partyType) }),
    partyTypeCode: t.string({ nullable: true, description: "Lean's `party_type` as sent.", resolve: (row) => row.details.partyType }),
    accountRole: t.field({ type: AccountRole.ref, nullable: true, description: "The party's role on the account; null where the bank gives none.", resolve: (row) => AccountRole.of(row.details.accountRole) }),
    accountRoleCode: t.string({ nullable: true, description: "Lean's `account_role` as sent.", resolve: (row) => row.details.accountRole }),
    fullLegalName: t.string(personal('fullLegalName', 'The full legal name.')),
    name: t.string(personal('name', 'The name.')),
    emailAddress: t.string(personal('emailAddress', 'The email address.')),
    phone: t.string(personal('phone', 'The phone number.')),
    mobileNumber: t.string(personal('mobileNumber', 'The mobile number.')),
    nationalId: t.string(personal('nationalId', 'The national identity number.')),
    birthDate: t.field({ type: 'Date', ...personal('birthDate', 'The birth date.') }),
    gender: t.string(personal('gender', 'The gender as the bank records it.')),
    address: t.string(personal('address', 'The address, on one line.')),
  }),
});

const PartyList = builder.objectRef<PartiesRead & { stale: boolean }>('PartyList').implement({
  description: "An account's parties.",
  fields: (t) => ({
    items: t.field({ type: [Party], description: 'The parties, in the order the bank lists them.', resolve: (list) => list.items }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When the gateway read them from Lean.', resolve: (list) => list.fetchedAt }),
    stale: t.exposeBoolean('stale', { description: 'True when Lean failed and this is the copy fetched earlier; the response `errors` then say why.' }),
  }),
});

builder.objectFields(Account, (t) => ({
  parties: t.field({
    type: PartyList,
    nullable: true,
    description:
      "The account's parties: its holders and others with a role on it, their party type and who they are (Lean's per-account `identities`; KSA: permission `identities`), served from the gateway for `CACHE_TTL_PARTIES_SECONDS`; or a typed answer (not offered, permission not granted, pending …).",
    errors: { types: DATASET_OUTCOMES, union: { name: 'PartiesResult', description: 'The parties, or a typed answer telling the front end what to do next.' } },
    resolve: async (account, _a, context, info) => {
      const outcome = await answeringLeanErrors(() => context.data.partiesOf(account.id));
      return outcome === undefined ? null : unwrapDataset(outcome, 'identities', context, info);
    },
  }),
}));
