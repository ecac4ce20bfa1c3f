// Catalogues of places and people of the two regions: cities, districts, names, streets.
import type { Random } from './random.js';

export type Region = 'UAE' | 'KSA';

export interface City {
  name: string;
  /** Malls and districts that appear after a merchant's name on a card statement. */
  branches: readonly string[];
  /** Residential areas for addresses. */
  areas: readonly string[];
  utility: Provider;
  postalPrefix: string;
}

export interface Provider {
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

export const REGION_FACTS = {
  UAE: { country: 'AE', currency: 'AED', cities: UAE_CITIES, countryName: 'United Arab Emirates', mobilePrefixes: ['0', '2', '4', '5', '6', '8'], feeMinor: 1050 },
  // KSA fees carry 15% VAT, UAE fees 5%.
  KSA: { country: 'SA', currency: 'SAR', cities: KSA_CITIES, countryName: 'Saudi Arabia', mobilePrefixes: ['0', '3', '4', '5', '6', '9'], feeMinor: 1150 },
} as const;

export function regionOfCurrency(currency: 'AED' | 'SAR'): Region {
  return currency === 'AED' ? 'UAE' : 'KSA';
}

export const NAMES = {
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

export const EMAIL_DOMAINS = { UAE: ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com', 'eim.ae'], KSA: ['gmail.com', 'outlook.com', 'hotmail.com', 'yahoo.com', 'icloud.com'] } as const;
export const KSA_STREETS = ['King Fahd Road', 'Prince Sultan Street', 'King Abdulaziz Road', 'Olaya Street', 'Tahlia Street', 'Prince Mohammed Bin Abdulaziz Road', 'King Abdullah Road'];
export const UAE_TOWERS = ['Marina Crown', 'Al Noor Tower', 'Sky Gardens', 'Bay Square Building 4', 'Al Waleed Residence', 'Sun Tower', 'Golden Sands 7'];

export function personName(random: Random, region: Region): string {
  const names = NAMES[region];
  return `${random.pick(random.chance(0.5) ? names.male : names.female)} ${random.pick(names.family)}`;
}
