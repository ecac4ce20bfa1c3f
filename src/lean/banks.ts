import { z } from 'zod';
import type { CatalogueBank } from '../model/bank.js';
import { regionOfBank, type AccountType } from '../model/consent-rules.js';

/**
 * Lean's bank catalogue, `GET /banks/v1?account_types=PERSONAL|BUSINESS`: the same path in both
 * generations of the API (v1 app token, v2 bearer), a bare array of banks (the UAE collection's
 * saved answer; v2.md §5). Only the fields a bank picker needs are read; the rest may change freely.
 */

const flags = z.object({ data: z.boolean().nullish(), payments: z.boolean().nullish() }).nullish();

export const catalogueBank = z.object({
  identifier: z.string().min(1),
  name: z.string().nullish(),
  commercial_name: z.string().nullish(),
  logo: z.string().nullish(),
  main_color: z.string().nullish(),
  background_color: z.string().nullish(),
  country_code: z.string().nullish(),
  active: z.boolean().nullish(),
  availability: z.object({ active: flags, enabled: flags }).nullish(),
});

/** Lean's country codes for its two regions; the identifier decides when the code is missing or another. */
function regionOf(bank: z.output<typeof catalogueBank>): CatalogueBank['region'] {
  if (bank.country_code === 'SAU') return 'KSA';
  if (bank.country_code === 'ARE' && !/_SAU$/i.test(bank.identifier)) return 'UAE';
  return regionOfBank(bank.identifier);
}

function toBank(bank: z.output<typeof catalogueBank>, accountType: AccountType): CatalogueBank {
  const { active, enabled } = bank.availability ?? {};
  const usable = (kind: 'data' | 'payments') => bank.active !== false && active?.[kind] === true && enabled?.[kind] === true;
  return {
    identifier: bank.identifier,
    name: bank.commercial_name ?? bank.name ?? bank.identifier,
    logo: bank.logo ?? null,
    mainColor: bank.main_color ?? null,
    backgroundColor: bank.background_color ?? null,
    region: regionOf(bank),
    accountType,
    dataAvailable: usable('data'),
    paymentsAvailable: usable('payments'),
    availabilityStated: bank.availability !== null && bank.availability !== undefined,
  };
}

/** The answer to `GET /banks/v1?account_types=<accountType>`, read as the model. */
export function banksAnswer(accountType: AccountType) {
  return catalogueBank.array().transform((banks) => banks.map((bank) => toBank(bank, accountType)));
}
