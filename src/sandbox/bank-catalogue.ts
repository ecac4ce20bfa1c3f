// Lean's bank catalogue, `GET /banks/v1?account_types=PERSONAL|BUSINESS`, in the shape of the UAE collection's saved answer (v2.md §5).
import type { AccountType } from '../model/consent-rules.js';
import { SANDBOX_BANKS, type SandboxBankProfile } from './banks.js';
import { invalidParameters, type SandboxAnswer } from './records.js';
import { route, type Route } from './routes.js';
import type { BankAvailabilityRecord } from './state.js';

/** A bank's availability now (the control API may take it down). */
type AvailabilityOf = (bank: SandboxBankProfile) => BankAvailabilityRecord;

const ACCOUNT_TYPES: readonly AccountType[] = ['PERSONAL', 'BUSINESS'];

/** v1 calls it with the app token, v2 with an api bearer token. */
export function bankCatalogueRoutes(availabilityOf: AvailabilityOf): Route[] {
  return [route('GET', /^\/banks\/v1\/?$/, 'GET /banks/v1', 'appOrApiToken', ({ query }) => bankList(query.get('account_types') ?? 'PERSONAL', availabilityOf))];
}

function bankList(accountTypes: string, availabilityOf: AvailabilityOf): SandboxAnswer {
  const accountType = ACCOUNT_TYPES.find((type) => type === accountTypes);
  if (accountType === undefined) return invalidParameters('account_types', accountTypes);
  return {
    status: 200,
    body: SANDBOX_BANKS.filter((bank) => bank.account_types.includes(accountType)).map((bank) => catalogueEntry(bank, accountType, availabilityOf(bank))),
  };
}

function catalogueEntry(bank: SandboxBankProfile, accountType: AccountType, availability: BankAvailabilityRecord) {
  const uae = bank.region === 'UAE';
  return {
    identifier: bank.identifier,
    name: bank.name,
    arabic_name: null,
    commercial_name: bank.name,
    commercial_name_arabic: null,
    logo: bank.logo,
    logo_alt: bank.logo.replace(/\.png$/, '.svg'),
    main_color: bank.main_color,
    background_color: bank.background_color,
    theme: bank.background_color.toLowerCase() === '#ffffff' ? 'light' : 'dark',
    country_code: uae ? 'ARE' : 'SAU',
    active: true,
    mock: true,
    traits: ['auth-redirect', 'web-auth-redirect', 'decoupled-auth-redirect', 'open-finance'],
    supported_account_types: ['CREDIT', 'SAVINGS', 'CURRENT'],
    supported_account_sub_types: ['CURRENT', 'SAVINGS', 'CREDIT'],
    bank_type: accountType === 'PERSONAL' ? 'RETAIL' : 'CORPORATE',
    swift_code: bank.swift_code,
    transfer_limits: [{ currency: uae ? 'AED' : 'SAR', min: 5, max: 50000 }],
    international_transfer_limits: [],
    international_destinations: [],
    account_type: accountType,
    connection_type: 'OPEN_BANKING',
    availability,
  };
}
