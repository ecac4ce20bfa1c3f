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
  const iso = value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`unparseable timestamptz ${value}`);
  return date;
}

const identity = (value: string): string => value;

export const typeParsers: Readonly<Record<number, TextParser>> = {
  [PG_OID.NUMERIC]: identity,
  [PG_OID.INT8]: parseInt8,
  [PG_OID.DATE]: identity,
  [PG_OID.TIMESTAMPTZ]: parseTimestamptz,
};
