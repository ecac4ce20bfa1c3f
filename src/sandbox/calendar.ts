// Days are integers counted from 1970-01-01 UTC so that ranges are plain integer loops.

export const DAY_MS = 86_400_000;

export function parseDay(value: string, label: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = new Date(0);
  if (match) date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!match || date.toISOString().slice(0, 10) !== value) throw new RangeError(`${label} must be a YYYY-MM-DD date, got ${JSON.stringify(value)}`);
  return date.getTime() / DAY_MS;
}

export function threeYearsBefore(day: number): number {
  const date = new Date(day * DAY_MS);
  date.setUTCFullYear(date.getUTCFullYear() - 3);
  return date.getTime() / DAY_MS;
}

export function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** A real `YYYY-MM-DD` day (not 2024-02-30). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** `YYYY-MM-DD` of a day number. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
