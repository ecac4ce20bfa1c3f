import type { AccountType, Region } from '../model/consent-rules.js';

/** How a mock bank behaves beyond answering: Lean's asynchronous and reconnect flows on demand. */
export type BankBehaviour = 'immediate' | 'asyncTransactions' | 'expiringSessions';

export interface SandboxBankProfile {
  readonly identifier: string;
  readonly region: Region;
  /** Prefix of account names, e.g. `Mockbank1 Checkings Account`. */
  readonly shortName: string;
  readonly name: string;
  readonly logo: string;
  readonly main_color: string;
  readonly background_color: string;
  readonly swift_code: string | null;
  readonly behaviour: BankBehaviour;
  /** The bank lists (`GET /banks/v1?account_types=`) it appears in. */
  readonly account_types: readonly AccountType[];
  /** Whether payments are up (`availability`); data always is. */
  readonly payments: boolean;
}

const LOGO = 'https://cdn.leantech.me/img/banks/white-lean.png';
const BOTH: readonly AccountType[] = ['PERSONAL', 'BUSINESS'];
const PERSONAL: readonly AccountType[] = ['PERSONAL'];

export const SANDBOX_BANKS: readonly SandboxBankProfile[] = [
  { identifier: 'LEANMB1', region: 'UAE', shortName: 'Mockbank1', name: 'Lean Mock Bank', logo: LOGO, main_color: '#1beb75', background_color: '#001E26', swift_code: null, behaviour: 'immediate', account_types: BOTH, payments: true },
  { identifier: 'LEANMB2', region: 'UAE', shortName: 'Mockbank2', name: 'Lean Mock Bank 2', logo: LOGO, main_color: '#1beb75', background_color: '#001E26', swift_code: null, behaviour: 'immediate', account_types: BOTH, payments: true },
  {
    identifier: 'LEANMB3_ASYNC',
    region: 'UAE',
    shortName: 'Mockbank3',
    name: 'Lean Mock Bank (asynchronous transactions)',
    logo: LOGO,
    main_color: '#3f51b5',
    background_color: '#ffffff',
    swift_code: null,
    behaviour: 'asyncTransactions',
    account_types: PERSONAL,
    payments: false,
  },
  {
    identifier: 'LEANMB4_OTP',
    region: 'UAE',
    shortName: 'Mockbank4',
    name: 'Lean Mock Bank (sessions expire)',
    logo: LOGO,
    main_color: '#ff7043',
    background_color: '#ffffff',
    swift_code: null,
    behaviour: 'expiringSessions',
    account_types: PERSONAL,
    payments: false,
  },
  {
    identifier: 'LEA1_SAMAOB_SAU',
    region: 'KSA',
    shortName: 'Mockbank1',
    name: 'Lean SAMA Open Banking MockBank',
    logo: 'https://cdn.leantech.me/img/banks/color-gmockbank2.png',
    main_color: '#1beb75',
    background_color: '#ffffff',
    swift_code: 'MOCKSA01',
    behaviour: 'immediate',
    account_types: BOTH,
    payments: true,
  },
  {
    identifier: 'LEA2_SAMAOB_SAU',
    region: 'KSA',
    shortName: 'Mockbank2',
    name: 'Lean SAMA Open Banking MockBank 2',
    logo: 'https://cdn.leantech.me/img/banks/color-gmockbank2.png',
    main_color: '#1beb75',
    background_color: '#ffffff',
    swift_code: 'MOCKSA02',
    behaviour: 'immediate',
    account_types: PERSONAL,
    payments: false,
  },
];

export function findBank(identifier: string): SandboxBankProfile | undefined {
  return SANDBOX_BANKS.find((bank) => bank.identifier === identifier);
}
