// The account holder of an entity: one person per entity, the same in v1's identity and v2's.
import { DAY_MS, parseDay, twoDigits } from './calendar.js';
import type { SandboxIdentity } from './data.js';
import { luhnCheckDigit } from './identifiers.js';
import { EMAIL_DOMAINS, KSA_STREETS, NAMES, REGION_FACTS, UAE_TOWERS, type City, type Region } from './places.js';
import type { Seeded } from './random.js';

/** The parts v1 prints as one line and v2 gives field by field. */
export interface PersonDetails {
  readonly first: string;
  readonly father: string;
  readonly family: string;
  readonly city: City;
  readonly area: string;
  /** UAE: `{ apartment, tower }` or `{ villa, street }`; KSA: `{ building, street, postCode }`. */
  readonly home:
    | { readonly kind: 'apartment'; readonly apartment: string; readonly tower: string }
    | { readonly kind: 'villa'; readonly villa: string; readonly street: string }
    | { readonly kind: 'building'; readonly building: string; readonly street: string; readonly postCode: string };
}

export interface Person {
  readonly identity: SandboxIdentity;
  readonly details: PersonDetails;
}

/** The holder of an entity's accounts; the draws are v1's, in v1's order. */
export function personOf(seeded: Seeded, entityId: string, region: Region): Person {
  const random = seeded.stream('identity', entityId, region);
  const facts = REGION_FACTS[region];
  const names = NAMES[region];
  const gender = random.chance(0.5) ? 'male' : 'female';
  const first = random.pick(gender === 'male' ? names.male : names.female);
  const father = random.pick(names.male);
  const family = random.pick(names.family);
  const birthDay = random.int(parseDay('1960-01-01', 'birth'), parseDay('2004-12-31', 'birth'));
  const birthDate = new Date(birthDay * DAY_MS).toISOString().slice(0, 10);
  const birthYear = birthDate.slice(0, 4);
  const mobile = `+${region === 'UAE' ? '971' : '966'}5${random.pick(facts.mobilePrefixes)}${random.digits(7)}`;
  let nationalId: string;
  if (region === 'UAE') {
    const payload = `784${birthYear}${random.digits(7)}`;
    nationalId = `784-${birthYear}-${payload.slice(7)}-${luhnCheckDigit(payload)}`;
  } else {
    const payload = `1${random.digits(8)}`;
    nationalId = `${payload}${luhnCheckDigit(payload)}`;
  }
  const local = `${first}.${family.replace(/ /g, '')}`.toLowerCase();
  const email = `${local}${random.chance(0.6) ? birthYear.slice(2) : String(random.int(1, 99))}@${random.pick(EMAIL_DOMAINS[region])}`;
  const city = random.pick(facts.cities);
  const area = random.pick(city.areas);
  let home: PersonDetails['home'];
  let address: string;
  if (region === 'UAE') {
    if (random.chance(0.6)) {
      const apartment = `${random.int(1, 45)}${twoDigits(random.int(1, 20))}`;
      const tower = random.pick(UAE_TOWERS);
      home = { kind: 'apartment', apartment, tower };
      address = `Apartment ${apartment}, ${tower}, ${area}, ${city.name}, ${facts.countryName}`;
    } else {
      const villa = String(random.int(1, 120));
      const street = `Street ${random.int(1, 60)}`;
      home = { kind: 'villa', villa, street };
      address = `Villa ${villa}, ${street}, ${area}, ${city.name}, ${facts.countryName}`;
    }
  } else {
    const building = String(random.int(1000, 9999));
    const street = random.pick(KSA_STREETS);
    const postCode = `${city.postalPrefix}${random.digits(4)}`;
    home = { kind: 'building', building, street, postCode };
    address = `Building ${building}, ${street}, ${area} District, ${city.name} ${postCode}, ${facts.countryName}`;
  }
  return {
    identity: {
      full_name: `${first} ${father} ${family}`,
      mobile_number: mobile,
      gender,
      national_identity_number: nationalId,
      birth_date: birthDate,
      email_address: email,
      address,
    },
    details: { first, father, family, city, area, home },
  };
}
