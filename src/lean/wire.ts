import { z } from 'zod';
import { PERMISSION_NAMES, type PermissionName } from '../model/permissions.js';

/**
 * Lean's v1 wire format, parsed once at the edge. Lenient where Lean may grow (enum-like values are
 * plain strings, unknown fields are dropped), strict where a wrong value would mislead (money).
 */

/** Largest magnitude whose two-decimal value survives a JSON double exactly in shortest form. */
const MAX_EXACT_AMOUNT = 1e13;

/**
 * Amounts arrive as JSON numbers (`15035.85`). For two-decimal values below 10^13 the shortest
 * round-trip text of the double is exactly the decimal Lean sent, so it is kept as that string.
 */
export const money = z
  .number()
  .refine((value) => Number.isFinite(value) && Math.abs(value) < MAX_EXACT_AMOUNT, 'amount out of the exact decimal range')
  .transform((value) => decimalText(value));

export function decimalText(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(2); // tiny magnitudes print in exponent form; two decimals are what Lean sends
}

const text = z.string();
const optionalText = z.string().nullable().optional();

export { PERMISSION_NAMES, type PermissionName };

export const identity = z.object({
  full_name: optionalText,
  mobile_number: optionalText,
  gender: optionalText,
  national_identity_number: optionalText,
  birth_date: optionalText,
  email_address: optionalText,
  address: optionalText,
});

export const account = z.object({
  account_id: text,
  name: optionalText,
  currency_code: text,
  type: optionalText,
  iban: optionalText,
  bank_identifier: optionalText,
});
export const accountsPayload = z.object({ accounts: z.array(account) });

export const balance = z.object({
  balance: money,
  currency_code: text,
  account_id: text,
  account_name: optionalText,
  account_type: optionalText,
});

export const insights = z.object({
  description_cleansed: optionalText,
  category: text,
  category_confidence: z.number(),
  type: text,
  type_confidence: z.number(),
});

export const transaction = z.object({
  id: text,
  description: optionalText,
  amount: money,
  currency_code: text,
  pending: z.boolean(),
  timestamp: text,
  insights: insights.nullable().optional(),
});
export const transactionsPayload = z.object({ transactions: z.array(transaction) });

/** Every data answer: OK with a payload, PENDING, RECONNECT_REQUIRED, FAILED, CONSENT_EXPIRED … */
export const dataEnvelope = z.object({
  status: text,
  payload: z.unknown().optional(),
  results_id: optionalText,
  message: optionalText,
  timestamp: optionalText,
});
export const reconnectPayload = z.object({ reconnect_id: text, type: optionalText });

/** Lean's error body on a non-2xx answer. */
export const errorBody = z.object({
  status: text,
  message: optionalText,
  results_id: optionalText,
  timestamp: optionalText,
  metadata: z.unknown().optional(),
});

export const webhookEnvelope = z.object({
  type: text,
  payload: z.unknown(),
  message: optionalText,
  timestamp: optionalText,
  event_id: optionalText,
});

export type LeanIdentity = z.output<typeof identity>;
export type LeanAccount = z.output<typeof account>;
export type LeanBalance = z.output<typeof balance>;
export type LeanTransaction = z.output<typeof transaction>;
