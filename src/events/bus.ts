import { createPubSub } from 'graphql-yoga';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { Tables } from '../db/tables.js';
import type { Logger } from '../log.js';

/** What happened, by ids only: subscribers read the data from the store with fresh loaders. */
export type GatewayEvent =
  | { readonly topic: 'entityLinked'; readonly customerId: string; readonly entityId: string }
  | { readonly topic: 'entityReconnected'; readonly customerId: string; readonly entityId: string }
  | { readonly topic: 'reconnectRequired'; readonly customerId: string; readonly entityId: string; readonly reconnectId: string; readonly resultsId: string }
  | { readonly topic: 'resultsReady'; readonly customerId: string; readonly resultsId: string }
  /** Lean finished reading the entity's bank into its data store, and the gateway read it again into its own. */
  | { readonly topic: 'dataRefreshed'; readonly customerId: string; readonly entityId: string; readonly refreshId: string | null; readonly status: string }
  /** Stored data changed with no subscription of its own (an entity re-read or marked stale, a mutation): kept answers must go. */
  | { readonly topic: 'dataChanged'; readonly entityId: string | null };

const gatewayEvent = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('entityLinked'), customerId: z.string(), entityId: z.string() }),
  z.object({ topic: z.literal('entityReconnected'), customerId: z.string(), entityId: z.string() }),
  z.object({ topic: z.literal('reconnectRequired'), customerId: z.string(), entityId: z.string(), reconnectId: z.string(), resultsId: z.string() }),
  z.object({ topic: z.literal('resultsReady'), customerId: z.string(), resultsId: z.string() }),
  z.object({ topic: z.literal('dataRefreshed'), customerId: z.string(), entityId: z.string(), refreshId: z.string().nullable(), status: z.string() }),
  z.object({ topic: z.literal('dataChanged'), entityId: z.string().nullable() }),
]);

export const EVENT_CHANNEL = 'lean_gateway_events';

/**
 * Publishes through Postgres NOTIFY on the connection given: inside a transaction it is delivered
 * only when the transaction commits, to every gateway instance listening on the database.
 */
export async function publishEvent(db: Kysely<Tables>, event: GatewayEvent): Promise<void> {
  await sql`select pg_notify(${EVENT_CHANNEL}, ${JSON.stringify(event)})`.execute(db);
}

/** Told when a subscriber's stream starts and when it ends (metrics). */
export interface SubscriberObserver {
  subscribed(topic: GatewayEvent['topic']): void;
  unsubscribed(topic: GatewayEvent['topic']): void;
}

type Topics = {
  [K in GatewayEvent['topic']]: [key: string, event: Extract<GatewayEvent, { topic: K }>];
};

/**
 * This instance's subscribers, fed by its one listening connection. Each event is delivered under
 * its customer id, and a results event also under its results id.
 */
export class EventHub {
  private readonly pubsub = createPubSub<Topics>();
  private unlisten: (() => Promise<void>) | undefined;
  private readonly everyEvent: ((event: GatewayEvent) => void)[] = [];

  constructor(
    private readonly log: Logger,
    private readonly observer?: SubscriberObserver,
  ) {}

  async listen(database: Database): Promise<void> {
    this.unlisten = await database.listen(EVENT_CHANNEL, (payload) => this.deliver(payload));
  }

  /** Told of every event this instance hears, before its subscribers are (the response cache forgets its answers). */
  onEvent(listener: (event: GatewayEvent) => void): void {
    this.everyEvent.push(listener);
  }

  subscribe<K extends GatewayEvent['topic']>(topic: K, key: string): AsyncIterable<Extract<GatewayEvent, { topic: K }>> {
    const pubsub = this.pubsub as unknown as { subscribe(topic: string, key: string): AsyncIterable<unknown> };
    const events = pubsub.subscribe(topic, key) as AsyncIterable<Extract<GatewayEvent, { topic: K }>>;
    return this.observer === undefined ? events : observed(events, topic, this.observer);
  }

  deliver(payload: string): void {
    let event: GatewayEvent;
    try {
      event = gatewayEvent.parse(JSON.parse(payload));
    } catch {
      this.log.warn('an event on the channel is not one of ours; ignored');
      return;
    }
    for (const listener of this.everyEvent) listener(event);
    switch (event.topic) {
      case 'entityLinked':
        this.pubsub.publish('entityLinked', event.customerId, event);
        break;
      case 'entityReconnected':
        this.pubsub.publish('entityReconnected', event.customerId, event);
        break;
      case 'reconnectRequired':
        this.pubsub.publish('reconnectRequired', event.customerId, event);
        break;
      case 'resultsReady':
        this.pubsub.publish('resultsReady', event.customerId, event);
        this.pubsub.publish('resultsReady', `results:${event.resultsId}`, event);
        break;
      case 'dataRefreshed':
        this.pubsub.publish('dataRefreshed', event.customerId, event);
        break;
      case 'dataChanged':
        break;
    }
  }

  async close(): Promise<void> {
    await this.unlisten?.();
  }
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
