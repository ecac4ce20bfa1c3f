import { publishEvent } from '../events/bus.js';
import type { DataKind, DataOf, LeanResult } from '../model/results.js';
import { LeanApiError, LeanFailedError } from '../model/upstream-errors.js';
import { disconnectEntity, setEntityStatus } from '../store/entities-store.js';
import type { EntityGate } from '../store/gates.js';
import { openPendingRequest, rememberPendingRequest } from '../store/pending-results-store.js';
import type { KindContext } from './context.js';
import type { DataRequest, KindModule } from './kinds/kind.js';
import { fresh, type Outcome } from './outcome.js';
import { DISCONNECTED } from './refusals.js';

/** How long a PENDING answer is reused for the same request before Lean is asked again (a lost results.ready). */
const PENDING_REUSE_MS = 10 * 60_000;

/**
 * Asks Lean for one kind of data and turns the answer into an outcome: OK is written by the kind's
 * writer (and a reconnected entity marked active), then `readBack` gives the value; PENDING and
 * RECONNECT_REQUIRED are remembered by results_id for `results.ready`; RECONNECT_REQUIRED also marks
 * the entity; FAILED is an upstream fault.
 */
export async function answerFromLean<K extends DataKind, T>(
  context: KindContext,
  kind: KindModule<K>,
  request: DataRequest<K>,
  gate: EntityGate,
  readBack: (data: DataOf<K>, fetchedAt: Date) => Promise<T>,
): Promise<Outcome<T>> {
  const { db } = context;
  const fetchedAt = context.now();
  const asked = { kind: kind.kind, ...request, entityId: gate.entity_id };
  // Asked already and Lean is still working on it: the same answer, without asking again.
  const since = new Date(context.now().getTime() - PENDING_REUSE_MS);
  const pendingId = await openPendingRequest(db, asked, since);
  if (pendingId !== undefined) return { kind: 'pending', resultsId: pendingId };
  let answer: LeanResult<DataOf<K>>;
  try {
    answer = await kind.ask(context.lean, request);
  } catch (error) {
    const refused = await leanRefusal(context, error, gate);
    if (refused === undefined) throw error;
    return refused;
  }
  switch (answer.kind) {
    case 'ok': {
      if (!(await kind.write(db, context, request, answer.data, fetchedAt))) return DISCONNECTED;
      const value = await readBack(answer.data, fetchedAt);
      if (gate.status === 'RECONNECT_REQUIRED') await setEntityStatus(db, gate.entity_id, 'ACTIVE');
      return fresh(value);
    }
    case 'pending':
      await rememberPendingRequest(db, { ...asked, resultsId: answer.resultsId, status: 'PENDING', customerId: gate.customer_id });
      return { kind: 'pending', resultsId: answer.resultsId };
    case 'reconnectRequired':
      await rememberPendingRequest(db, { ...asked, resultsId: answer.resultsId, status: 'RECONNECT_REQUIRED', customerId: gate.customer_id, reconnectId: answer.reconnectId });
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
      return { kind: 'consentExpired', entityId: gate.entity_id, message: answer.message };
    case 'failed':
      throw new LeanFailedError(answer.status, answer.correlationId);
  }
}

/** Lean's refusals that are facts about the entity, not faults: typed outcomes (an unknown entity is disconnected here too). */
async function leanRefusal(context: KindContext, error: unknown, gate: EntityGate): Promise<Outcome<never> | undefined> {
  if (!(error instanceof LeanApiError)) return undefined;
  switch (error.leanStatus) {
    case 'PERMISSION_NOT_GRANTED':
      return { kind: 'refused', code: 'PERMISSION_NOT_GRANTED', message: 'The entity was not linked with the permission this data needs.' };
    case 'UNSUPPORTED_ACCOUNT_TYPE':
      return { kind: 'refused', code: 'UNSUPPORTED_ACCOUNT_TYPE', message: 'The bank does not offer this data for this account type.' };
    case 'UNKNOWN_ENTITY':
      await context.db.transaction().execute((trx) => disconnectEntity(trx, gate.entity_id));
      context.entityGone(gate.entity_id);
      return DISCONNECTED;
    default:
      return undefined;
  }
}
