import type { LogPlace } from '../store/event-log-store.js';

/**
 * A delivered event's cursor: its place in the event log, opaque to clients (base64url of
 * `1.<tx>.<position>`). A client that reconnects hands it back to receive what it missed.
 */
export function cursorOf(place: LogPlace): string {
  return Buffer.from(`1.${place.tx}.${place.position}`).toString('base64url');
}

/** The place a cursor names; undefined when the text is not a cursor of ours. */
export function placeOfCursor(cursor: string): LogPlace | undefined {
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const match = /^1\.(\d{1,20})\.(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (match === null) return undefined;
  const [, tx = '', position = ''] = match;
  return { tx: BigInt(tx).toString(), position: Number(position) };
}

/** Negative, zero or positive as `a` comes before, at or after `b` in the log. */
export function compareLogPlaces(a: LogPlace, b: LogPlace): number {
  const tx = BigInt(a.tx) - BigInt(b.tx);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  return a.position - b.position;
}
