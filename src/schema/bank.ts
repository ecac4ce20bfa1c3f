import type { BankListing } from '../data/kinds/banks.js';
import { EVERYONE, type Delivered, type GatewayEvent } from '../events/bus.js';
import type { GatewayData } from '../data/gateway-data.js';
import { regionOfBank } from '../model/consent-rules.js';
import { builder } from './builder.js';
import { answeringLeanErrors } from './errors.js';
import { AccountType, Region } from './permissions.js';
import { AFTER_DESCRIPTION, eventsOf } from './subscriptions.js';

/** A bank: by identifier (an entity's), with its catalogue listing when it came from the bank list. */
export interface BankShape {
  readonly identifier: string;
  readonly listing?: BankListing | undefined;
}

/** The bank's catalogue listing: the one it came with, else looked up in Lean's bank list. */
async function listingOf(bank: BankShape, data: GatewayData): Promise<BankListing | undefined> {
  if (bank.listing !== undefined) return bank.listing;
  const listings = await answeringLeanErrors(() => data.banks(regionOfBank(bank.identifier)));
  return listings.find((listing) => listing.bank.identifier === bank.identifier);
}

/** A stored detail of an entity's bank (from `entity.created`), else the catalogue's. */
function detail(pick: (row: { name: string | null; logo: string | null; main_color: string | null; background_color: string | null }) => string | null, fromListing: (listing: BankListing) => string | null) {
  return async (bank: BankShape, _args: object, { data }: { data: GatewayData }): Promise<string | null> =>
    bank.listing !== undefined ? fromListing(bank.listing) : (await data.bank(bank.identifier).then((row) => (row === undefined ? null : pick(row)))) ?? null;
}

const BankAvailability = builder.objectRef<{ readonly data: boolean; readonly payments: boolean; readonly asOf: Date | null }>('BankAvailability').implement({
  description:
    "Whether the bank is up at Lean now: active and enabled, per service (Lean's `availability`), as Lean last said — by a `bank.availability.updated` webhook or in its bank catalogue, whichever is newer.",
  fields: (t) => ({
    data: t.exposeBoolean('data', {
      description:
        "Accounts, balances and transactions can be read through this bank (active and enabled for data). While false, reads of its entities' data do not call Lean: they serve the stored copy marked stale (`staleReason: BANK_UNAVAILABLE`), or answer `BankUnavailable`.",
    }),
    payments: t.exposeBoolean('payments', { description: 'Payments can be made through this bank (active and enabled for payments).' }),
    asOf: t.field({
      type: 'DateTime',
      nullable: true,
      description: "When Lean said so: the webhook's timestamp, or when the gateway read the catalogue; null when Lean never said (the bank is not listed).",
      resolve: (availability) => availability.asOf,
    }),
  }),
});

export const Bank = builder.objectRef<BankShape>('Bank').implement({
  description:
    "A bank Lean connects to: from the `banks` list, or the bank an entity is linked to (its name, logo and colours then come from Lean's `entity.created`; null until then).",
  fields: (t) => ({
    identifier: t.exposeString('identifier', { description: "Lean's bank identifier, e.g. `LEANMB1` or `LEA1_SAMAOB_SAU`." }),
    name: t.string({ nullable: true, description: 'The bank name to show.', resolve: detail((row) => row.name, (listing) => listing.bank.name) }),
    logo: t.string({ nullable: true, description: 'URL of the bank logo.', resolve: detail((row) => row.logo, (listing) => listing.bank.logo) }),
    mainColor: t.string({ nullable: true, description: "The bank's main colour, e.g. `#1beb75`.", resolve: detail((row) => row.main_color, (listing) => listing.bank.mainColor) }),
    backgroundColor: t.string({
      nullable: true,
      description: "The bank's background colour.",
      resolve: detail((row) => row.background_color, (listing) => listing.bank.backgroundColor),
    }),
    region: t.field({ type: Region, description: 'Where the bank is.', resolve: (bank) => bank.listing?.bank.region ?? regionOfBank(bank.identifier) }),
    accountTypes: t.field({
      type: [AccountType],
      description: "The kinds of account the bank can link (Lean's personal and business bank lists); empty when Lean no longer lists the bank.",
      resolve: async (bank, _a, { data }) => [...((await listingOf(bank, data))?.accountTypes ?? [])],
    }),
    availability: t.field({
      type: BankAvailability,
      description:
        "Whether the bank is up at Lean now, per service, as Lean last said (`bank.availability.updated` webhooks, its catalogue); both false when Lean never said and no longer lists the bank.",
      resolve: async (bank, _a, { data }) => {
        const recorded = await data.bankAvailability(bank.identifier);
        if (recorded !== undefined) return { data: recorded.dataAvailable, payments: recorded.paymentsAvailable, asOf: recorded.asOf };
        const listing = await listingOf(bank, data);
        return { data: listing?.dataAvailable ?? false, payments: listing?.paymentsAvailable ?? false, asOf: null };
      },
    }),
  }),
});

builder.queryFields((t) => ({
  banks: t.field({
    type: [Bank],
    description:
      "The banks a user may link, from Lean's bank catalogue (its personal and business lists), in Lean's order; the same for every caller, cached for CACHE_TTL_BANKS_SECONDS.",
    args: { region: t.arg({ type: Region, description: 'Only the banks of this region (default: every region).' }) },
    resolve: async (_root, { region }, { data }) => {
      const listings = await answeringLeanErrors(() => data.banks(region ?? undefined));
      return listings.map((listing) => ({ identifier: listing.bank.identifier, listing }));
    },
  }),
}));

type BankAvailabilityEvent = Delivered<Extract<GatewayEvent, { topic: 'bankAvailabilityChanged' }>>;

/** The events of one bank only. */
async function* ofBank(events: AsyncIterable<BankAvailabilityEvent>, identifier: string): AsyncGenerator<BankAvailabilityEvent> {
  for await (const event of events) if (event.bankIdentifier === identifier) yield event;
}

builder.subscriptionFields((t) => ({
  bankAvailabilityChanged: t.field({
    type: Bank,
    description:
      "Each time Lean says a bank's data or payments went down or came back (`bank.availability.updated`), with the bank's `availability` as now recorded. Bank status is no one's personal data: any authenticated caller (a service or an end user) may subscribe.",
    args: {
      identifier: t.arg.string({ description: "Only this bank (Lean's identifier, e.g. `LEA1_SAMAOB_SAU`); default: every bank." }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    subscribe: async (_root, { identifier, after }, context) => {
      const events = await eventsOf(context, 'bankAvailabilityChanged', EVERYONE, after);
      return identifier === null || identifier === undefined ? events : ofBank(events, identifier);
    },
    resolve: (event, _args, context) => {
      context.data.forgetAllOnce(event);
      return { identifier: event.bankIdentifier };
    },
  }),
}));
