import { describe, expect, it } from 'vitest';
import { formatMoney } from '../web/src/money.js';

describe('formatMoney (the web app’s amounts, from Decimal strings)', () => {
  it('groups thousands and keeps two decimals at least', () => {
    expect(formatMoney('1234.5', 'AED')).toBe('1,234.50 AED');
    expect(formatMoney('1234567', 'SAR')).toBe('1,234,567.00 SAR');
    expect(formatMoney('999.99')).toBe('999.99');
    expect(formatMoney('0')).toBe('0.00');
  });

  it('keeps every decimal of the string, never rounding', () => {
    expect(formatMoney('10.125', 'AED')).toBe('10.125 AED');
    expect(formatMoney('0.1000')).toBe('0.1000');
  });

  it('is exact beyond what a float holds', () => {
    expect(formatMoney('12345678901234567.89', 'AED')).toBe('12,345,678,901,234,567.89 AED');
    expect(formatMoney('-9007199254740993.01')).toBe('-9,007,199,254,740,993.01');
  });

  it('puts the sign in front and drops it on zero', () => {
    expect(formatMoney('-1500.25', 'AED')).toBe('-1,500.25 AED');
    expect(formatMoney('+42')).toBe('42.00');
    expect(formatMoney('-0.00')).toBe('0.00');
    expect(formatMoney('007.5')).toBe('7.50');
  });

  it('shows anything that is not a decimal as it came', () => {
    expect(formatMoney('1e3', 'AED')).toBe('1e3 AED');
    expect(formatMoney('abc')).toBe('abc');
  });
});
