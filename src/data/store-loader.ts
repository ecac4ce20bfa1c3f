import DataLoader from 'dataloader';
import { tracedBatch } from '../observability/tracing.js';

/**
 * A per-request loader over the store: each batch of keys is one query, each key answered by the row
 * whose `keyOf` matches (or the fallback).
 */
export function batchLoader<Row, Value = Row, Fallback = undefined>(
  read: (keys: readonly string[]) => Promise<Row[]>,
  keyOf: (row: Row) => string,
  valueOf: (row: Row) => Value = (row) => row as unknown as Value,
  fallback: () => Fallback = () => undefined as Fallback,
): DataLoader<string, Value | Fallback> {
  return new DataLoader<string, Value | Fallback>(
    tracedBatch('store', async (keys) => {
      const rows = await read(keys);
      const byKey = new Map(rows.map((row) => [keyOf(row), valueOf(row)]));
      return keys.map((key) => (byKey.has(key) ? (byKey.get(key) as Value) : fallback()));
    }),
  );
}

/** The same for rows that come in groups: each key answered by every row whose `keyOf` matches (none: empty). */
export function batchGroupLoader<R>(read: (keys: readonly string[]) => Promise<R[]>, keyOf: (row: R) => string): DataLoader<string, R[]> {
  return batchLoader(
    async (keys) => {
      const rows = await read(keys);
      const groups = new Map<string, R[]>(keys.map((key) => [key, []]));
      for (const row of rows) groups.get(keyOf(row))?.push(row);
      return [...groups.entries()];
    },
    ([key]) => key,
    ([, rows]) => rows,
    () => [],
  );
}
