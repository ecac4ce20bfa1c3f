import { describe, expect, it } from 'vitest';
import { uncoveredParts } from '../src/data/day-ranges.js';
import { normalizeCategory } from '../src/model/categories.js';

describe('which days of a range still need fetching', () => {
  const wanted = { start: '2026-01-01', end: '2026-01-31' };
  it.each([
    ['nothing fetched', [], [wanted]],
    ['all fetched', [{ start: '2025-12-01', end: '2026-02-01' }], []],
    ['the middle fetched', [{ start: '2026-01-10', end: '2026-01-20' }], [{ start: '2026-01-01', end: '2026-01-09' }, { start: '2026-01-21', end: '2026-01-31' }]],
    [
      'overlapping and adjacent pieces',
      [
        { start: '2026-01-05', end: '2026-01-08' },
        { start: '2025-12-20', end: '2026-01-02' },
        { start: '2026-01-07', end: '2026-01-12' },
        { start: '2026-01-13', end: '2026-01-14' },
      ],
      [{ start: '2026-01-03', end: '2026-01-04' }, { start: '2026-01-15', end: '2026-01-31' }],
    ],
    ['a piece outside', [{ start: '2026-03-01', end: '2026-03-05' }], [wanted]],
    ['the last day only', [{ start: '2026-01-01', end: '2026-01-30' }], [{ start: '2026-01-31', end: '2026-01-31' }]],
  ])('%s', (_name, covered, gaps) => {
    expect(uncoveredParts(wanted, covered)).toEqual(gaps);
  });

  it('crosses month and leap-year ends', () => {
    expect(uncoveredParts({ start: '2028-02-27', end: '2028-03-02' }, [{ start: '2028-02-28', end: '2028-02-29' }])).toEqual([
      { start: '2028-02-27', end: '2028-02-27' },
      { start: '2028-03-01', end: '2028-03-02' },
    ]);
  });
});

describe('transaction categories', () => {
  it('keeps the documented ones, maps the alternative spelling, and reads an unknown one as OTHER', () => {
    expect(normalizeCategory('GROCERIES')).toBe('GROCERIES');
    expect(normalizeCategory('LOANS_AND_INVESTMENT')).toBe('LOANS_AND_INVESTMENTS');
    expect(normalizeCategory('crypto_assets')).toBe('OTHER');
    expect(normalizeCategory('')).toBe('OTHER');
  });
});
