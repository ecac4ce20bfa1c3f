// The emulator's data comes from a seed, so every process shows a sandbox customer the same bank history.
import { TRANSACTION_CATEGORIES, type TransactionCategory } from '../model/categories.js';
import { createHash } from 'node:crypto';

export type Region = 'UAE' | 'KSA';
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

type Category = TransactionCategory;
export { TRANSACTION_CATEGORIES };

const TYPES = ['PURCHASE', 'TRANSFER', 'ATM_WITHDRAWAL', 'SALARY', 'FEE', 'REFUND', 'BILL_PAYMENT', 'DIRECT_DEBIT', 'PROFIT'] as const;
type TransactionType = (typeof TYPES)[number];
export const TRANSACTION_TYPES: readonly string[] = TYPES;

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
}

// Every random stream is sfc32 keyed by SHA-256 of (seed, parts), so no output depends on call order.

interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  digits(count: number): string;
}

function digestOf(kind: string, seed: string, parts: readonly string[]): Buffer {
  // JSON of the array keeps ('ab','c') and ('a','bc') apart.
  return createHash('sha256').update(JSON.stringify([kind, seed, ...parts])).digest();
}

function sfc32(key: Buffer): Random {
  let a = key.readUInt32LE(0);
  let b = key.readUInt32LE(4);
  let c = key.readUInt32LE(8);
  let d = key.readUInt32LE(12);
  const next = (): number => {
    const t0 = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const t = (t0 + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 are correlated with the key words; the reference implementation discards them.
  for (let i = 0; i < 12; i++) next();
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('cannot pick from an empty list');
      return item;
    },
    digits: (count) => {
      let text = '';
      for (let i = 0; i < count; i++) text += String(Math.floor(next() * 10));
      return text;
    },
  };
  return random;
}

class WeightedTable<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;

  constructor(entries: readonly (readonly [T, number])[]) {
    for (const [item, weight] of entries) {
      if (weight <= 0) continue;
      this.total += weight;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
    if (this.items.length === 0) throw new Error('a weighted table needs at least one positive weight');
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] ?? Infinity) > target) high = middle;
      else low = middle + 1;
    }
    const item = this.items[low];
    if (item === undefined) throw new Error('weighted pick out of range');
    return item;
  }
}

/** Minor units skewed small as on a statement; only + and × (Math.exp/log may differ between engines). */
function amountMinor(random: Random, [min, max]: readonly [number, number], stepMinor = 1): number {
  const low = Math.round(min * 100);
  const high = Math.round(max * 100);
  const u = random.next();
  const raw = low + Math.floor(u * u * (high - low + 1));
  return Math.max(stepMinor, Math.round(raw / stepMinor) * stepMinor);
}

function mod97(digits: string): number {
  let remainder = 0;
  for (let i = 0; i < digits.length; i += 7) remainder = Number(String(remainder) + digits.slice(i, i + 7)) % 97;
  return remainder;
}

function ibanNumeric(rearranged: string): string {
  let digits = '';
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    digits += code >= 65 ? String(code - 55) : char;
  }
  return digits;
}

const IBAN_LENGTHS: Readonly<Record<string, number>> = { AE: 23, SA: 24, GB: 22, DE: 22, FR: 27, NL: 18, BH: 22, KW: 30, QA: 29, OM: 23, EG: 29, JO: 30 };

/** ISO 13616: country code, two check digits, BBAN; mod 97 of the rearranged number is 1. Print-format spaces are ignored. */
export function isValidIban(iban: string): boolean {
  const compact = iban.replace(/ /g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const expectedLength = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expectedLength !== undefined && compact.length !== expectedLength) return false;
  return mod97(ibanNumeric(compact.slice(4) + compact.slice(0, 4))) === 1;
}

function buildIban(country: 'AE' | 'SA', bban: string): string {
  const check = 98 - mod97(ibanNumeric(`${bban}${country}00`));
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

/** Both the Emirates ID and the Saudi national id end in a Luhn check digit. */
function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let digit = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

// Days are integers counted from 1970-01-01 UTC so that ranges are plain integer loops.

const DAY_MS = 86_400_000;

function parseDay(value: string, label: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = new Date(0);
  if (match) date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!match || date.toISOString().slice(0, 10) !== value) throw new RangeError(`${label} must be a YYYY-MM-DD date, got ${JSON.stringify(value)}`);
  return date.getTime() / DAY_MS;
}

function threeYearsBefore(day: number): number {
  const date = new Date(day * DAY_MS);
  date.setUTCFullYear(date.getUTCFullYear() - 3);
  return date.getTime() / DAY_MS;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

interface City {
  name: string;
  /** Malls and districts that appear after a merchant's name on a card statement. */
  branches: readonly string[];
  /** Residential areas for addresses. */
  areas: readonly string[];
  utility: Provider;
  postalPrefix: string;
}

interface Provider {
  statement: string;
  cleansed: string;
}

const UAE_CITIES: readonly City[] = [
  {
    name: 'Dubai',
    branches: ['CITY CENTRE DEIRA', 'MALL OF THE EMIRATES', 'DUBAI MALL', 'MIRDIF CITY CENTRE', 'MARINA MALL', 'IBN BATTUTA MALL', 'AL BARSHA', 'JLT', 'BUSINESS BAY'],
    areas: ['Dubai Marina', 'Al Barsha 1', 'Jumeirah Village Circle', 'Mirdif', 'Downtown Dubai', 'Al Nahda 2', 'Business Bay', 'Arabian Ranches'],
    utility: { statement: 'DEWA BILL PAYMENT', cleansed: 'DEWA' },
    postalPrefix: '',
  },
  {
    name: 'Abu Dhabi',
    branches: ['YAS MALL', 'MARINA MALL', 'AL WAHDA MALL', 'KHALIDIYAH MALL', 'THE GALLERIA', 'AL RAHA BEACH'],
    areas: ['Khalifa City', 'Al Reem Island', 'Al Khalidiyah', 'Mohammed Bin Zayed City', 'Al Raha Gardens'],
    utility: { statement: 'ADDC BILL PAYMENT', cleansed: 'ADDC' },
    postalPrefix: '',
  },
  {
    name: 'Sharjah',
    branches: ['CITY CENTRE', 'SAHARA CENTRE', 'MEGA MALL', 'AL NAHDA', 'MUWAILEH'],
    areas: ['Al Majaz 2', 'Al Nahda', 'Muwaileh', 'Al Khan'],
    utility: { statement: 'SEWA BILL PAYMENT', cleansed: 'SEWA' },
    postalPrefix: '',
  },
  {
    name: 'Al Ain',
    branches: ['KUWAITAT', 'BAWADI MALL', 'AL JIMI MALL'],
    areas: ['Al Jimi', 'Al Muwaiji', 'Al Towayya'],
    utility: { statement: 'AADC BILL PAYMENT', cleansed: 'AADC' },
    postalPrefix: '',
  },
  {
    name: 'Ajman',
    branches: ['CITY CENTRE', 'CHINA MALL', 'AL NUAIMIYA'],
    areas: ['Al Nuaimiya', 'Al Rashidiya', 'Al Jurf'],
    utility: { statement: 'ETIHAD WE BILL PAYMENT', cleansed: 'Etihad Water & Electricity' },
    postalPrefix: '',
  },
  {
    name: 'Ras Al Khaimah',
    branches: ['MANAR MALL', 'AL HAMRA MALL', 'AL NAKHEEL'],
    areas: ['Al Nakheel', 'Al Hamra Village', 'Mina Al Arab'],
    utility: { statement: 'ETIHAD WE BILL PAYMENT', cleansed: 'Etihad Water & Electricity' },
    postalPrefix: '',
  },
];

const SEC: Provider = { statement: 'SADAD SAUDI ELECTRICITY CO', cleansed: 'Saudi Electricity Company' };
const KSA_CITIES: readonly City[] = [
  {
    name: 'Riyadh',
    branches: ['RIYADH PARK', 'KINGDOM CENTRE', 'AL NAKHEEL MALL', 'GRANADA CENTER', 'PANORAMA MALL', 'AL OLAYA', 'HITTIN'],
    areas: ['Al Olaya', 'Al Malqa', 'Al Nakheel', 'Al Yasmin', 'Hittin', 'Al Sulimaniyah'],
    utility: SEC,
    postalPrefix: '1',
  },
  {
    name: 'Jeddah',
    branches: ['RED SEA MALL', 'MALL OF ARABIA', 'AL ANDALUS MALL', 'TAHLIA', 'AL ROWDAH'],
    areas: ['Al Rawdah', 'Al Zahra', 'Al Shati', 'Al Hamra', 'Al Salamah'],
    utility: SEC,
    postalPrefix: '2',
  },
  {
    name: 'Dammam',
    branches: ['AL OTHAIM MALL', 'NAKHEEL MALL', 'AL SHATEA', 'AL FAISALIYAH'],
    areas: ['Al Faisaliyah', 'Al Shati', 'Al Mazruiyah', 'Al Nakheel'],
    utility: SEC,
    postalPrefix: '3',
  },
  {
    name: 'Khobar',
    branches: ['AL RASHID MALL', 'MALL OF DHAHRAN', 'AL ULAYA'],
    areas: ['Al Ulaya', 'Al Aqrabiyah', 'Al Khobar Al Shamalia'],
    utility: SEC,
    postalPrefix: '3',
  },
  {
    name: 'Makkah',
    branches: ['AL HIJAZ MALL', 'ABRAJ AL BAIT', 'AL AZIZIYAH'],
    areas: ['Al Aziziyah', 'Al Awali', 'Al Shawqiyah'],
    utility: SEC,
    postalPrefix: '2',
  },
  {
    name: 'Madinah',
    branches: ['AL NOOR MALL', 'AL RASHID MEGA MALL', 'QUBA'],
    areas: ['Quba', 'Al Aziziyah', 'Al Khalidiyah'],
    utility: SEC,
    postalPrefix: '4',
  },
];

const REGION_FACTS = {
  UAE: { country: 'AE', currency: 'AED', cities: UAE_CITIES, countryName: 'United Arab Emirates', mobilePrefixes: ['0', '2', '4', '5', '6', '8'], feeMinor: 1050 },
  // KSA fees carry 15% VAT, UAE fees 5%.
  KSA: { country: 'SA', currency: 'SAR', cities: KSA_CITIES, countryName: 'Saudi Arabia', mobilePrefixes: ['0', '3', '4', '5', '6', '9'], feeMinor: 1150 },
} as const;

function regionOfCurrency(currency: SandboxAccount['currency_code']): Region {
  return currency === 'AED' ? 'UAE' : 'KSA';
}

const NAMES = {
  UAE: {
    male: ['Mohammed', 'Ahmed', 'Khalid', 'Saeed', 'Rashid', 'Omar', 'Hamdan', 'Sultan', 'Abdullah', 'Faisal', 'Yousef', 'Hamad', 'Majid', 'Obaid', 'Juma'],
    female: ['Fatima', 'Aisha', 'Mariam', 'Noura', 'Sara', 'Hessa', 'Shamma', 'Latifa', 'Maitha', 'Alya', 'Reem', 'Amna', 'Mouza', 'Shaikha'],
    family: ['Al Mansouri', 'Al Nuaimi', 'Al Mazrouei', 'Al Falasi', 'Al Shamsi', 'Al Ketbi', 'Al Suwaidi', 'Al Dhaheri', 'Al Hammadi', 'Al Marzooqi', 'Al Blooshi', 'Al Zaabi', 'Al Kaabi', 'Al Mheiri'],
  },
  KSA: {
    male: ['Abdulrahman', 'Turki', 'Fahad', 'Nasser', 'Bandar', 'Saud', 'Sultan', 'Mohammed', 'Abdulaziz', 'Faisal', 'Khalid', 'Majed', 'Saleh', 'Ibrahim', 'Yazeed'],
    female: ['Nouf', 'Lama', 'Haifa', 'Reem', 'Sara', 'Abeer', 'Hind', 'Lulwa', 'Dalal', 'Munira', 'Jawaher', 'Ghada', 'Asma', 'Hessa'],
    family: ['Al Qahtani', 'Al Otaibi', 'Al Ghamdi', 'Al Harbi', 'Al Zahrani', 'Al Dosari', 'Al Shehri', 'Al Mutairi', 'Al Subaie', 'Al Anazi', 'Al Shammari', 'Al Sulaiman', 'Al Rashidi', 'Al Juhani'],
  },
} as const;

const EMAIL_DOMAINS = { UAE: ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'eim.ae'], KSA: ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com'] } as const;
const KSA_STREETS = ['King Fahd Road', 'Prince Sultan Street', 'King Abdulaziz Road', 'Olaya Street', 'Tahlia Street', 'Prince Mohammed Bin Abdulaziz Road', 'King Abdullah Road'];
const UAE_TOWERS = ['Marina Crown', 'Al Noor Tower', 'Sky Gardens', 'Bay Square Building 4', 'Al Waleed Residence', 'Sun Tower', 'Golden Sands 7'];

function personName(random: Random, region: Region): string {
  const names = NAMES[region];
  return `${random.pick(random.chance(0.5) ? names.male : names.female)} ${random.pick(names.family)}`;
}

type RegionTag = 'AE' | 'SA' | 'both';
interface Merchant {
  regions: RegionTag;
  category: Category;
  type: TransactionType;
  /** May hold {branch} (mall or district), {n} (site number) and {person}, as card terminals print them. */
  statement: string;
  cleansed: string;
  /** 'local' appends the city and country of the purchase, 'none' nothing, anything else is a fixed place ('AMSTERDAM NL'). */
  place: string;
  range: readonly [number, number];
  weight: number;
  step?: number;
  credit?: boolean;
  /** Charged in a foreign currency, so a foreign-transaction fee follows. */
  foreign?: boolean;
}

function merchant(
  regions: RegionTag,
  category: Category,
  type: TransactionType,
  statement: string,
  cleansed: string,
  range: readonly [number, number],
  weight: number,
  extra: Partial<Pick<Merchant, 'place' | 'step' | 'credit' | 'foreign'>> = {},
): Merchant {
  return { regions, category, type, statement, cleansed, range, weight, place: 'local', ...extra };
}

const MERCHANTS: readonly Merchant[] = [
  merchant('both', 'GROCERIES', 'PURCHASE', 'CARREFOUR {branch}', 'Carrefour', [15, 650], 8),
  merchant('both', 'GROCERIES', 'PURCHASE', 'LULU HYPERMARKET {branch}', 'Lulu Hypermarket', [20, 500], 5),
  merchant('AE', 'GROCERIES', 'PURCHASE', 'SPINNEYS {branch}', 'Spinneys', [20, 450], 4),
  merchant('AE', 'GROCERIES', 'PURCHASE', 'UNION COOP {branch}', 'Union Coop', [15, 400], 3),
  merchant('AE', 'GROCERIES', 'PURCHASE', 'WAITROSE {branch}', 'Waitrose', [25, 500], 2),
  merchant('AE', 'GROCERIES', 'PURCHASE', 'CHOITHRAMS {branch}', 'Choithrams', [10, 300], 2),
  merchant('AE', 'GROCERIES', 'PURCHASE', 'KIBSONS INTERNATIONAL', 'Kibsons', [60, 400], 1),
  merchant('SA', 'GROCERIES', 'PURCHASE', 'PANDA RETAIL CO {branch}', 'Panda', [15, 600], 5),
  merchant('SA', 'GROCERIES', 'PURCHASE', 'TAMIMI MARKETS {branch}', 'Tamimi Markets', [20, 500], 3),
  merchant('SA', 'GROCERIES', 'PURCHASE', 'DANUBE {branch}', 'Danube', [20, 550], 3),
  merchant('SA', 'GROCERIES', 'PURCHASE', 'OTHAIM MARKETS {branch}', 'Othaim Markets', [10, 400], 3),
  merchant('SA', 'GROCERIES', 'PURCHASE', 'NANA DIRECT', 'Nana', [40, 350], 1),

  merchant('AE', 'RESTAURANTS_DINING', 'PURCHASE', 'TALABAT', 'Talabat', [25, 220], 6),
  merchant('AE', 'RESTAURANTS_DINING', 'PURCHASE', 'DELIVEROO', 'Deliveroo', [30, 250], 3),
  merchant('AE', 'RESTAURANTS_DINING', 'PURCHASE', 'OPERATION FALAFEL {branch}', 'Operation Falafel', [20, 120], 1),
  merchant('AE', 'RESTAURANTS_DINING', 'PURCHASE', 'ALLO BEIRUT {branch}', 'Allo Beirut', [25, 160], 1),
  merchant('SA', 'RESTAURANTS_DINING', 'PURCHASE', 'HUNGERSTATION', 'HungerStation', [25, 200], 5),
  merchant('SA', 'RESTAURANTS_DINING', 'PURCHASE', 'JAHEZ', 'Jahez', [20, 180], 4),
  merchant('SA', 'RESTAURANTS_DINING', 'PURCHASE', 'ALBAIK {branch}', 'Al Baik', [15, 90], 3),
  merchant('SA', 'RESTAURANTS_DINING', 'PURCHASE', 'KUDU {branch}', 'Kudu', [15, 80], 1),
  merchant('both', 'RESTAURANTS_DINING', 'PURCHASE', 'STARBUCKS {branch}', 'Starbucks', [14, 70], 4),
  merchant('both', 'RESTAURANTS_DINING', 'PURCHASE', 'MCDONALDS {branch}', "McDonald's", [15, 90], 2),
  merchant('both', 'RESTAURANTS_DINING', 'PURCHASE', 'TIM HORTONS {branch}', 'Tim Hortons', [10, 60], 2),
  merchant('both', 'RESTAURANTS_DINING', 'PURCHASE', 'SHAKE SHACK {branch}', 'Shake Shack', [35, 180], 1),

  merchant('AE', 'TRANSPORT', 'PURCHASE', 'ADNOC {n}', 'ADNOC', [40, 320], 4),
  merchant('AE', 'TRANSPORT', 'PURCHASE', 'ENOC {n}', 'ENOC', [40, 300], 2),
  merchant('AE', 'TRANSPORT', 'PURCHASE', 'SALIK RECHARGE', 'Salik', [50, 200], 2, { place: 'DUBAI AE', step: 5000 }),
  merchant('AE', 'TRANSPORT', 'PURCHASE', 'RTA NOL TOP UP', 'Nol', [20, 100], 1, { place: 'DUBAI AE', step: 1000 }),
  merchant('both', 'TRANSPORT', 'PURCHASE', 'CAREEM', 'Careem', [12, 95], 3),
  merchant('both', 'TRANSPORT', 'PURCHASE', 'UBER *TRIP', 'Uber', [12, 110], 2),
  merchant('SA', 'TRANSPORT', 'PURCHASE', 'ALDREES PETROLEUM {n}', 'Aldrees', [40, 250], 3),
  merchant('SA', 'TRANSPORT', 'PURCHASE', 'SASCO STATION {n}', 'SASCO', [40, 250], 2),
  merchant('SA', 'TRANSPORT', 'PURCHASE', 'PETROMIN EXPRESS {branch}', 'Petromin', [80, 350], 1),

  merchant('both', 'RETAIL', 'PURCHASE', 'NOON.COM', 'Noon', [30, 900], 4),
  merchant('AE', 'RETAIL', 'PURCHASE', 'AMAZON.AE', 'Amazon', [25, 1200], 3),
  merchant('SA', 'RETAIL', 'PURCHASE', 'AMAZON.SA', 'Amazon', [25, 1200], 3),
  merchant('both', 'RETAIL', 'PURCHASE', 'IKEA {branch}', 'IKEA', [50, 2500], 1),
  merchant('both', 'RETAIL', 'PURCHASE', 'CENTREPOINT {branch}', 'Centrepoint', [40, 600], 2),
  merchant('both', 'RETAIL', 'PURCHASE', 'H&M {branch}', 'H&M', [50, 700], 1),
  merchant('both', 'RETAIL', 'PURCHASE', 'ZARA {branch}', 'Zara', [80, 900], 1),
  merchant('both', 'RETAIL', 'PURCHASE', 'NAMSHI', 'Namshi', [60, 800], 1),
  merchant('both', 'RETAIL', 'PURCHASE', 'VIRGIN MEGASTORE {branch}', 'Virgin Megastore', [30, 1500], 0.5),
  merchant('AE', 'RETAIL', 'PURCHASE', 'SHARAF DG {branch}', 'Sharaf DG', [60, 4500], 1),
  merchant('AE', 'RETAIL', 'PURCHASE', 'ACE HARDWARE {branch}', 'ACE', [30, 900], 0.5),
  merchant('SA', 'RETAIL', 'PURCHASE', 'JARIR BOOKSTORE {branch}', 'Jarir Bookstore', [30, 3500], 2),
  merchant('SA', 'RETAIL', 'PURCHASE', 'EXTRA STORES {branch}', 'eXtra', [80, 4500], 1),

  merchant('both', 'ENTERTAINMENT', 'PURCHASE', 'VOX CINEMAS {branch}', 'VOX Cinemas', [35, 250], 2),
  merchant('AE', 'ENTERTAINMENT', 'PURCHASE', 'REEL CINEMAS {branch}', 'Reel Cinemas', [35, 220], 0.5),
  merchant('SA', 'ENTERTAINMENT', 'PURCHASE', 'MUVI CINEMAS {branch}', 'Muvi Cinemas', [35, 220], 1),
  merchant('both', 'ENTERTAINMENT', 'PURCHASE', 'PLAYSTATION NETWORK', 'PlayStation', [20, 300], 0.5),
  merchant('AE', 'ENTERTAINMENT', 'PURCHASE', 'DUBAI PARKS AND RESORTS', 'Dubai Parks and Resorts', [200, 1200], 0.3, { place: 'DUBAI AE' }),
  merchant('AE', 'ENTERTAINMENT', 'PURCHASE', 'FERRARI WORLD', 'Ferrari World', [250, 1100], 0.3, { place: 'ABU DHABI AE' }),
  merchant('SA', 'ENTERTAINMENT', 'PURCHASE', 'BOULEVARD RIYADH CITY', 'Boulevard Riyadh City', [50, 600], 0.5, { place: 'RIYADH SA' }),

  merchant('AE', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'ASTER PHARMACY {branch}', 'Aster Pharmacy', [15, 300], 2),
  merchant('AE', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'LIFE PHARMACY {branch}', 'Life Pharmacy', [15, 300], 2),
  merchant('AE', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'MEDICLINIC {branch}', 'Mediclinic', [150, 1200], 0.5),
  merchant('SA', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'NAHDI PHARMACY {branch}', 'Nahdi Pharmacy', [15, 300], 3),
  merchant('SA', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'AL DAWAA PHARMACY {branch}', 'Al Dawaa Pharmacy', [15, 300], 2),
  merchant('SA', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'DR SULAIMAN AL HABIB HOSPITAL', 'Dr Sulaiman Al Habib', [150, 1500], 0.5),
  merchant('both', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'BOOTS {branch}', 'Boots', [20, 250], 1),
  merchant('both', 'HEALTH_AND_WELLBEING', 'PURCHASE', 'FITNESS FIRST {branch}', 'Fitness First', [250, 600], 0.5),

  merchant('AE', 'TRAVEL', 'PURCHASE', 'EMIRATES AIRLINE', 'Emirates', [600, 6500], 0.6, { place: 'DUBAI AE' }),
  merchant('AE', 'TRAVEL', 'PURCHASE', 'FLYDUBAI', 'flydubai', [350, 2500], 0.6, { place: 'DUBAI AE' }),
  merchant('AE', 'TRAVEL', 'PURCHASE', 'ETIHAD AIRWAYS', 'Etihad Airways', [600, 6000], 0.4, { place: 'ABU DHABI AE' }),
  merchant('AE', 'TRAVEL', 'PURCHASE', 'AIR ARABIA', 'Air Arabia', [300, 2000], 0.4, { place: 'SHARJAH AE' }),
  merchant('AE', 'TRAVEL', 'PURCHASE', 'ROTANA HOTELS {branch}', 'Rotana', [400, 2500], 0.2),
  merchant('SA', 'TRAVEL', 'PURCHASE', 'SAUDIA', 'Saudia', [400, 5500], 0.6, { place: 'JEDDAH SA' }),
  merchant('SA', 'TRAVEL', 'PURCHASE', 'FLYNAS', 'flynas', [250, 2000], 0.6, { place: 'RIYADH SA' }),
  merchant('SA', 'TRAVEL', 'PURCHASE', 'FLYADEAL', 'flyadeal', [200, 1500], 0.4, { place: 'JEDDAH SA' }),
  merchant('SA', 'TRAVEL', 'PURCHASE', 'ALMOSAFER', 'Almosafer', [300, 4000], 0.4, { place: 'RIYADH SA' }),
  merchant('both', 'TRAVEL', 'PURCHASE', 'BOOKING.COM', 'Booking.com', [300, 4000], 0.5, { place: 'AMSTERDAM NL', foreign: true }),
  merchant('both', 'TRAVEL', 'PURCHASE', 'AIRBNB * HM', 'Airbnb', [300, 3500], 0.3, { place: 'DUBLIN IE', foreign: true }),

  merchant('AE', 'GOVERNMENT', 'BILL_PAYMENT', 'DUBAI POLICE FINES', 'Dubai Police', [100, 1000], 0.4, { place: 'DUBAI AE', step: 5000 }),
  merchant('AE', 'GOVERNMENT', 'BILL_PAYMENT', 'ICP SMART SERVICES', 'ICP', [100, 800], 0.3, { place: 'ABU DHABI AE' }),
  merchant('AE', 'GOVERNMENT', 'BILL_PAYMENT', 'TAMM ABU DHABI GOVERNMENT', 'TAMM', [50, 600], 0.3, { place: 'ABU DHABI AE' }),
  merchant('SA', 'GOVERNMENT', 'BILL_PAYMENT', 'SADAD MOI TRAFFIC VIOLATIONS', 'Ministry of Interior', [150, 900], 0.4, { step: 5000 }),
  merchant('SA', 'GOVERNMENT', 'BILL_PAYMENT', 'ABSHER SERVICES', 'Absher', [50, 700], 0.3, { place: 'RIYADH SA' }),
  merchant('SA', 'GOVERNMENT', 'BILL_PAYMENT', 'BALADY MUNICIPAL SERVICES', 'Balady', [50, 500], 0.2),

  merchant('AE', 'TRANSFER', 'TRANSFER', 'IPP TRANSFER TO {person}', '{person}', [50, 2500], 2, { place: 'none', step: 5000 }),
  merchant('SA', 'TRANSFER', 'TRANSFER', 'SARIE TRANSFER TO {person}', '{person}', [50, 2500], 2, { place: 'none', step: 5000 }),
  merchant('SA', 'TRANSFER', 'TRANSFER', 'STC PAY', 'STC Pay', [50, 1000], 2, { step: 5000 }),
  merchant('both', 'TRANSFER', 'TRANSFER', 'INWARD TRANSFER FROM {person}', '{person}', [100, 3000], 1, { place: 'none', step: 5000, credit: true }),

  merchant('both', 'OTHER', 'ATM_WITHDRAWAL', 'ATM CASH WITHDRAWAL {branch}', 'Cash withdrawal', [100, 2000], 2, { step: 10000 }),
  merchant('AE', 'OTHER', 'PURCHASE', 'ARAMEX', 'Aramex', [20, 150], 0.5),
  merchant('AE', 'OTHER', 'PURCHASE', 'EMIRATES POST {branch}', 'Emirates Post', [10, 120], 0.3),
  merchant('SA', 'OTHER', 'PURCHASE', 'SMSA EXPRESS', 'SMSA Express', [20, 150], 0.5),
  merchant('SA', 'OTHER', 'PURCHASE', 'SPL SAUDI POST {branch}', 'Saudi Post', [10, 120], 0.3),

  merchant('both', 'LOANS_AND_INVESTMENTS', 'DIRECT_DEBIT', 'TABBY', 'Tabby', [50, 800], 1),
  merchant('SA', 'LOANS_AND_INVESTMENTS', 'DIRECT_DEBIT', 'TAMARA', 'Tamara', [50, 800], 1),
  merchant('AE', 'LOANS_AND_INVESTMENTS', 'TRANSFER', 'SARWA DIGITAL WEALTH', 'Sarwa', [500, 5000], 0.2, { place: 'DUBAI AE', step: 10000 }),
  merchant('SA', 'LOANS_AND_INVESTMENTS', 'TRANSFER', 'DERAYAH FINANCIAL', 'Derayah', [500, 5000], 0.2, { place: 'RIYADH SA', step: 10000 }),
  merchant('both', 'BANK_FEES_AND_CHARGES', 'FEE', 'ATM WITHDRAWAL FEE OTHER BANK', 'ATM fee', [2.1, 2.1], 0.3, { place: 'none' }),
  merchant('AE', 'CHARITY', 'TRANSFER', 'DUBAI CARES DONATION', 'Dubai Cares', [50, 500], 0.2, { place: 'DUBAI AE', step: 5000 }),
  merchant('SA', 'CHARITY', 'TRANSFER', 'EHSAN PLATFORM DONATION', 'Ehsan', [20, 500], 0.3, { place: 'RIYADH SA', step: 1000 }),
  merchant('both', 'EDUCATION', 'PURCHASE', 'COURSERA', 'Coursera', [150, 400], 0.1, { place: 'MOUNTAIN VIEW US', foreign: true }),
  merchant('both', 'EDUCATION', 'PURCHASE', 'BRITISH COUNCIL', 'British Council', [300, 2500], 0.1),
  merchant('AE', 'RENT_AND_SERVICES', 'BILL_PAYMENT', 'DU PREPAID RECHARGE', 'du', [25, 200], 0.3, { step: 500 }),
  merchant('SA', 'RENT_AND_SERVICES', 'BILL_PAYMENT', 'MOBILY PREPAID RECHARGE', 'Mobily', [25, 200], 0.3, { step: 500 }),
];

/** Refunds reverse a purchase from these shops. */
const REFUNDABLE = MERCHANTS.filter((m) => m.category === 'RETAIL');

const tableCache = new Map<string, WeightedTable<Merchant>>();
function merchantTable(region: Region, kind: 'Checkings' | 'CreditCard'): WeightedTable<Merchant> {
  const key = `${region}/${kind}`;
  let table = tableCache.get(key);
  if (!table) {
    const tag = REGION_FACTS[region].country;
    const eligible = MERCHANTS.filter((m) => (m.regions === 'both' || m.regions === tag) && (kind === 'Checkings' || m.type === 'PURCHASE'));
    table = new WeightedTable(eligible.map((m) => [m, m.weight] as const));
    tableCache.set(key, table);
  }
  return table;
}

// Random (not recurring) transactions per day; totals with the recurring ones land mostly in 1–6.
const CHECKINGS_DAILY_COUNT = new WeightedTable<number>([[0, 4], [1, 20], [2, 25], [3, 22], [4, 15], [5, 9], [6, 5]]);
const CARD_DAILY_COUNT = new WeightedTable<number>([[0, 30], [1, 30], [2, 22], [3, 12], [4, 6]]);

const EMPLOYERS: Readonly<Record<Region, readonly string[]>> = {
  UAE: ['ACME TRADING LLC', 'GULF HORIZON CONTRACTING LLC', 'DESERT FALCON TECHNOLOGIES FZ LLC', 'AL NOOR MEDICAL CENTRE LLC', 'EMIRATES STAR LOGISTICS LLC', 'PEARL COAST HOSPITALITY LLC'],
  KSA: ['ACME TRADING CO', 'NAJD HORIZON CONTRACTING CO', 'RED SEA LOGISTICS CO', 'AL WAHA MEDICAL CO', 'ARABIAN FALCON TECHNOLOGIES CO', 'ASIR PEAK HOSPITALITY CO'],
};
interface PlacedProvider extends Provider {
  place: string;
}
interface Subscription extends Provider {
  minor: number;
}
const TELECOMS: Readonly<Record<Region, readonly PlacedProvider[]>> = {
  UAE: [
    { statement: 'ETISALAT BILL PAYMENT', cleansed: 'e&', place: 'ABU DHABI AE' },
    { statement: 'DU BILL PAYMENT', cleansed: 'du', place: 'DUBAI AE' },
  ],
  KSA: [
    { statement: 'SADAD STC BILL PAYMENT', cleansed: 'STC', place: 'RIYADH SA' },
    { statement: 'SADAD MOBILY BILL PAYMENT', cleansed: 'Mobily', place: 'RIYADH SA' },
    { statement: 'SADAD ZAIN BILL PAYMENT', cleansed: 'Zain', place: 'RIYADH SA' },
  ],
};
const CHARITIES: Readonly<Record<Region, readonly PlacedProvider[]>> = {
  UAE: [
    { statement: 'EMIRATES RED CRESCENT DONATION', cleansed: 'Emirates Red Crescent', place: 'ABU DHABI AE' },
    { statement: 'BEIT AL KHAIR SOCIETY', cleansed: 'Beit Al Khair', place: 'DUBAI AE' },
  ],
  KSA: [
    { statement: 'SAUDI RED CRESCENT DONATION', cleansed: 'Saudi Red Crescent', place: 'RIYADH SA' },
    { statement: 'KSRELIEF DONATION', cleansed: 'KSrelief', place: 'RIYADH SA' },
  ],
};
const SCHOOLS: Readonly<Record<Region, readonly Provider[]>> = {
  UAE: [
    { statement: 'GEMS EDUCATION SCHOOL FEES', cleansed: 'GEMS Education' },
    { statement: 'ALDAR ACADEMIES FEES', cleansed: 'Aldar Academies' },
    { statement: 'TAALEEM SCHOOL FEES', cleansed: 'Taaleem' },
  ],
  KSA: [
    { statement: 'KINGDOM SCHOOLS FEES', cleansed: 'Kingdom Schools' },
    { statement: 'MANARAT SCHOOLS FEES', cleansed: 'Manarat Schools' },
    { statement: 'DAR AL FIKR SCHOOLS FEES', cleansed: 'Dar Al Fikr Schools' },
  ],
};
const STREAMING: Readonly<Record<Region, readonly Subscription[]>> = {
  UAE: [
    { statement: 'NETFLIX.COM', cleansed: 'Netflix', minor: 5600 },
    { statement: 'OSN PLUS', cleansed: 'OSN+', minor: 3500 },
    { statement: 'SPOTIFY', cleansed: 'Spotify', minor: 2199 },
  ],
  KSA: [
    { statement: 'NETFLIX.COM', cleansed: 'Netflix', minor: 4500 },
    { statement: 'SHAHID VIP', cleansed: 'Shahid', minor: 2999 },
    { statement: 'SPOTIFY', cleansed: 'Spotify', minor: 2199 },
  ],
};
/** School terms start in these months; the fee for a term is paid in its first month. */
const SCHOOL_TERM_MONTHS: readonly number[] = [1, 4, 9];

function titleCase(upper: string): string {
  return upper.toLowerCase().replace(/\b([a-z])/g, (letter) => letter.toUpperCase()).replace(/\bLlc\b/g, 'LLC').replace(/\bFz\b/g, 'FZ');
}

/** Commitments fixed for the whole history, so recurring items fall on the same day each month. */
interface AccountProfile {
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

function profileOf(random: Random, region: Region): AccountProfile {
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
  fields: { description: string; cleansed: string; category: Category; type: TransactionType; minor: number; confidenceFloor?: number },
): void {
  const { random } = context;
  const floor = fields.confidenceFloor ?? 75;
  context.drafts.push({
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
  });
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
  book(context, {
    description: place === 'none' ? statement : `${statement} ${place}`,
    cleansed: fill(chosen.cleansed, false),
    category: chosen.category,
    type: chosen.type,
    minor: chosen.credit === true ? magnitude : -magnitude,
    confidenceFloor: chosen.category === 'OTHER' ? 50 : 75,
  });
  if (chosen.foreign === true) {
    // Gulf cards charge about 2.99% on foreign-currency spend.
    book(context, { description: 'FOREIGN CURRENCY TRANSACTION FEE', cleansed: 'Foreign transaction fee', category: 'BANK_FEES_AND_CHARGES', type: 'FEE', minor: -Math.max(1, Math.round(magnitude * 0.0299)), confidenceFloor: 95 });
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
    book(context, { description: `SALARY TRANSFER ${profile.employer}`, cleansed: titleCase(profile.employer), category: 'SALARY_AND_REVENUE', type: 'SALARY', minor: profile.salaryMinor, confidenceFloor: 95 });
  }
  if (dayOfMonth === profile.rentDay && (month - profile.rentPhase + 12) % 3 === 0) {
    const cheque = profile.chequeStart + (year - 2000) * 4 + Math.floor((month - 1) / 3);
    const description = profile.region === 'UAE' ? `RENT CHEQUE NO ${cheque} CLEARING` : `EJAR RENT PAYMENT ${homeSuffix}`;
    book(context, { description, cleansed: profile.region === 'UAE' ? 'Rent' : 'Ejar', category: 'RENT_AND_SERVICES', type: 'BILL_PAYMENT', minor: -profile.rentMinor, confidenceFloor: 85 });
  }
  if (dayOfMonth === profile.utilityDay) {
    // Air conditioning roughly doubles the summer bill.
    const summer = month >= 6 && month <= 9 ? 2 : 1;
    const utility = profile.homeCity.utility;
    book(context, { description: `${utility.statement} ${homeSuffix}`, cleansed: utility.cleansed, category: 'RENT_AND_SERVICES', type: 'BILL_PAYMENT', minor: -amountMinor(random, [180 * summer, 700 * summer]), confidenceFloor: 90 });
  }
  if (dayOfMonth === profile.telecomDay) {
    book(context, { description: `${profile.telecom.statement} ${profile.telecom.place}`, cleansed: profile.telecom.cleansed, category: 'RENT_AND_SERVICES', type: 'BILL_PAYMENT', minor: -amountMinor(random, [125, 650]), confidenceFloor: 90 });
  }
  if (dayOfMonth === profile.loanDay) {
    book(context, { description: `PERSONAL LOAN INSTALMENT ${profile.loanReference}`, cleansed: 'Personal loan', category: 'LOANS_AND_INVESTMENTS', type: 'DIRECT_DEBIT', minor: -profile.loanMinor, confidenceFloor: 90 });
  }
  if (dayOfMonth === profile.feeDay) {
    book(context, { description: 'SMS ALERT CHARGES INCL VAT', cleansed: 'SMS alert charges', category: 'BANK_FEES_AND_CHARGES', type: 'FEE', minor: -REGION_FACTS[profile.region].feeMinor, confidenceFloor: 95 });
  }
  if (dayOfMonth === profile.charityDay) {
    book(context, { description: `${profile.charity.statement} ${profile.charity.place}`, cleansed: profile.charity.cleansed, category: 'CHARITY', type: 'TRANSFER', minor: -amountMinor(random, [50, 300], 5000), confidenceFloor: 90 });
  }
  if (dayOfMonth === profile.schoolDay && SCHOOL_TERM_MONTHS.includes(month)) {
    book(context, { description: `${profile.school.statement} ${homeSuffix}`, cleansed: profile.school.cleansed, category: 'EDUCATION', type: 'BILL_PAYMENT', minor: -profile.schoolTermMinor, confidenceFloor: 90 });
  }
  if (dayOfMonth === profile.registrationDay && month === profile.registrationMonth) {
    const description = profile.region === 'UAE' ? `MOI VEHICLE REGISTRATION RENEWAL ${homeSuffix}` : `SADAD MOI ISTIMARA RENEWAL ${homeSuffix}`;
    book(context, { description, cleansed: 'Vehicle registration', category: 'GOVERNMENT', type: 'BILL_PAYMENT', minor: -amountMinor(random, [350, 900], 500), confidenceFloor: 90 });
  }
  if (dayOfMonth === profile.streamingDay) {
    book(context, { description: `${profile.streaming.statement} ${homeSuffix}`, cleansed: profile.streaming.cleansed, category: 'ENTERTAINMENT', type: 'PURCHASE', minor: -profile.streaming.minor, confidenceFloor: 95 });
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
        book(context, { description: 'STANDING ORDER FROM OWN ACCOUNT', cleansed: 'Own account transfer', category: 'TRANSFER', type: 'TRANSFER', minor: profile.savingsMinor, confidenceFloor: 95 });
      }
      if (dayOfMonth === 1 && (month - 1) % 3 === 0) {
        const quarter = month === 1 ? 4 : (month - 1) / 3;
        const profitYear = month === 1 ? year - 1 : year;
        book(context, { description: `PROFIT CREDIT Q${quarter} ${profitYear}`, cleansed: 'Profit', category: 'LOANS_AND_INVESTMENTS', type: 'PROFIT', minor: amountMinor(random, [40, 1800]), confidenceFloor: 95 });
      }
      if (random.chance(0.015)) {
        book(context, { description: 'TRANSFER TO OWN ACCOUNT', cleansed: 'Own account transfer', category: 'TRANSFER', type: 'TRANSFER', minor: -amountMinor(random, [500, 8000], 10000), confidenceFloor: 95 });
      }
      return;
    }
    case 'CreditCard': {
      const table = merchantTable(profile.region, 'CreditCard');
      const count = CARD_DAILY_COUNT.pick(random);
      for (let i = 0; i < count; i++) addMerchantTransaction(context, table.pick(random));
      if (dayOfMonth === profile.cardPaymentDay) {
        book(context, { description: 'PAYMENT RECEIVED - THANK YOU', cleansed: 'Card payment', category: 'TRANSFER', type: 'TRANSFER', minor: amountMinor(random, [1000, 15000]), confidenceFloor: 95 });
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

export function createSandboxData(seed: string): SandboxData {
  const stream = (...parts: string[]): Random => sfc32(digestOf('stream', seed, parts));

  const uuid = (...parts: string[]): string => {
    const bytes = digestOf('uuid', seed, parts).subarray(0, 16);
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
  };

  const identity = (entityId: string, region: Region): SandboxIdentity => {
    const random = stream('identity', entityId, region);
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
    const address =
      region === 'UAE'
        ? random.chance(0.6)
          ? `Apartment ${random.int(1, 45)}${twoDigits(random.int(1, 20))}, ${random.pick(UAE_TOWERS)}, ${area}, ${city.name}, ${facts.countryName}`
          : `Villa ${random.int(1, 120)}, Street ${random.int(1, 60)}, ${area}, ${city.name}, ${facts.countryName}`
        : `Building ${random.int(1000, 9999)}, ${random.pick(KSA_STREETS)}, ${area} District, ${city.name} ${city.postalPrefix}${random.digits(4)}, ${facts.countryName}`;
    return {
      full_name: `${first} ${father} ${family}`,
      mobile_number: mobile,
      gender,
      national_identity_number: nationalId,
      birth_date: birthDate,
      email_address: email,
      address,
    };
  };

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

  const transactions = (account: SandboxAccount, range: { startDate: string; endDate: string; today: string }): SandboxTransaction[] => {
    const today = parseDay(range.today, 'today');
    const first = Math.max(parseDay(range.startDate, 'startDate'), threeYearsBefore(today));
    const last = Math.min(parseDay(range.endDate, 'endDate'), today);
    if (first > last) return [];
    const region = regionOfCurrency(account.currency_code);
    const profile = profileOf(stream('profile', account.account_id, account.type, region), region);
    const result: SandboxTransaction[] = [];
    for (let day = last; day >= first; day--) {
      const date = new Date(day * DAY_MS);
      const isoDate = date.toISOString().slice(0, 10);
      // One stream per (account, day): a day's transactions never depend on the range asked for.
      const context: DayContext = {
        profile,
        random: stream('day', account.account_id, account.type, isoDate),
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
          id: uuid('transaction', account.account_id, isoDate, String(index)),
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
        });
      }
    }
    return result;
  };

  return { uuid, identity, accounts, balance, transactions };
}
