// Catalogues of what appears on a Gulf statement: merchants, employers, utilities, schools, subscriptions.
import type { TransactionCategory as Category } from '../model/categories.js';
import { REGION_FACTS, type Provider, type Region } from './places.js';
import { WeightedTable } from './random.js';

const TYPES = ['PURCHASE', 'TRANSFER', 'ATM_WITHDRAWAL', 'SALARY', 'FEE', 'REFUND', 'BILL_PAYMENT', 'DIRECT_DEBIT', 'PROFIT'] as const;
/** The `insights.type` of a v1 transaction. */
export type TransactionType = (typeof TYPES)[number];
export const TRANSACTION_TYPES: readonly string[] = TYPES;

type RegionTag = 'AE' | 'SA' | 'both';
export interface Merchant {
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
export const REFUNDABLE = MERCHANTS.filter((m) => m.category === 'RETAIL');

const tableCache = new Map<string, WeightedTable<Merchant>>();
export function merchantTable(region: Region, kind: 'Checkings' | 'CreditCard'): WeightedTable<Merchant> {
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
export const CHECKINGS_DAILY_COUNT = new WeightedTable<number>([[0, 4], [1, 20], [2, 25], [3, 22], [4, 15], [5, 9], [6, 5]]);
export const CARD_DAILY_COUNT = new WeightedTable<number>([[0, 30], [1, 30], [2, 22], [3, 12], [4, 6]]);

export const EMPLOYERS: Readonly<Record<Region, readonly string[]>> = {
  UAE: ['ACME TRADING LLC', 'GULF HORIZON CONTRACTING LLC', 'DESERT FALCON TECHNOLOGIES FZ LLC', 'AL NOOR MEDICAL CENTRE LLC', 'EMIRATES STAR LOGISTICS LLC', 'PEARL COAST HOSPITALITY LLC'],
  KSA: ['ACME TRADING CO', 'NAJD HORIZON CONTRACTING CO', 'RED SEA LOGISTICS CO', 'AL WAHA MEDICAL CO', 'ARABIAN FALCON TECHNOLOGIES CO', 'ASIR PEAK HOSPITALITY CO'],
};
export interface PlacedProvider extends Provider {
  place: string;
}
export interface Subscription extends Provider {
  minor: number;
}
export const TELECOMS: Readonly<Record<Region, readonly PlacedProvider[]>> = {
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
export const CHARITIES: Readonly<Record<Region, readonly PlacedProvider[]>> = {
  UAE: [
    { statement: 'EMIRATES RED CRESCENT DONATION', cleansed: 'Emirates Red Crescent', place: 'ABU DHABI AE' },
    { statement: 'BEIT AL KHAIR SOCIETY', cleansed: 'Beit Al Khair', place: 'DUBAI AE' },
  ],
  KSA: [
    { statement: 'SAUDI RED CRESCENT DONATION', cleansed: 'Saudi Red Crescent', place: 'RIYADH SA' },
    { statement: 'KSRELIEF DONATION', cleansed: 'KSrelief', place: 'RIYADH SA' },
  ],
};
export const SCHOOLS: Readonly<Record<Region, readonly Provider[]>> = {
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
export const STREAMING: Readonly<Record<Region, readonly Subscription[]>> = {
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
export const SCHOOL_TERM_MONTHS: readonly number[] = [1, 4, 9];
