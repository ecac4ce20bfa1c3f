// The emulator's data comes from a seed, so every process shows a sandbox customer the same bank history.
import { TRANSACTION_CATEGORIES } from '../model/categories.js';
import { buildIban } from './identifiers.js';
import { personOf, type Person } from './people.js';
import { REGION_FACTS, type Region } from './places.js';
import { digestOf, seeded as seededBy, type Seeded } from './random.js';
import { generateTransactions, type GeneratedTransaction } from './transactions.js';

export { isValidIban } from './identifiers.js';
export { TRANSACTION_TYPES } from './merchants.js';
export type { Region };
export { TRANSACTION_CATEGORIES };

export interface SandboxBank {
  identifier: string;
  region: Region;
  shortName: string;
}

export interface SandboxIdentity {
  full_name: string;
  mobile_number: string;
  gender: 'male' | 'female';
  national_identity_number: string;
  birth_date: string;
  email_address: string;
  address: string;
}
export interface SandboxAccount {
  account_id: string;
  name: string;
  currency_code: 'AED' | 'SAR';
  type: 'Checkings' | 'Savings' | 'CreditCard';
  iban: string;
  bank_identifier: string;
}
export interface SandboxInsights {
  description_cleansed: string;
  category: string;
  category_confidence: number;
  type: string;
  type_confidence: number;
}
export interface SandboxTransaction {
  id: string;
  description: string;
  amount: number;
  currency_code: 'AED' | 'SAR';
  pending: boolean;
  timestamp: string;
  insights: SandboxInsights;
}


export interface SandboxData {
  /** A UUID-shaped id (version nibble 4, variant 8-b) derived only from the seed and the parts. */
  uuid(...parts: string[]): string;
  identity(entityId: string, region: Region): SandboxIdentity;
  /** One to three accounts: always a Checkings, then maybe Savings, maybe CreditCard; the count and kinds depend on seed+entityId. */
  accounts(entityId: string, bank: SandboxBank): SandboxAccount[];
  /** The current balance of the account as a two-decimal number (negative allowed for a credit card). */
  balance(account: SandboxAccount): number;
  /**
   * Transactions of the account dated within [startDate, endDate] ∩ [today minus 3 years, today], newest first.
   * Dates are 'YYYY-MM-DD' (UTC days). `today` is passed in so that callers control the window.
   */
  transactions(account: SandboxAccount, range: { startDate: string; endDate: string; today: string }): SandboxTransaction[];
  /** The same as `identity`, with the parts v2 gives field by field. */
  person(entityId: string, region: Region): Person;
  /** The same as `transactions`, each with what v2 tells of it. */
  transactionDetails(account: SandboxAccount, range: { startDate: string; endDate: string; today: string }): GeneratedTransaction[];
  /** The streams and ids the data is drawn from, for v2's extra fields. */
  readonly seeded: Seeded;
}

export function createSandboxData(seed: string): SandboxData {
  const seeded = seededBy(seed);
  const { stream, uuid } = seeded;

  const person = (entityId: string, region: Region): Person => personOf(seeded, entityId, region);

  const accounts = (entityId: string, bank: SandboxBank): SandboxAccount[] => {
    const random = stream('accounts', entityId, bank.identifier);
    const kinds: SandboxAccount['type'][] = ['Checkings'];
    if (random.chance(0.5)) kinds.push('Savings');
    if (random.chance(0.5)) kinds.push('CreditCard');
    const facts = REGION_FACTS[bank.region];
    // The bank code belongs to the bank, not the seed, so it is the same in every sandbox.
    const bankCode = digestOf('bank-code', '', [bank.identifier]).readUInt16LE(0) % 90 + 10;
    return kinds.map((kind): SandboxAccount => {
      const accountNumber = stream('account-number', entityId, bank.identifier, kind);
      const bban = bank.region === 'UAE' ? `0${bankCode}${accountNumber.digits(16)}` : `${bankCode}${accountNumber.digits(18)}`;
      return {
        account_id: uuid('account', entityId, bank.identifier, kind),
        name: `${bank.shortName} ${kind} Account`,
        currency_code: facts.currency,
        type: kind,
        iban: buildIban(facts.country, bban),
        bank_identifier: bank.identifier,
      };
    });
  };

  const balance = (account: SandboxAccount): number => {
    const random = stream('balance', account.account_id, account.type);
    const ranges = { Checkings: [100_000, 6_000_000], Savings: [500_000, 20_000_000], CreditCard: [-1_500_000, 0] } as const;
    const [min, max] = ranges[account.type];
    return random.int(min, max) / 100;
  };

  const transactionDetails = (account: SandboxAccount, range: { startDate: string; endDate: string; today: string }): GeneratedTransaction[] =>
    generateTransactions(seeded, account, range);

  return {
    uuid,
    identity: (entityId, region) => person(entityId, region).identity,
    accounts,
    balance,
    transactions: (account, range) => transactionDetails(account, range).map((generated) => generated.transaction),
    person,
    transactionDetails,
    seeded,
  };
}
