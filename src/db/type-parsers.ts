/**
 * How column values come back from Postgres, for both the pg Pool and PGlite, set per connection
 * pool and never on the global pg-types registry:
 * - numeric stays the exact decimal string Postgres sent (money is never a float);
 * - int8 becomes a number, refusing values beyond 2^53 rather than rounding them;
 * - date stays `YYYY-MM-DD` (no time zone shift through a JS Date);
 * - timestamptz becomes a Date.
 */
export const PG_OID = { INT8: 20, DATE: 1082, TIMESTAMPTZ: 1184, NUMERIC: 1700 } as const;

export type TextParser = (value: string) => unknown;

export function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new RangeError(`int8 value ${value} is beyond the safe integer range`);
  }
  return parsed;
}

/** Postgres prints `2026-11-21 13:30:00.123456+00` (or `+05:30`); ISO 8601 needs `T` and `+00:00`. */
export function parseTimestamptz(value: string): Date {
  // The common case, a UTC session, read digit by digit: every stored row holds a few of these, and
  // building an ISO string for each was a few per cent of the CPU of answering a page (bench:query).
  const n = value.length;
  if (n >= 22 && n !== 23 && n <= 29 && value.charCodeAt(10) === 32 && value.endsWith('+00') && (n === 22 || value.charCodeAt(19) === 46)) {
    const ms = n === 22 ? 0 : digit(value, 20) * 100 + (n > 24 ? digit(value, 21) * 10 : 0) + (n > 25 ? digit(value, 22) : 0);
    const year = pair(value, 0) * 100 + pair(value, 2);
    // Date.UTC reads years 0–99 as 1900–1999: those take the general path.
    const time = year >= 100 ? Date.UTC(year, pair(value, 5) - 1, pair(value, 8), pair(value, 11), pair(value, 14), pair(value, 17), ms) : Number.NaN;
    if (!Number.isNaN(time)) return new Date(time);
  }
  const iso = value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`unparseable timestamptz ${value}`);
  return date;
}

// Module-level, not closures per call: under tsx each closure created is also named (a property write).
function digit(text: string, index: number): number {
  return text.charCodeAt(index) - 48;
}

function pair(text: string, index: number): number {
  return digit(text, index) * 10 + digit(text, index + 1);
}

const identity = (value: string): string => value;

export const typeParsers: Readonly<Record<number, TextParser>> = {
  [PG_OID.NUMERIC]: identity,
  [PG_OID.INT8]: parseInt8,
  [PG_OID.DATE]: identity,
  [PG_OID.TIMESTAMPTZ]: parseTimestamptz,
};
