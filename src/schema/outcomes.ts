import type { GraphQLResolveInfo } from 'graphql';
import { GraphQLError, responsePathAsArray } from 'graphql';
import type { Outcome } from '../data/outcome.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { upstreamError } from './errors.js';
import type { ErrorCode } from '../model/error-codes.js';
import { BankUnavailableError } from '../model/upstream-errors.js';

/** Lean is still fetching: `results.ready` follows, and `resultsReady(resultsId)` delivers the data. */
export class ResultsPending extends Error {
  constructor(readonly resultsId: string) {
    super('The bank has not answered yet; the results arrive with results.ready');
    this.name = 'ResultsPending';
  }
}

/** The bank wants the user back: run `Lean.reconnect({ reconnect_id })`, then the results arrive. */
export class ReconnectRequired extends Error {
  constructor(
    readonly entityId: string,
    readonly reconnectId: string,
    readonly resultsId: string,
  ) {
    super('The bank session ended; the user must reconnect');
    this.name = 'ReconnectRequired';
  }
}

/** The consent behind the entity was revoked, suspended or has expired: the user must link the bank again. */
export class ConsentExpired extends Error {
  constructor(readonly entityId: string) {
    super('The consent was revoked, suspended or has expired; link the bank again');
    this.name = 'ConsentExpired';
  }
}

/** Lean said the entity's bank is down for data, and the gateway holds no copy to serve: Lean was not asked. */
export class BankUnavailable extends Error {
  constructor(readonly bankIdentifier: string) {
    super("Lean says the bank is down for data; nothing is stored to serve meanwhile. Try again once it is back (subscribe to bankAvailabilityChanged)");
    this.name = 'BankUnavailable';
  }
}

export const AsyncOutcome = builder.interfaceRef<Error>('LeanOutcome').implement({
  description: 'An answer of Lean that is not data yet: what the front end should do next. Branch on `__typename`.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What happened, for people.' }),
  }),
});

builder.objectType(ResultsPending, {
  name: 'ResultsPending',
  description: 'Lean is still fetching from the bank. Subscribe to `resultsReady(resultsId)` to receive the data.',
  interfaces: [AsyncOutcome],
  fields: (t) => ({
    resultsId: t.exposeString('resultsId', { description: "Lean's `results_id` of the request; `results.ready` carries it." }),
  }),
});

builder.objectType(ReconnectRequired, {
  name: 'ReconnectRequired',
  description: 'The bank session ended. Run `Lean.reconnect({ reconnect_id: reconnectId })`; the data then arrives by `resultsReady(resultsId)`.',
  interfaces: [AsyncOutcome],
  fields: (t) => ({
    reconnectId: t.exposeString('reconnectId', { description: 'Pass to `Lean.reconnect` as `reconnect_id`.' }),
    resultsId: t.exposeString('resultsId', { description: "Lean's `results_id` of the request, answered once the user has reconnected." }),
    entityId: t.globalID({ description: 'The entity that needs reconnecting.', resolve: (error) => ({ type: 'Entity', id: error.entityId }) }),
  }),
});

builder.objectType(ConsentExpired, {
  name: 'ConsentExpired',
  description: 'The consent was revoked, suspended or has expired. Link the bank again with `prepareLink` and `Lean.connect`.',
  interfaces: [AsyncOutcome],
  fields: (t) => ({
    entityId: t.globalID({ description: 'The entity whose consent ended.', resolve: (error) => ({ type: 'Entity', id: error.entityId }) }),
  }),
});

builder.objectType(BankUnavailable, {
  name: 'BankUnavailable',
  description:
    "Lean says the entity's bank is down for data (`bank.availability.updated`), and the gateway holds no copy of this data to serve, so Lean was not asked. Subscribe to `bankAvailabilityChanged` and ask again once `Bank.availability.data` is true.",
  interfaces: [AsyncOutcome],
  fields: (t) => ({
    bankIdentifier: t.exposeString('bankIdentifier', { description: "Lean's identifier of the bank that is down, e.g. `LEA1_SAMAOB_SAU`." }),
  }),
});

/** What every field that Lean may answer asynchronously catches as a typed result. */
export const LEAN_OUTCOMES = [ResultsPending, ReconnectRequired, ConsentExpired, BankUnavailable];

/** Why a stored copy was served instead of Lean's answer. */
export type StaleReasonValue = 'UPSTREAM_FAILED' | 'BANK_UNAVAILABLE';

export const StaleReason = builder.enumType('StaleReason', {
  description: 'Why the gateway served the copy it fetched earlier instead of asking Lean again.',
  values: {
    UPSTREAM_FAILED: { value: 'UPSTREAM_FAILED', description: 'Lean was asked and failed or did not answer (stale-if-error); the response `errors` say how.' },
    BANK_UNAVAILABLE: {
      value: 'BANK_UNAVAILABLE',
      description: "Lean says the entity's bank is down for data (`Bank.availability.data` false), so Lean was not asked; the response `errors` carry BANK_UNAVAILABLE.",
    },
  } as const,
});

/** Why the outcome is a stale copy; null for a fresh answer (or no data). */
export function staleReasonOf(outcome: Outcome<unknown>): StaleReasonValue | null {
  if (outcome.kind !== 'ok' || !outcome.stale) return null;
  return outcome.fault instanceof BankUnavailableError ? 'BANK_UNAVAILABLE' : 'UPSTREAM_FAILED';
}

/**
 * The data of an outcome, or the typed result the field's union carries. A stale copy is returned
 * with the upstream error added to the response's `errors` (stale-if-error).
 */
export function unwrapOutcome<T>(outcome: Outcome<T>, context: GatewayContext, info: GraphQLResolveInfo): T {
  switch (outcome.kind) {
    case 'ok':
      if (outcome.stale) {
        const path = responsePathAsArray(info.path);
        const error = upstreamError(outcome.fault, path);
        context.warnings.push(
          new GraphQLError(`${error?.message ?? 'Lean failed'}; served the copy fetched earlier`, {
            path,
            extensions: { ...error?.extensions, stale: true },
          }),
        );
      }
      return outcome.value;
    case 'pending':
      throw new ResultsPending(outcome.resultsId);
    case 'reconnectRequired':
      throw new ReconnectRequired(outcome.entityId, outcome.reconnectId, outcome.resultsId);
    case 'consentExpired':
      throw new ConsentExpired(outcome.entityId);
    case 'bankUnavailable':
      throw new BankUnavailable(outcome.bankIdentifier);
    case 'refused':
      throw new GraphQLError(outcome.message, { extensions: { code: outcome.code satisfies ErrorCode } });
  }
}
