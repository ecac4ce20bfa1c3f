import type { Region } from '../model/consent-rules.js';

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
}

const LOGO = 'https://cdn.leantech.me/img/banks/white-lean.png';

export const SANDBOX_BANKS: readonly SandboxBankProfile[] = [
  { identifier: 'LEANMB1', region: 'UAE', shortName: 'Mockbank1', name: 'Lean Mock Bank', logo: LOGO, main_color: '#1beb75', background_color: '#001E26', swift_code: null, behaviour: 'immediate' },
  { identifier: 'LEANMB2', region: 'UAE', shortName: 'Mockbank2', name: 'Lean Mock Bank 2', logo: LOGO, main_color: '#1beb75', background_color: '#001E26', swift_code: null, behaviour: 'immediate' },
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
  },
];

export function findBank(identifier: string): SandboxBankProfile | undefined {
  return SANDBOX_BANKS.find((bank) => bank.identifier === identifier);
}
