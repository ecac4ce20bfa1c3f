// Lean's v2 money: `{currency, amount}` with a JSON number written as Lean writes it (`1934`, `10.0`, `178268.21`).
import { randomBytes } from 'node:crypto';

/**
 * `integer`: a whole amount prints without decimals (`1934`); `decimal`: with one (`10.0`). Amounts
 * with fils or halalas print as JavaScript prints them (`7.2`, `178268.21`) either way.
 */
export type WholeStyle = 'integer' | 'decimal';

// JSON.stringify writes 10 for 10.0, so an amount goes through it as a marked string and is put back
// as a number afterwards. The nonce keeps a client's own text from ever being taken for a marker.
const NONCE = randomBytes(8).toString('hex');
const MARKER = `\u0000amount:${NONCE}:`;
const MARKED = new RegExp(`"\\\\u0000amount:${NONCE}:(\\d+(?:\\.\\d{1,2})?)"`, 'g');

/** A non-negative decimal amount whose JSON text is chosen here, not by JSON.stringify. */
export class LeanAmount {
  readonly text: string;

  constructor(
    /** In fils or halalas, non-negative. */
    readonly minor: number,
    style: WholeStyle = 'integer',
  ) {
    if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`an amount is a non-negative number of minor units, got ${minor}`);
    const whole = Math.floor(minor / 100);
    const cents = minor % 100;
    if (cents === 0) this.text = style === 'decimal' ? `${whole}.0` : String(whole);
    else if (cents % 10 === 0) this.text = `${whole}.${cents / 10}`;
    else this.text = `${whole}.${String(cents).padStart(2, '0')}`;
  }

  toJSON(): string {
    return `${MARKER}${this.text}`;
  }
}

export interface Money {
  readonly currency: string;
  readonly amount: LeanAmount;
}

export function money(minor: number, currency: string, style: WholeStyle = 'integer'): Money {
  return { currency, amount: new LeanAmount(minor, style) };
}

/** A signed amount as v2 carries it: positive, with the sign in `credit_debit_indicator`. */
export function signed(minor: number): { readonly indicator: 'CREDIT' | 'DEBIT'; readonly minor: number } {
  return minor < 0 ? { indicator: 'DEBIT', minor: -minor } : { indicator: 'CREDIT', minor };
}

/** JSON text of an answer, with every LeanAmount written as its number. */
export function jsonText(body: unknown): string {
  const text = JSON.stringify(body);
  return text.includes(NONCE) ? text.replace(MARKED, '$1') : text;
}
