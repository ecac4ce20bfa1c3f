// How a statement comes about: an account's fixed commitments, then each day's card spend, bills and transfers.
import type { TransactionCategory as Category } from '../model/categories.js';
import { DAY_MS, parseDay, threeYearsBefore, twoDigits } from './calendar.js';
import type { SandboxAccount, SandboxTransaction } from './data.js';
import {
  CARD_DAILY_COUNT,
  CHARITIES,
  CHECKINGS_DAILY_COUNT,
  EMPLOYERS,
  merchantTable,
  REFUNDABLE,
  SCHOOL_TERM_MONTHS,
  SCHOOLS,
  STREAMING,
  TELECOMS,
  type Merchant,
  type PlacedProvider,
  type Subscription,
  type TransactionType,
} from './merchants.js';
import { personName, REGION_FACTS, regionOfCurrency, type City, type Provider, type Region } from './places.js';
import { amountMinor, type Random, type Seeded } from './random.js';

/**
 * What Lean's v2 shows of a transaction beyond v1: how the money moved and with whom. Recorded as
 * the day is generated, without drawing from its stream, so v1's data is the same with or without it.
 */
export interface TransactionDetail {
  readonly channel: 'pos' | 'online' | 'atm' | 'transfer' | 'salary' | 'bill' | 'cheque' | 'directDebit' | 'fee' | 'profit' | 'refund';
  /** The other party of a transfer, salary, bill or debit, as the statement names it. */
  readonly counterparty: string | undefined;
  /** The account holder's own other account is the other party. */
  readonly ownAccount: boolean;
  /** The currency a purchase abroad was charged in (a fee of 2.99% follows it). */
  readonly foreignCurrency: 'EUR' | 'USD' | undefined;
  /** The foreign-transaction fee of the purchase before it. */
  readonly foreignFee: boolean;
}

export interface GeneratedTransaction {
  readonly transaction: SandboxTransaction;
  readonly detail: TransactionDetail;
}

type DetailFields = Partial<TransactionDetail>;

const CHANNEL_OF_TYPE: Readonly<Record<TransactionType, TransactionDetail['channel']>> = {
  PURCHASE: 'pos',
  TRANSFER: 'transfer',
  ATM_WITHDRAWAL: 'atm',
  SALARY: 'salary',
  FEE: 'fee',
  REFUND: 'refund',
  BILL_PAYMENT: 'bill',
  DIRECT_DEBIT: 'directDebit',
  PROFIT: 'profit',
};

/** Where a foreign merchant charges, by the place printed after its name. */
const FOREIGN_CURRENCY: Readonly<Record<string, 'EUR' | 'USD'>> = { 'AMSTERDAM NL': 'EUR', 'DUBLIN IE': 'EUR', 'MOUNTAIN VIEW US': 'USD' };

export function titleCase(upper: string): string {
  return upper.toLowerCase().replace(/\b([a-z])/g, (letter) => letter.toUpperCase()).replace(/\bLlc\b/g, 'LLC').replace(/\bFz\b/g, 'FZ');
}

/** Commitments fixed for the whole history, so recurring items fall on the same day each month. */
export interface AccountProfile {
  region: Region;
  country: 'AE' | 'SA';
  homeCity: City;
  salaryDay: number;
  salaryMinor: number;
  employer: string;
  rentDay: number;
  /** Rent is paid by quarterly cheque in the months with (month - rentPhase) % 3 === 0. */
  rentPhase: number;
  rentMinor: number;
  chequeStart: number;
  utilityDay: number;
  telecom: PlacedProvider;
  telecomDay: number;
  loanDay: number;
  loanMinor: number;
  loanReference: string;
  feeDay: number;
  charity: PlacedProvider;
  charityDay: number;
  school: Provider;
  schoolDay: number;
  schoolTermMinor: number;
  registrationMonth: number;
  registrationDay: number;
  streaming: Subscription;
  streamingDay: number;
  savingsDay: number;
  savingsMinor: number;
  cardPaymentDay: number;
  cardAnnualFeeMonth: number;
  cardAnnualFeeMinor: number;
}

export function profileOf(random: Random, region: Region): AccountProfile {
  const facts = REGION_FACTS[region];
  const salaryMinor = random.int(80, 450) * 10_000;
  return {
    region,
    country: facts.country,
    homeCity: random.pick(facts.cities),
    salaryDay: random.int(24, 28),
    salaryMinor,
    employer: random.pick(EMPLOYERS[region]),
    rentDay: random.int(1, 5),
    rentPhase: random.int(1, 3),
    // A year's rent is about a quarter of a year's pay, paid in four cheques.
    rentMinor: Math.round((salaryMinor * 0.75 * (0.8 + random.next() * 0.4)) / 10_000) * 10_000,
    chequeStart: random.int(100_000, 900_000),
    utilityDay: random.int(5, 20),
    telecom: random.pick(TELECOMS[region]),
    telecomDay: random.int(1, 28),
    loanDay: random.int(1, 10),
    loanMinor: random.int(80, 450) * 1000 + random.int(0, 99),
    loanReference: random.digits(9),
    feeDay: random.int(1, 28),
    charity: random.pick(CHARITIES[region]),
    charityDay: random.int(1, 28),
    school: random.pick(SCHOOLS[region]),
    schoolDay: random.int(1, 15),
    schoolTermMinor: random.int(40, 250) * 10_000,
    registrationMonth: random.int(1, 12),
    registrationDay: random.int(1, 28),
    streaming: random.pick(STREAMING[region]),
    streamingDay: random.int(1, 28),
    savingsDay: random.int(25, 28),
    savingsMinor: random.int(5, 60) * 10_000,
    cardPaymentDay: random.int(1, 28),
    cardAnnualFeeMonth: random.int(1, 12),
    cardAnnualFeeMinor: random.pick([31500, 52500, 105000]),
  };
}

interface DraftTransaction {
  description: string;
  cleansed: string;
  category: Category;
  type: TransactionType;
  /** Signed, in fils or halalas. */
  minor: number;
  second: number;
  categoryConfidence: number;
  typeConfidence: number;
  /** Drawn for every transaction so that `today` decides pending-ness without shifting the stream. */
  pendingRoll: number;
  detail: TransactionDetail;
}

interface DayContext {
  profile: AccountProfile;
  random: Random;
  year: number;
  month: number;
  dayOfMonth: number;
  drafts: DraftTransaction[];
}

function book(
  context: DayContext,
  fields: { description: string; cleansed: string; category: Category; type: TransactionType; minor: number; confidenceFloor?: number; detail?: DetailFields },
): DraftTransaction {
  const { random } = context;
  const floor = fields.confidenceFloor ?? 75;
  const draft: DraftTransaction = {
    description: fields.description,
    cleansed: fields.cleansed,
    category: fields.category,
    type: fields.type,
    minor: fields.minor,
    // Card activity clusters in waking hours of the Gulf (UTC+3/+4).
    second: random.int(4 * 3600, 22 * 3600 - 1),
    categoryConfidence: random.int(floor, 100),
    typeConfidence: random.int(Math.max(floor, 85), 100),
    pendingRoll: random.next(),
    detail: {
      channel: CHANNEL_OF_TYPE[fields.type],
      counterparty: undefined,
      ownAccount: false,
      foreignCurrency: undefined,
      foreignFee: false,
      ...fields.detail,
    },
  };
  context.drafts.push(draft);
  return draft;
}

function localPlace(context: DayContext): { city: City; suffix: string } {
  const { profile, random } = context;
  const city = random.chance(0.85) ? profile.homeCity : random.pick(REGION_FACTS[profile.region].cities);
  return { city, suffix: `${city.name.toUpperCase()} ${profile.country}` };
}

function addMerchantTransaction(context: DayContext, chosen: Merchant): void {
  const { random, profile } = context;
  const { city, suffix } = localPlace(context);
  const person = chosen.statement.includes('{person}') ? personName(random, profile.region) : '';
  const fill = (template: string, upper: boolean): string =>
    template.replace(/\{(branch|n|person)\}/g, (_token, name: string) => {
      if (name === 'branch') return random.pick(city.branches);
      if (name === 'n') return String(random.int(100, 999));
      return upper ? person.toUpperCase() : person;
    });
  const statement = fill(chosen.statement, true);
  const place = chosen.place === 'local' ? suffix : chosen.place;
  const magnitude = amountMinor(random, chosen.range, chosen.step);
  const draft = book(context, {
    description: place === 'none' ? statement : `${statement} ${place}`,
    cleansed: fill(chosen.cleansed, false),
    category: chosen.category,
    type: chosen.type,
    minor: chosen.credit === true ? magnitude : -magnitude,
    confidenceFloor: chosen.category === 'OTHER' ? 50 : 75,
  });
  // A shop with a branch or pump number is a card terminal; the rest are paid online.
  const atTerminal = /\{(branch|n)\}/.test(chosen.statement);
  draft.detail = {
    ...draft.detail,
    channel: chosen.type === 'PURCHASE' && !atTerminal ? 'online' : draft.detail.channel,
    counterparty: chosen.type === 'PURCHASE' || chosen.type === 'ATM_WITHDRAWAL' ? undefined : draft.cleansed,
    foreignCurrency: chosen.foreign === true ? (FOREIGN_CURRENCY[chosen.place] ?? 'USD') : undefined,
  };
  if (chosen.foreign === true) {
    // Gulf cards charge about 2.99% on foreign-currency spend.
    book(context, {
      description: 'FOREIGN CURRENCY TRANSACTION FEE',
      cleansed: 'Foreign transaction fee',
      category: 'BANK_FEES_AND_CHARGES',
      type: 'FEE',
      minor: -Math.max(1, Math.round(magnitude * 0.0299)),
      confidenceFloor: 95,
      detail: { foreignFee: true },
    });
  }
}

function addRefund(context: DayContext): void {
  const { random, profile } = context;
  const candidates = REFUNDABLE.filter((m) => m.regions === 'both' || m.regions === profile.country);
  const shop = random.pick(candidates);
  const statement = shop.statement.replace('{branch}', random.pick(profile.homeCity.branches));
  book(context, { description: `REFUND ${statement} ${profile.homeCity.name.toUpperCase()} ${profile.country}`, cleansed: shop.cleansed, category: shop.category, type: 'REFUND', minor: amountMinor(random, shop.range) });
}

function addCheckingsRecurring(context: DayContext): void {
  const { profile, random, month, dayOfMonth, year } = context;
  const homeSuffix = `${profile.homeCity.name.toUpperCase()} ${profile.country}`;
  if (dayOfMonth === profile.salaryDay) {
    book(context, { description: `SALARY TRANSFER ${profile.employer}`, cleansed: titleCase(profile.employer), category: 'SALARY_AND_REVENUE', type: 'SALARY', minor: profile.salaryMinor, confidenceFloor: 95, detail: { counterparty: titleCase(profile.employer) } });
  }
  if (dayOfMonth === profile.rentDay && (month - profile.rentPhase + 12) % 3 === 0) {
    const cheque = profile.chequeStart + (year - 2000) * 4 + Math.floor((month - 1) / 3);
    const description = profile.region === 'UAE' ? `RENT CHEQUE NO ${cheque} CLEARING` : `EJAR RENT PAYMENT ${homeSuffix}`;
    book(context, {
      description,
      cleansed: profile.region === 'UAE' ? 'Rent' : 'Ejar',
      category: 'RENT_AND_SERVICES',
      type: 'BILL_PAYMENT',
      minor: -profile.rentMinor,
      confidenceFloor: 85,
      detail: profile.region === 'UAE' ? { channel: 'cheque' } : { counterparty: 'Ejar' },
    });
  }
  if (dayOfMonth === profile.utilityDay) {
    // Air conditioning roughly doubles the summer bill.
    const summer = month >= 6 && month <= 9 ? 2 : 1;
    const utility = profile.homeCity.utility;
    book(context, { description: `${utility.statement} ${homeSuffix}`, cleansed: utility.cleansed, category: 'RENT_AND_SERVICES', type: 'BILL_PAYMENT', minor: -amountMinor(random, [180 * summer, 700 * summer]), confidenceFloor: 90, detail: { counterparty: utility.cleansed } });
  }
  if (dayOfMonth === profile.telecomDay) {
    book(context, { description: `${profile.telecom.statement} ${profile.telecom.place}`, cleansed: profile.telecom.cleansed, category: 'RENT_AND_SERVICES', type: 'BILL_PAYMENT', minor: -amountMinor(random, [125, 650]), confidenceFloor: 90, detail: { counterparty: profile.telecom.cleansed } });
  }
  if (dayOfMonth === profile.loanDay) {
    book(context, { description: `PERSONAL LOAN INSTALMENT ${profile.loanReference}`, cleansed: 'Personal loan', category: 'LOANS_AND_INVESTMENTS', type: 'DIRECT_DEBIT', minor: -profile.loanMinor, confidenceFloor: 90, detail: { counterparty: 'Personal loan' } });
  }
  if (dayOfMonth === profile.feeDay) {
    book(context, { description: 'SMS ALERT CHARGES INCL VAT', cleansed: 'SMS alert charges', category: 'BANK_FEES_AND_CHARGES', type: 'FEE', minor: -REGION_FACTS[profile.region].feeMinor, confidenceFloor: 95 });
  }
  if (dayOfMonth === profile.charityDay) {
    book(context, { description: `${profile.charity.statement} ${profile.charity.place}`, cleansed: profile.charity.cleansed, category: 'CHARITY', type: 'TRANSFER', minor: -amountMinor(random, [50, 300], 5000), confidenceFloor: 90, detail: { counterparty: profile.charity.cleansed } });
  }
  if (dayOfMonth === profile.schoolDay && SCHOOL_TERM_MONTHS.includes(month)) {
    book(context, { description: `${profile.school.statement} ${homeSuffix}`, cleansed: profile.school.cleansed, category: 'EDUCATION', type: 'BILL_PAYMENT', minor: -profile.schoolTermMinor, confidenceFloor: 90, detail: { counterparty: profile.school.cleansed } });
  }
  if (dayOfMonth === profile.registrationDay && month === profile.registrationMonth) {
    const description = profile.region === 'UAE' ? `MOI VEHICLE REGISTRATION RENEWAL ${homeSuffix}` : `SADAD MOI ISTIMARA RENEWAL ${homeSuffix}`;
    book(context, { description, cleansed: 'Vehicle registration', category: 'GOVERNMENT', type: 'BILL_PAYMENT', minor: -amountMinor(random, [350, 900], 500), confidenceFloor: 90, detail: { counterparty: profile.region === 'UAE' ? 'Ministry of Interior' : 'Absher' } });
  }
  if (dayOfMonth === profile.streamingDay) {
    book(context, { description: `${profile.streaming.statement} ${homeSuffix}`, cleansed: profile.streaming.cleansed, category: 'ENTERTAINMENT', type: 'PURCHASE', minor: -profile.streaming.minor, confidenceFloor: 95, detail: { channel: 'online' } });
  }
}

function generateDay(kind: SandboxAccount['type'], context: DayContext): void {
  const { profile, random, month, dayOfMonth, year } = context;
  switch (kind) {
    case 'Checkings': {
      addCheckingsRecurring(context);
      const table = merchantTable(profile.region, 'Checkings');
      const count = CHECKINGS_DAILY_COUNT.pick(random);
      for (let i = 0; i < count; i++) addMerchantTransaction(context, table.pick(random));
      if (random.chance(0.02)) addRefund(context);
      return;
    }
    case 'Savings': {
      if (dayOfMonth === profile.savingsDay) {
        book(context, { description: 'STANDING ORDER FROM OWN ACCOUNT', cleansed: 'Own account transfer', category: 'TRANSFER', type: 'TRANSFER', minor: profile.savingsMinor, confidenceFloor: 95, detail: { ownAccount: true } });
      }
      if (dayOfMonth === 1 && (month - 1) % 3 === 0) {
        const quarter = month === 1 ? 4 : (month - 1) / 3;
        const profitYear = month === 1 ? year - 1 : year;
        book(context, { description: `PROFIT CREDIT Q${quarter} ${profitYear}`, cleansed: 'Profit', category: 'LOANS_AND_INVESTMENTS', type: 'PROFIT', minor: amountMinor(random, [40, 1800]), confidenceFloor: 95 });
      }
      if (random.chance(0.015)) {
        book(context, { description: 'TRANSFER TO OWN ACCOUNT', cleansed: 'Own account transfer', category: 'TRANSFER', type: 'TRANSFER', minor: -amountMinor(random, [500, 8000], 10000), confidenceFloor: 95, detail: { ownAccount: true } });
      }
      return;
    }
    case 'CreditCard': {
      const table = merchantTable(profile.region, 'CreditCard');
      const count = CARD_DAILY_COUNT.pick(random);
      for (let i = 0; i < count; i++) addMerchantTransaction(context, table.pick(random));
      if (dayOfMonth === profile.cardPaymentDay) {
        book(context, { description: 'PAYMENT RECEIVED - THANK YOU', cleansed: 'Card payment', category: 'TRANSFER', type: 'TRANSFER', minor: amountMinor(random, [1000, 15000]), confidenceFloor: 95, detail: { ownAccount: true } });
      }
      if (dayOfMonth === profile.cardPaymentDay && month === profile.cardAnnualFeeMonth) {
        book(context, { description: 'ANNUAL MEMBERSHIP FEE INCL VAT', cleansed: 'Annual fee', category: 'BANK_FEES_AND_CHARGES', type: 'FEE', minor: -profile.cardAnnualFeeMinor, confidenceFloor: 95 });
      }
      if (random.chance(0.02)) addRefund(context);
      return;
    }
  }
}

/** Chance that a card purchase is still pending, by its age in days (0 = today). */
const PENDING_CHANCE: readonly number[] = [0.7, 0.4, 0.15];

/** The fixed commitments of an account (salary day, rent, loan …), as its history shows them. */
export function accountProfile(seeded: Seeded, account: SandboxAccount): AccountProfile {
  const region = regionOfCurrency(account.currency_code);
  return profileOf(seeded.stream('profile', account.account_id, account.type, region), region);
}

/**
 * Transactions of the account dated within [startDate, endDate] ∩ [today minus 3 years, today],
 * newest first, each with what v2 tells of it.
 */
export function generateTransactions(seeded: Seeded, account: SandboxAccount, range: { startDate: string; endDate: string; today: string }): GeneratedTransaction[] {
  const today = parseDay(range.today, 'today');
  const first = Math.max(parseDay(range.startDate, 'startDate'), threeYearsBefore(today));
  const last = Math.min(parseDay(range.endDate, 'endDate'), today);
  if (first > last) return [];
  const profile = accountProfile(seeded, account);
  const result: GeneratedTransaction[] = [];
  for (let day = last; day >= first; day--) {
    const date = new Date(day * DAY_MS);
    const isoDate = date.toISOString().slice(0, 10);
    // One stream per (account, day): a day's transactions never depend on the range asked for.
    const context: DayContext = {
      profile,
      random: seeded.stream('day', account.account_id, account.type, isoDate),
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      dayOfMonth: date.getUTCDate(),
      drafts: [],
    };
    generateDay(account.type, context);
    const pendingChance = PENDING_CHANCE[today - day] ?? 0;
    const ordered = context.drafts.map((draft, index) => ({ draft, index })).sort((a, b) => b.draft.second - a.draft.second || a.index - b.index);
    for (const { draft, index } of ordered) {
      const time = `${twoDigits(Math.floor(draft.second / 3600))}:${twoDigits(Math.floor(draft.second / 60) % 60)}:${twoDigits(draft.second % 60)}`;
      result.push({
        transaction: {
          id: seeded.uuid('transaction', account.account_id, isoDate, String(index)),
          description: draft.description,
          amount: draft.minor / 100,
          currency_code: account.currency_code,
          pending: draft.type === 'PURCHASE' && draft.minor < 0 && draft.pendingRoll < pendingChance,
          timestamp: `${isoDate}T${time}Z`,
          insights: {
            description_cleansed: draft.cleansed,
            category: draft.category,
            category_confidence: draft.categoryConfidence / 100,
            type: draft.type,
            type_confidence: draft.typeConfidence / 100,
          },
        },
        detail: draft.detail,
      });
    }
  }
  return result;
}
