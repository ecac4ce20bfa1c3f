/** The transaction categories of Lean's insights, as documented. */
export const TRANSACTION_CATEGORIES = [
  'BANK_FEES_AND_CHARGES',
  'CHARITY',
  'EDUCATION',
  'ENTERTAINMENT',
  'GOVERNMENT',
  'GROCERIES',
  'HEALTH_AND_WELLBEING',
  'LOANS_AND_INVESTMENTS',
  'RENT_AND_SERVICES',
  'RESTAURANTS_DINING',
  'RETAIL',
  'SALARY_AND_REVENUE',
  'TRANSFER',
  'TRANSPORT',
  'TRAVEL',
  'OTHER',
] as const;
export type TransactionCategory = (typeof TRANSACTION_CATEGORIES)[number];

/** Spellings Lean's documents also use for a known category. */
const ALIASES: Readonly<Record<string, TransactionCategory>> = { LOANS_AND_INVESTMENT: 'LOANS_AND_INVESTMENTS' };

/** A category Lean sends, as one the gateway knows: an unknown (future) category reads as OTHER, never an error. */
export function normalizeCategory(code: string): TransactionCategory {
  const upper = code.trim().toUpperCase();
  return (TRANSACTION_CATEGORIES as readonly string[]).includes(upper) ? (upper as TransactionCategory) : (ALIASES[upper] ?? 'OTHER');
}
