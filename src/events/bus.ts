import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { Tables } from '../db/tables.js';
import type { Logger } from '../log.js';
import {
  appendEvent,
  EVENT_CHANNEL,
  lastMatching,
  LOG_START,
  prunedThrough,
  readMatching,
  readSettledAfter,
  logNow,
  settledEnd,
  type LoggedEvent,
  type LogPlace,
} from '../store/event-log-store.js';
import { wakeListeners } from '../store/wake-up.js';
import { compareLogPlaces, cursorOf, placeOfCursor } from './cursor.js';
import { SubscriberQueue } from './subscriber-queue.js';

/** What happened, by ids only: subscribers read the data from the store with fresh loaders. */
export type GatewayEvent =
  | { readonly topic: 'entityLinked'; readonly customerId: string; readonly entityId: string }
  | { readonly topic: 'entityReconnected'; readonly customerId: string; readonly entityId: string }
  | { readonly topic: 'reconnectRequired'; readonly customerId: string; readonly entityId: string; readonly reconnectId: string; readonly resultsId: string }
  | { readonly topic: 'resultsReady'; readonly customerId: string; readonly resultsId: string }
  /** Lean finished reading the entity's bank into its data store, and the gateway read it again into its own. */
  | { readonly topic: 'dataRefreshed'; readonly customerId: string; readonly entityId: string; readonly refreshId: string | null; readonly status: string }
  /** A consent of the entity ends within GATEWAY_CONSENT_NOTICE_DAYS: sent once per consent. */
  | { readonly topic: 'consentExpiring'; readonly customerId: string; readonly entityId: string; readonly consentId: string; readonly expiresAt: string }
  /** The entity's consent state moved: revoked, expired, refused by Lean with CONSENT_EXPIRED, or given again. */
  | { readonly topic: 'consentChanged'; readonly customerId: string; readonly entityId: string }
  /** Lean said a bank went down or came back (`bank.availability.updated`): for every subscriber, as bank status is nobody's personal data. */
  | { readonly topic: 'bankAvailabilityChanged'; readonly customerId: null; readonly bankIdentifier: string }
  /**
   * Stored data changed with no subscription of its own (an entity re-read or marked stale, a
   * mutation): kept answers of the customer must go; of every customer when `customerId` is null.
   */
  | { readonly topic: 'dataChanged'; readonly customerId: string | null; readonly entityId: string | null };

const gatewayEvent = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('entityLinked'), customerId: z.string(), entityId: z.string() }),
  z.object({ topic: z.literal('entityReconnected'), customerId: z.string(), entityId: z.string() }),
  z.object({ topic: z.literal('reconnectRequired'), customerId: z.string(), entityId: z.string(), reconnectId: z.string(), resultsId: z.string() }),
  z.object({ topic: z.literal('resultsReady'), customerId: z.string(), resultsId: z.string() }),
  z.object({ topic: z.literal('dataRefreshed'), customerId: z.string(), entityId: z.string(), refreshId: z.string().nullable(), status: z.string() }),
  z.object({ topic: z.literal('consentExpiring'), customerId: z.string(), entityId: z.string(), consentId: z.string(), expiresAt: z.string() }),
  z.object({ topic: z.literal('consentChanged'), customerId: z.string(), entityId: z.string() }),
  z.object({ topic: z.literal('bankAvailabilityChanged'), customerId: z.null(), bankIdentifier: z.string() }),
  // Written before events named their customer: such a one forgets every customer's answers.
  z.object({ topic: z.literal('dataChanged'), customerId: z.string().nullable().default(null), entityId: z.string().nullable() }),
]);

/** An event as a subscriber receives it: with its cursor, to resume after it. */
export type Delivered<E extends GatewayEvent = GatewayEvent> = E & { readonly cursor: string };

/** Whose events a subscriber wants: a customer's, those of one `results_id`, or those for everyone (no customer, e.g. bank availability). */
export type Whose = { readonly customerId: string } | { readonly resultsId: string } | { readonly everyone: true };

/** The events of a topic that concern no customer. */
export const EVERYONE: Whose = { everyone: true };

/**
 * Publishes in the transaction (or on the connection) given: the event is written to the event log,
 * and exists when the transaction commits. On a connection, every instance's reader is woken at once;
 * in a transaction, the caller calls `announceEvents` with the database after the commit (a missed
 * one delays delivery until the readers' next safety read, a second or two).
 */
export async function publishEvent(db: Kysely<Tables>, event: GatewayEvent): Promise<void> {
  await appendEvent(db, { topic: event.topic, customerId: event.customerId, resultsId: event.topic === 'resultsReady' ? event.resultsId : null, event });
  if (!db.isTransaction) announceEvents(db);
}

/** Wakes every instance's reader of the event log: call it after a transaction that published commits. */
export function announceEvents(db: Kysely<Tables>): void {
  wakeListeners(db, EVENT_CHANNEL);
}

/** The cursor names events that pruning has deleted: what happened since cannot be delivered, so re-query. */
export class CursorExpired extends Error {
  constructor() {
    super('the cursor is older than the event log keeps');
    this.name = 'CursorExpired';
  }
}

/** A subscriber that did not take its events while this many piled up; it may resume from its last cursor. */
export class SubscriberTooSlow extends Error {
  constructor() {
    super(`the subscriber fell more than ${MAX_QUEUED} events behind`);
    this.name = 'SubscriberTooSlow';
  }
}

/** Told when a subscriber's stream starts and when it ends (metrics). */
export interface SubscriberObserver {
  subscribed(topic: GatewayEvent['topic']): void;
  unsubscribed(topic: GatewayEvent['topic']): void;
}

/** Events held for one subscriber that is not taking them. */
const MAX_QUEUED = 10_000;
/** Rows read from the log at a time. */
const READ_BATCH = 500;
/** Read the log this often even without a wake-up (a listening connection that died silently). */
const SAFETY_READ_MS = 1_000;
/** Waits while a later row's transaction is still running (it is usually about to commit). */
const HELD_BACK_FIRST_MS = 5;
const HELD_BACK_MAX_MS = 200;
const FAILED_READ_MAX_MS = 5_000;

type Subscriber = SubscriberQueue<Delivered>;

/**
 * This instance's subscribers, fed from the event log. A NOTIFY (or the listening connection coming
 * back, or a safety read every few seconds) wakes the reader, which reads the log from the last place
 * it delivered: an event missed while the connection was away is delivered when it returns, once.
 * Each event goes to the subscribers of its customer, and a results event also to those of its id.
 */
export class EventHub {
  private db: Kysely<Tables> | undefined;
  /** The last place delivered to this instance's subscribers; undefined until listening. */
  private delivered: LogPlace | undefined;
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly everyEvent: ((event: GatewayEvent) => void)[] = [];
  private unlisten: (() => Promise<void>) | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private safety: NodeJS.Timeout | undefined;
  private heldBackMs = 0;
  private failedReads = 0;

  constructor(
    private readonly log: Logger,
    private readonly observer?: SubscriberObserver,
  ) {}

  /** Starts delivering: events from now on (and those a subscriber asks for with a cursor). */
  async listen(database: Database): Promise<void> {
    this.db = database.db;
    this.unlisten = await database.listen(EVENT_CHANNEL, () => this.wake(), () => this.wake());
    this.delivered = await settledEnd(database.db);
    this.safety = setInterval(() => this.wake(), SAFETY_READ_MS);
    this.safety.unref();
    this.wake();
  }

  /** Told of every event this instance reads, before its subscribers are (the response cache forgets its answers). */
  onEvent(listener: (event: GatewayEvent) => void): void {
    this.everyEvent.push(listener);
  }

  /**
   * The subscriber's events, in log order, each once: with `after`, first those after that place
   * that the log still holds (CursorExpired when pruning has passed it), then live ones. Without it,
   * those committed from now on.
   */
  async subscribe<K extends GatewayEvent['topic']>(topic: K, whose: Whose, after?: LogPlace): Promise<AsyncIterable<Delivered<Extract<GatewayEvent, { topic: K }>>>> {
    const db = this.db;
    if (after !== undefined && db !== undefined) {
      const horizon = await prunedThrough(db);
      if (horizon !== undefined && compareLogPlaces(after, horizon) < 0) throw new CursorExpired();
    }
    // "From now" is the log as the database sees it now, not what this instance has delivered so far:
    // an event committed before the subscription began is not delivered to it, even one whose place
    // comes after the settled end (its transaction ended while an older one was still running).
    let from = after ?? this.delivered;
    let before: ((tx: string) => boolean) | undefined;
    if (after === undefined && db !== undefined) {
      const now = await logNow(db);
      from = now.end;
      before = now.committed;
    }
    const events = this.stream(topic, whose, from, before) as AsyncIterable<Delivered<Extract<GatewayEvent, { topic: K }>>>;
    return this.observer === undefined ? events : observed(events, topic, this.observer);
  }

  /**
   * The last logged event of one subscriber's, if the log still holds it, and the place just before
   * it (to subscribe from, so that it comes first).
   */
  async lastEventOf<K extends GatewayEvent['topic']>(topic: K, whose: Whose): Promise<LogPlace | undefined> {
    if (this.db === undefined) return undefined;
    const last = await lastMatching(this.db, { topic, ...whose });
    return last === undefined ? undefined : { tx: last.at.tx, position: last.at.position - 1 };
  }

  /**
   * Registered when first pulled; events delivered between `from` and then are read from the log,
   * so that none falls in the gap and none comes twice.
   */
  private async *stream(topic: GatewayEvent['topic'], whose: Whose, from: LogPlace | undefined, before?: (tx: string) => boolean): AsyncGenerator<Delivered> {
    const key = keyOf(topic, whose);
    const queue: Subscriber = new SubscriberQueue(MAX_QUEUED, () => new SubscriberTooSlow());
    let subscribers = this.subscribers.get(key);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.subscribers.set(key, subscribers);
    }
    subscribers.add(queue);
    try {
      let last = from;
      const through = this.delivered;
      const db = this.db;
      if (last !== undefined && through !== undefined && db !== undefined) {
        while (compareLogPlaces(last, through) < 0) {
          const missed = await readMatching(db, { topic, ...whose }, last, through, READ_BATCH);
          for (const logged of missed) {
            const event = before?.(logged.at.tx) === true ? undefined : this.parsed(logged);
            if (event !== undefined) yield event;
            last = logged.at;
          }
          if (missed.length < READ_BATCH) break;
        }
      }
      for (;;) {
        const step = await queue.next();
        if (step.done === true) return;
        const at = placeOfCursor(step.value.cursor) ?? LOG_START;
        if (last !== undefined && compareLogPlaces(at, last) <= 0) continue;
        if (before?.(at.tx) === true) continue;
        yield step.value;
      }
    } finally {
      queue.end();
      subscribers.delete(queue);
      if (subscribers.size === 0) this.subscribers.delete(key);
    }
  }

  /** Something may have been written: read the log from where this instance is. */
  private wake(): void {
    if (this.closed || this.delivered === undefined) return;
    if (this.reading !== undefined) {
      this.again = true;
      return;
    }
    clearTimeout(this.retry);
    this.retry = undefined;
    this.reading = this.readLog()
      .catch((error: unknown) => {
        this.failedReads += 1;
        const retryInMs = Math.min(FAILED_READ_MAX_MS, 100 * 2 ** (this.failedReads - 1));
        if (this.failedReads === 1) this.log.warn({ err: { message: error instanceof Error ? error.message : 'unknown', code: (error as { code?: unknown }).code }, retryInMs }, 'the event log could not be read; subscribers get its events when it can');
        this.later(retryInMs);
      })
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private later(ms: number): void {
    if (this.closed || this.retry !== undefined) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.wake();
    }, ms);
    this.retry.unref();
  }

  private async readLog(): Promise<void> {
    const db = this.db;
    if (db === undefined) return;
    for (;;) {
      const { events, heldBack } = await readSettledAfter(db, this.delivered ?? LOG_START, READ_BATCH);
      if (this.failedReads > 0) this.log.info('the event log is read again');
      this.failedReads = 0;
      for (const logged of events) {
        this.delivered = logged.at;
        const event = this.parsed(logged);
        if (event !== undefined) this.deliver(event);
      }
      if (heldBack) {
        // A later row waits for an older transaction still running; it is read when that one ends.
        this.heldBackMs = Math.min(HELD_BACK_MAX_MS, this.heldBackMs === 0 ? HELD_BACK_FIRST_MS : this.heldBackMs * 2);
        this.later(this.heldBackMs);
        return;
      }
      this.heldBackMs = 0;
      if (events.length < READ_BATCH) return;
    }
  }

  private parsed(logged: LoggedEvent): Delivered | undefined {
    const event = gatewayEvent.safeParse(logged.event);
    if (!event.success) {
      this.log.warn({ position: logged.at.position }, 'an event in the log is not one this gateway reads; skipped');
      return undefined;
    }
    return { ...event.data, cursor: cursorOf(logged.at) };
  }

  private deliver(event: Delivered): void {
    for (const listener of this.everyEvent) listener(event);
    if (event.topic === 'dataChanged') return;
    if (event.customerId === null) {
      this.push(keyOf(event.topic, EVERYONE), event);
      return;
    }
    this.push(keyOf(event.topic, { customerId: event.customerId }), event);
    if (event.topic === 'resultsReady') this.push(keyOf(event.topic, { resultsId: event.resultsId }), event);
  }

  private push(key: string, event: Delivered): void {
    const subscribers = this.subscribers.get(key);
    if (subscribers === undefined) return;
    for (const subscriber of subscribers) subscriber.push(event);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    clearInterval(this.safety);
    await this.unlisten?.();
    await this.reading;
    for (const subscribers of this.subscribers.values()) for (const subscriber of subscribers) subscriber.end();
  }
}

function keyOf(topic: GatewayEvent['topic'], whose: Whose): string {
  if ('everyone' in whose) return JSON.stringify([topic, 'everyone']);
  return JSON.stringify('resultsId' in whose ? [topic, 'results', whose.resultsId] : [topic, 'customer', whose.customerId]);
}

/** The stream, counted as a subscriber from its first iteration until it ends (done, returned or thrown). */
function observed<T>(events: AsyncIterable<T>, topic: GatewayEvent['topic'], observer: SubscriberObserver): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const iterator = events[Symbol.asyncIterator]();
      observer.subscribed(topic);
      let live = true;
      const end = () => {
        if (!live) return;
        live = false;
        observer.unsubscribed(topic);
      };
      return {
        next: async () => {
          const step = await iterator.next();
          if (step.done === true) end();
          return step;
        },
        return: async (value?: unknown) => {
          end();
          return (await iterator.return?.(value)) ?? { done: true, value: undefined };
        },
        throw: async (error?: unknown) => {
          end();
          if (iterator.throw === undefined) throw error;
          return iterator.throw(error);
        },
      };
    },
  };
}
