// Churn for `npm run bench:query` (e): while the measured requests run, mutations and webhooks about
// *other* customers arrive at a steady pace, as they do in production. Each one of them makes the
// gateway forget every kept answer today (src/http/response-cache.ts), which is what (e) measures.
import { randomUUID } from 'node:crypto';
import { sign } from '../kit/webhooks.js';

/** A customer seeded for churn only: the measured requests never read it. */
export interface ChurnCustomer {
  /** Global ids, for GraphQL. */
  readonly customerId: string;
  readonly entityIds: readonly string[];
  /** Lean's ids, for webhooks. */
  readonly leanCustomerId: string;
  readonly leanEntityIds: readonly string[];
}

export type ChurnKind = 'prepareLink' | 'requestDataRefresh' | 'entityUpdatedWebhook';
const KINDS: readonly ChurnKind[] = ['prepareLink', 'requestDataRefresh', 'entityUpdatedWebhook'];

export interface ChurnTally {
  /** Operations answered as expected, by kind. */
  readonly done: Record<ChurnKind, number>;
  /** Operations that failed (status, GraphQL errors, refused webhook), with the first reasons. */
  readonly failed: number;
  readonly failures: string[];
  /** `__typename`s `requestDataRefresh` answered (DataRefreshRequested, DataRefreshAlreadyPending …). */
  readonly refreshAnswers: Record<string, number>;
}

export interface ChurnOptions {
  readonly gatewayUrl: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  readonly customers: readonly ChurnCustomer[];
  /** One operation every this many ms, the first at once; the kinds take turns. */
  readonly intervalMs: number;
}

const PREPARE_LINK = `mutation ChurnPrepareLink($id: ID!) {
  prepareLink(customerId: $id, bankIdentifier: "LEANMB1", permissions: [IDENTITY, ACCOUNTS, BALANCE, TRANSACTIONS]) { __typename customerId }
}`;

const REQUEST_REFRESH = `mutation ChurnRefresh($id: ID!) { requestDataRefresh(entityId: $id) { __typename } }`;

/** Starts the churn; `stop` ends it, waits for the operations in flight and answers what ran. */
export function startChurn(options: ChurnOptions): { stop(): Promise<ChurnTally> } {
  if (options.customers.length === 0) throw new Error('churn needs at least one customer');
  const done: Record<ChurnKind, number> = { prepareLink: 0, requestDataRefresh: 0, entityUpdatedWebhook: 0 };
  const refreshAnswers: Record<string, number> = {};
  const failures: string[] = [];
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  let turn = 0;

  const fail = (kind: ChurnKind, reason: string) => {
    failed++;
    if (failures.length < 5) failures.push(`${kind}: ${reason.slice(0, 300)}`);
  };

  const graphql = async (query: string, variables: Record<string, unknown>): Promise<Record<string, unknown> | undefined> => {
    const response = await fetch(`${options.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', authorization: `Bearer ${options.apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    if (response.status !== 200 || body.errors !== undefined || body.data === null || body.data === undefined) {
      throw new Error(`answered ${response.status}: ${JSON.stringify(body)}`);
    }
    return body.data;
  };

  const run = async (kind: ChurnKind, customer: ChurnCustomer, entity: number): Promise<void> => {
    switch (kind) {
      case 'prepareLink': {
        // Checks the request and (v2) asks Lean for a customer token: nothing stored changes.
        await graphql(PREPARE_LINK, { id: customer.customerId });
        break;
      }
      case 'requestDataRefresh': {
        // Records the refresh as PENDING for the entity (v2; v1 answers DataRefreshUnavailable).
        const data = await graphql(REQUEST_REFRESH, { id: customer.entityIds[entity % customer.entityIds.length] });
        const typename = (data?.['requestDataRefresh'] as { __typename?: string } | undefined)?.__typename ?? 'unknown';
        refreshAnswers[typename] = (refreshAnswers[typename] ?? 0) + 1;
        break;
      }
      case 'entityUpdatedWebhook': {
        // As Lean delivers it: the gateway stores it, reads the entity from Lean and publishes dataChanged.
        const leanEntityId = customer.leanEntityIds[entity % customer.leanEntityIds.length];
        const body = JSON.stringify({
          type: 'entity.updated',
          payload: { id: leanEntityId, customer_id: customer.leanCustomerId, consent_status: 'ACTIVE' },
          message: 'The entity was updated.',
          timestamp: new Date().toISOString(),
          event_id: randomUUID(),
        });
        const response = await fetch(`${options.gatewayUrl}/webhooks/lean`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'lean-signature': sign(body, options.webhookSecret) },
          body,
        });
        const answer = await response.text();
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${answer}`);
        break;
      }
    }
    done[kind]++;
  };

  const next = () => {
    const kind = KINDS[turn % KINDS.length] as ChurnKind;
    const round = Math.floor(turn / KINDS.length);
    const customer = options.customers[round % options.customers.length] as ChurnCustomer;
    turn++;
    const operation = run(kind, customer, Math.floor(round / options.customers.length)).catch((error: unknown) =>
      fail(kind, error instanceof Error ? error.message : String(error)),
    );
    inFlight.add(operation);
    void operation.finally(() => inFlight.delete(operation));
  };

  next();
  const timer = setInterval(next, options.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return { done: { ...done }, failed, failures: [...failures], refreshAnswers: { ...refreshAnswers } };
    },
  };
}
