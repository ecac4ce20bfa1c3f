// Identifiers with check digits, as banks and governments issue them.

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

export function buildIban(country: 'AE' | 'SA', bban: string): string {
  const check = 98 - mod97(ibanNumeric(`${bban}${country}00`));
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

/** Both the Emirates ID and the Saudi national id end in a Luhn check digit. */
export function luhnCheckDigit(payload: string): string {
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
