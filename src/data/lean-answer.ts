import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import { announceEvents, publishEvent } from '../events/bus.js';
import type { DataKind, DataOf, LeanResult } from '../model/results.js';
import { LeanApiError, LeanFailedError } from '../model/upstream-errors.js';
import { disconnectEntity, markConsentLapsed, setEntityStatus } from '../store/entities-store.js';
import { recordRefreshedAt } from '../store/entity-refresh-store.js';
import type { EntityGate } from '../store/gates.js';
import { openPendingRequest, rememberPendingRequest } from '../store/pending-results-store.js';
import { inTransaction } from '../store/transaction-scope.js';
import type { KindContext } from './context.js';
import type { DataRequest, KindModule } from './kinds/kind.js';
import { fresh, type Outcome } from './outcome.js';
import { DISCONNECTED } from './refusals.js';

/** How long a PENDING answer is reused for the same request before Lean is asked again (a lost results.ready). */
const PENDING_REUSE_MS = 10 * 60_000;

/** What asking Lean and storing its answer needs: the read path's context, or what a webhook has of it. */
export type LeanAnswerContext = Pick<KindContext, 'db' | 'lean' | 'vault' | 'cache' | 'now' | 'entityChanged' | 'entityGone'>;

/** What asking came to when Lean gave no data answer. */
type NoAnswer =
  /** Known without storing anything: the same request is pending at Lean already, or Lean refused it for a reason that is a fact. */
  | { readonly kind: 'settled'; readonly outcome: Outcome<never> }
  /** Lean does not know the entity (any more): it is disconnected here when stored. */
  | { readonly kind: 'unknownEntity' };

/** Lean's answer to one call, before anything of it is stored. */
export type AskedLean<K extends DataKind> = NoAnswer | { readonly kind: 'answered'; readonly result: LeanResult<DataOf<K>>; readonly fetchedAt: Date };

/** What Lean's data came to once stored. */
export interface StoredData<K extends DataKind> {
  readonly data: DataOf<K>;
  readonly fetchedAt: Date;
}

/**
 * Asks Lean for one kind of data and turns the answer into an outcome: OK is written by the kind's
 * writer (and a reconnected entity marked active), then `readBack` gives the value; PENDING and
 * RECONNECT_REQUIRED are remembered by results_id for `results.ready`; RECONNECT_REQUIRED also marks
 * the entity; FAILED is an upstream fault.
 */
export async function answerFromLean<K extends DataKind, T>(
  context: LeanAnswerContext,
  kind: KindModule<K>,
  request: DataRequest<K>,
  gate: EntityGate,
  readBack: (data: DataOf<K>, fetchedAt: Date) => Promise<T>,
): Promise<Outcome<T>> {
  const asked = await askLean(context, kind, request, gate);
  const stored = await storeLeanAnswer(context.db, context, kind, request, gate, asked);
  if (stored.kind !== 'ok') return stored;
  return fresh(await readBack(stored.value.data, stored.value.fetchedAt));
}

/**
 * The first half of `answerFromLean`: the call (none when the same request is pending at Lean
 * already). Nothing is written, so a webhook can ask first and store in its own transaction.
 */
export async function askLean<K extends DataKind>(context: LeanAnswerContext, kind: KindModule<K>, request: DataRequest<K>, gate: EntityGate): Promise<AskedLean<K>> {
  const fetchedAt = context.now();
  // Asked already and Lean is still working on it: the same answer, without asking again.
  const since = new Date(fetchedAt.getTime() - PENDING_REUSE_MS);
  const pendingId = await openPendingRequest(context.db, { kind: kind.kind, ...request, entityId: gate.entity_id }, since);
  if (pendingId !== undefined) return { kind: 'settled', outcome: { kind: 'pending', resultsId: pendingId } };
  try {
    return { kind: 'answered', result: await kind.ask(context.lean, request), fetchedAt };
  } catch (error) {
    const refused = leanRefusal(error);
    if (refused === undefined) throw error;
    return refused;
  }
}

/**
 * The second half: stores what Lean answered through `db` (the caller's transaction, if it is one) —
 * the data by the kind's writer, a PENDING or RECONNECT_REQUIRED remembered for `results.ready` —
 * and says what it comes to. FAILED throws, as an upstream fault.
 */
export async function storeLeanAnswer<K extends DataKind>(
  db: Kysely<Tables>,
  context: LeanAnswerContext,
  kind: KindModule<K>,
  request: DataRequest<K>,
  gate: EntityGate,
  asked: AskedLean<K>,
): Promise<Outcome<StoredData<K>>> {
  if (asked.kind === 'settled') return asked.outcome;
  if (asked.kind === 'unknownEntity') {
    await inTransaction(db, (trx) => disconnectEntity(trx, gate.entity_id));
    context.entityGone(gate.entity_id);
    return DISCONNECTED;
  }
  const { result: answer, fetchedAt } = asked;
  const remembered = { kind: kind.kind, ...request, entityId: gate.entity_id, resultsId: '', customerId: gate.customer_id };
  switch (answer.kind) {
    case 'ok': {
      if (!(await kind.write(db, context, request, answer.data, fetchedAt))) return DISCONNECTED;
      if (gate.status === 'RECONNECT_REQUIRED') await setEntityStatus(db, gate.entity_id, 'ACTIVE');
      if (answer.refreshedAt) await recordRefreshedAt(db, gate.entity_id, answer.refreshedAt);
      return fresh({ data: answer.data, fetchedAt });
    }
    case 'pending':
      await rememberPendingRequest(db, { ...remembered, resultsId: answer.resultsId, status: 'PENDING' });
      return { kind: 'pending', resultsId: answer.resultsId };
    case 'reconnectRequired':
      await rememberPendingRequest(db, { ...remembered, resultsId: answer.resultsId, status: 'RECONNECT_REQUIRED', reconnectId: answer.reconnectId });
      await setEntityStatus(db, gate.entity_id, 'RECONNECT_REQUIRED', answer.reconnectId);
      await publishEvent(db, {
        topic: 'reconnectRequired',
        customerId: gate.customer_id,
        entityId: gate.entity_id,
        reconnectId: answer.reconnectId,
        resultsId: answer.resultsId,
      });
      context.entityChanged(gate.entity_id);
      return { kind: 'reconnectRequired', entityId: gate.entity_id, reconnectId: answer.reconnectId, resultsId: answer.resultsId };
    case 'consentExpired':
      await recordConsentRefusal(db, context, gate, fetchedAt);
      return { kind: 'consentExpired', entityId: gate.entity_id, message: answer.message };
    case 'failed':
      throw new LeanFailedError(answer.status, answer.correlationId);
  }
}

/**
 * Lean refused a read with CONSENT_EXPIRED: the entity's consent is marked lapsed and, the first
 * time, `consentChanged` is published in the same transaction.
 */
export async function recordConsentRefusal(db: Kysely<Tables>, context: Pick<LeanAnswerContext, 'entityChanged'>, gate: Pick<EntityGate, 'entity_id' | 'customer_id'>, at: Date): Promise<void> {
  const changed = await inTransaction(db, async (trx) => {
    if (!(await markConsentLapsed(trx, gate.entity_id, at))) return false;
    await publishEvent(trx, { topic: 'consentChanged', customerId: gate.customer_id, entityId: gate.entity_id });
    return true;
  });
  if (!changed) return;
  if (!db.isTransaction) announceEvents(db);
  context.entityChanged(gate.entity_id);
}

/** Lean's refusals that are facts about the entity, not faults: typed outcomes (an unknown entity is disconnected when stored). */
function leanRefusal(error: unknown): NoAnswer | undefined {
  if (!(error instanceof LeanApiError)) return undefined;
  switch (error.leanStatus) {
    case 'PERMISSION_NOT_GRANTED':
      return { kind: 'settled', outcome: { kind: 'refused', code: 'PERMISSION_NOT_GRANTED', message: 'The entity was not linked with the permission this data needs.' } };
    case 'UNSUPPORTED_ACCOUNT_TYPE':
      return { kind: 'settled', outcome: { kind: 'refused', code: 'UNSUPPORTED_ACCOUNT_TYPE', message: 'The bank does not offer this data for this account type.' } };
    case 'UNKNOWN_ENTITY':
      return { kind: 'unknownEntity' };
    default:
      return undefined;
  }
}
