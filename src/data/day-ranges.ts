/** Inclusive ranges of UTC days, `YYYY-MM-DD`: what was fetched, what is asked, what is missing. */
export interface DayRange {
  readonly start: string;
  readonly end: string;
}

const DAY_MS = 86_400_000;

export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** The parts of `wanted` that no range of `covered` includes, in order. */
export function uncoveredParts(wanted: DayRange, covered: readonly DayRange[]): DayRange[] {
  const sorted = [...covered].sort((a, b) => a.start.localeCompare(b.start));
  const gaps: DayRange[] = [];
  let cursor = wanted.start;
  for (const range of sorted) {
    if (cursor > wanted.end) break;
    if (range.end < cursor) continue;
    if (range.start > wanted.end) break;
    if (range.start > cursor) gaps.push({ start: cursor, end: addDays(range.start, -1) });
    const next = addDays(range.end, 1);
    if (next > cursor) cursor = next;
  }
  if (cursor <= wanted.end) gaps.push({ start: cursor, end: wanted.end });
  return gaps;
}
