// The other side of a transfer in v2: its account and its bank (the "agent"), as Lean's samples show them per region.
import type { SandboxBankProfile } from './banks.js';
import { buildIban } from './identifiers.js';
import type { Region } from './places.js';
import type { Seeded } from './random.js';

interface CounterpartyBank {
  readonly name: string;
  /** SAMA's participant code (`KSAOB.<code>`) in KSA; the name Lean's UAE samples carry as the identification. */
  readonly code: string;
  /** The bank code inside an IBAN of this bank. */
  readonly ibanCode: string;
  readonly address: { readonly line: string; readonly building: string; readonly street: string; readonly postCode: string; readonly town: string };
}

const BANKS: Readonly<Record<Region, readonly CounterpartyBank[]>> = {
  KSA: [
    { name: 'Al Rajhi Bank', code: 'RJHI', ibanCode: '80', address: { line: 'P.O. Box 28, Riyadh', building: '8467', street: 'King Fahd Road', postCode: '11411', town: 'Riyadh' } },
    { name: 'The Saudi National Bank', code: 'SNB', ibanCode: '10', address: { line: 'P.O. Box 3555, Jeddah', building: '3208', street: 'King Abdulaziz Road', postCode: '21481', town: 'Jeddah' } },
    { name: 'Riyad Bank', code: 'RIBL', ibanCode: '20', address: { line: 'P.O. Box 22622, Riyadh', building: '6775', street: 'Eastern Ring Road', postCode: '11416', town: 'Riyadh' } },
    { name: 'The Saudi British Bank', code: 'SASABB', ibanCode: '45', address: { line: 'P.O. Box 9084, Riyadh', building: '9084', street: 'Prince Abdulaziz Bin Musaid Road', postCode: '11413', town: 'Riyadh' } },
    { name: 'Banque Saudi Fransi', code: 'SABSFR', ibanCode: '55', address: { line: 'P.O. Box 56006, Riyadh', building: '56006', street: 'King Saud Road', postCode: '11554', town: 'Riyadh' } },
    { name: 'Alinma Bank', code: 'INMA', ibanCode: '05', address: { line: 'P.O. Box 66674, Riyadh', building: '8402', street: 'King Fahd Road', postCode: '11586', town: 'Riyadh' } },
  ],
  UAE: [
    { name: 'Emirates NBD', code: 'ENBD', ibanCode: '026', address: { line: 'Baniyas Road, Deira, Dubai', building: '777', street: 'Baniyas Road', postCode: '', town: 'Dubai' } },
    { name: 'First Abu Dhabi Bank', code: 'FAB', ibanCode: '035', address: { line: 'Khalifa Business Park, Abu Dhabi', building: '6316', street: 'Al Qurm', postCode: '', town: 'Abu Dhabi' } },
    { name: 'Abu Dhabi Commercial Bank', code: 'ADCB', ibanCode: '030', address: { line: 'Sheikh Zayed Street, Abu Dhabi', building: '939', street: 'Sheikh Zayed Street', postCode: '', town: 'Abu Dhabi' } },
    { name: 'Dubai Islamic Bank', code: 'DIB', ibanCode: '024', address: { line: 'Al Maktoum Road, Deira, Dubai', building: '1080', street: 'Al Maktoum Road', postCode: '', town: 'Dubai' } },
    { name: 'Mashreq', code: 'MASHREQ', ibanCode: '033', address: { line: 'Umm Hurair 2, Dubai', building: '1250', street: 'Oud Metha Road', postCode: '', town: 'Dubai' } },
    { name: 'HSBC', code: 'HSBC', ibanCode: '020', address: { line: 'Downtown Dubai, Dubai', building: '66', street: 'Emaar Square', postCode: '', town: 'Dubai' } },
  ],
};

export interface PartyAccount {
  readonly name: string;
  readonly scheme_name: string | null;
  readonly identification: string;
}

/** A KSA agent in full (BICFI, name, postal address); a UAE agent carries only the bank's name, as Lean's UAE samples do. */
export type Agent = Record<string, unknown>;

/** The bank and IBAN of a counterparty, the same every time the same name appears on the account's statement. */
export function counterpartyOf(seeded: Seeded, region: Region, accountId: string, name: string): { account: PartyAccount; agent: Agent; bank: CounterpartyBank } {
  const random = seeded.stream('v2-counterparty', accountId, name);
  const bank = random.pick(BANKS[region]);
  const iban = region === 'KSA' ? buildIban('SA', `${bank.ibanCode}${random.digits(20)}`) : buildIban('AE', `${bank.ibanCode}${random.digits(16)}`);
  return { account: partyAccount(region, name, iban), agent: agentOf(region, bank), bank };
}

/** Lean's KSA samples give a party's account no scheme name; the UAE ones say IBAN. */
export function partyAccount(region: Region, name: string, iban: string): PartyAccount {
  return { name, scheme_name: region === 'KSA' ? null : 'IBAN', identification: iban };
}

export function agentOf(region: Region, bank: CounterpartyBank): Agent {
  if (region === 'UAE') return { scheme_name: null, identification: bank.code, name: null, postal_address: null };
  return {
    scheme_name: 'BICFI',
    identification: `KSAOB.${bank.code}`,
    name: bank.name,
    postal_address: {
      address_type: 'BUSINESS',
      address_line: bank.address.line,
      building_number: bank.address.building,
      country: 'Saudi Arabia',
      country_subdivision: null,
      post_code: bank.address.postCode,
      street_name: bank.address.street,
      town_name: bank.address.town,
    },
  };
}

/** The account holder's own bank as an agent. */
export function ownAgent(bank: SandboxBankProfile): Agent {
  return agentOf(bank.region, {
    name: bank.name,
    code: bank.region === 'UAE' ? bank.name : (bank.swift_code ?? bank.identifier),
    ibanCode: '',
    address: { line: 'P.O. Box 1, Riyadh', building: '2424', street: 'King Fahd Road', postCode: '12214', town: 'Riyadh' },
  });
}

/** A beneficiary's bank as Lean's beneficiaries sample spells it (`country_sub_division`, `department`, `sub_department`). */
export function beneficiaryAgent(region: Region, bank: CounterpartyBank): Agent {
  return {
    scheme_name: 'BICFI',
    identification: region === 'KSA' ? `KSAOB.${bank.code}` : bank.code,
    name: bank.name,
    postal_address: {
      address_line: bank.address.line,
      address_type: 'BUSINESS',
      building_number: bank.address.building,
      country: region === 'KSA' ? 'Saudi Arabia' : 'United Arab Emirates',
      department: null,
      post_code: bank.address.postCode === '' ? null : bank.address.postCode,
      street_name: bank.address.street,
      sub_department: null,
      town_name: bank.address.town,
      country_sub_division: null,
    },
  };
}
