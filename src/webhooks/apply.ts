import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CacheConfig } from '../config.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import type { DataKind, Tables } from '../db/tables.js';
import { publishEvent } from '../events/bus.js';
import type { LeanClient } from '../lean/client.js';
import { LeanApiError } from '../model/upstream-errors.js';
import { PERMISSION_NAMES, type LeanEntity } from '../lean/wire.js';
import { expireAccountData, saveAccounts, saveBalance, saveIdentity } from '../store/accounts-store.js';
import { adoptCustomer } from '../store/customers-store.js';
import { disconnectEntity, expireEntityData, saveEntity, setEntityStatus, upsertBank } from '../store/entities-store.js';
import { completePendingRequest, pendingRequest, type PendingRow } from '../store/pending-results-store.js';
import { saveLeanTransactions } from '../store/transactions-store.js';
import { markWebhookDone, type InboxRow } from '../store/webhook-inbox-store.js';

export interface ApplyDependencies {
  readonly db: Kysely<Tables>;
  /** Seals identities and IBANs before they are stored. */
  readonly vault: PersonalDataVault;
  readonly lean: LeanClient;
  readonly cache: CacheConfig;
}

/** The lease ran out and another processor took the row over: this attempt is rolled back. */
export class ClaimLost extends Error {
  constructor() {
    super('the claim on this webhook was lost');
    this.name = 'ClaimLost';
  }
}

/** Not applied yet, but worth trying again later (Lean has not finished, or a call failed). */
export class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryInMs?: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

const text = z.string().min(1);
const entityCreated = z.object({
  id: text,
  customer_id: text,
  app_user_id: text.optional(),
  permissions: z.union([z.array(z.string()), z.record(z.string(), z.boolean())]).optional(),
  bank_details: z
    .object({
      identifier: text,
      name: z.string().nullish(),
      logo: z.string().nullish(),
      main_color: z.string().nullish(),
      background_color: z.string().nullish(),
      swift_code: z.string().nullish(),
      account_type: z.string().nullish(),
    })
    .optional(),
});
const entityReconnected = z.object({ id: text, reconnect_id: z.string().nullish() });
const resultsReady = z.object({ id: text });
const entityUpdated = z.object({ id: text.optional(), entity_id: text.optional(), customer_id: text.optional() });
const dataRefreshUpdated = z.object({
  entity_id: text,
  data_status: z.object({ account_data: z.array(z.object({ account_id: text })).optional() }).optional(),
});

/** A results.ready for a request we do not know yet is tried this often (our record of it may be a moment behind). */
const UNKNOWN_RESULTS_ATTEMPTS = 3;

/**
 * Applies one stored webhook. Lean is called first; then the writes, the events and the row's new
 * status are one transaction, so an event is published exactly when its change is committed.
 * Applying the same row again changes nothing.
 */
export async function applyWebhook(deps: ApplyDependencies, row: InboxRow): Promise<'APPLIED' | 'IGNORED'> {
  const envelope = JSON.parse(row.body) as { type: string; payload: unknown };
  const { db } = deps;
  const done = async (status: 'APPLIED' | 'IGNORED', note?: string, work?: (trx: Kysely<Tables>) => Promise<void>) => {
    await db.transaction().execute(async (trx) => {
      // Claim first: a processor that lost its lease must not write (or publish) anything.
      if (!(await markWebhookDone(trx, row, status, note))) throw new ClaimLost();
      await work?.(trx);
    });
    return status;
  };
  const payloadOf = <S extends z.ZodType>(schema: S): z.output<S> | undefined => {
    const parsed = schema.safeParse(envelope.payload);
    return parsed.success ? parsed.data : undefined;
  };

  switch (envelope.type) {
    case 'entity.created': {
      const payload = payloadOf(entityCreated);
      if (payload === undefined) return done('IGNORED', 'payload is not an entity.created payload');
      const appUserId = payload.app_user_id ?? (await lookUp(() => deps.lean.getCustomer(payload.customer_id)))?.app_user_id;
      if (appUserId === undefined) return done('IGNORED', 'the customer is unknown to Lean');
      // Lean's entity carries the consents; where Lean does not know it, the webhook's own fields stand —
      // unless the entity was unlinked here since (a late or replayed entity.created must not revive it).
      const known = await lookUp(() => deps.lean.getEntity(payload.customer_id, payload.id));
      if (known === undefined) {
        const stored = await db.selectFrom('entities').select('status').where('id', '=', payload.id).executeTakeFirst();
        if (stored?.status === 'DISCONNECTED') return done('IGNORED', 'the entity was disconnected since');
      }
      const entity = known ?? entityFromPayload(payload);
      if (entity === undefined) return done('IGNORED', 'the entity is unknown to Lean and the webhook names no bank');
      return done('APPLIED', undefined, async (trx) => {
        await adoptCustomer(trx, { id: payload.customer_id, appUserId });
        if (payload.bank_details !== undefined) await upsertBank(trx, payload.bank_details);
        await saveEntity(trx, deps.vault, entity, new Date());
        await publishEvent(trx, { topic: 'entityLinked', customerId: payload.customer_id, entityId: payload.id });
      });
    }
    case 'entity.reconnected': {
      const payload = payloadOf(entityReconnected);
      if (payload === undefined) return done('IGNORED', 'payload is not an entity.reconnected payload');
      const entity = await db.selectFrom('entities').select(['customer_id', 'status']).where('id', '=', payload.id).executeTakeFirst();
      if (entity === undefined) return done('IGNORED', 'no such entity here');
      return done('APPLIED', undefined, async (trx) => {
        if (await setEntityStatus(trx, payload.id, 'ACTIVE')) {
          await publishEvent(trx, { topic: 'entityReconnected', customerId: entity.customer_id, entityId: payload.id });
        }
      });
    }
    case 'results.ready': {
      const payload = payloadOf(resultsReady);
      if (payload === undefined) return done('IGNORED', 'payload is not a results.ready payload');
      const pending = await pendingRequest(db, payload.id);
      if (pending === undefined) {
        if (row.attempts < UNKNOWN_RESULTS_ATTEMPTS) throw new RetryLater('no request of ours with this results_id yet', 500);
        return done('IGNORED', 'no request of ours with this results_id');
      }
      if (pending.status === 'READY') return done('IGNORED', 'results already stored');
      return completeResults(deps, pending, done);
    }
    case 'entity.updated': {
      const payload = payloadOf(entityUpdated);
      const entityId = payload?.id ?? payload?.entity_id;
      if (entityId === undefined) return done('IGNORED', 'payload names no entity');
      const stored = await db.selectFrom('entities').select('customer_id').where('id', '=', entityId).executeTakeFirst();
      const customerId = payload?.customer_id ?? stored?.customer_id;
      if (stored === undefined || customerId === undefined) return done('IGNORED', 'no such entity here');
      const entity = await lookUp(() => deps.lean.getEntity(customerId, entityId));
      return done('APPLIED', undefined, async (trx) => {
        if (entity === undefined) await disconnectEntity(trx, entityId);
        else await saveEntity(trx, deps.vault, entity, new Date());
        await publishEvent(trx, { topic: 'dataChanged', entityId });
      });
    }
    case 'entity.data.refresh.updated': {
      const payload = payloadOf(dataRefreshUpdated);
      if (payload === undefined) return done('IGNORED', 'payload is not an entity.data.refresh.updated payload');
      return done('APPLIED', undefined, async (trx) => {
        await expireEntityData(trx, payload.entity_id);
        const accounts = payload.data_status?.account_data?.map((a) => a.account_id) ?? [];
        const all = accounts.length > 0 ? accounts : (await trx.selectFrom('accounts').select('id').where('entity_id', '=', payload.entity_id).execute()).map((a) => a.id);
        for (const accountId of all) await expireAccountData(trx, accountId, { recentOnly: true });
        await publishEvent(trx, { topic: 'dataChanged', entityId: payload.entity_id });
      });
    }
    default:
      return done('IGNORED', 'a type the gateway does not act on');
  }
}

async function completeResults(
  deps: ApplyDependencies,
  pending: PendingRow,
  done: (status: 'APPLIED' | 'IGNORED', note?: string, work?: (trx: Kysely<Tables>) => Promise<void>) => Promise<'APPLIED' | 'IGNORED'>,
): Promise<'APPLIED' | 'IGNORED'> {
  let answer;
  try {
    answer = await deps.lean.results(pending.results_id, pending.kind);
  } catch (error) {
    if (error instanceof LeanApiError && error.leanStatus === 'UNKNOWN_RESULTS_ID') throw new RetryLater('Lean has not finished the results yet', 2_000);
    throw error;
  }
  if (answer.kind === 'pending') throw new RetryLater('Lean still answers PENDING', 2_000);
  if (answer.kind !== 'ok') {
    return done('APPLIED', `Lean answered ${answer.kind}`, async (trx) => {
      // No results to deliver, but answers kept whole that said "pending" must go.
      if (await completePendingRequest(trx, pending.results_id, 'FAILED')) await publishEvent(trx, { topic: 'dataChanged', entityId: pending.entity_id });
    });
  }
  const fetchedAt = new Date();
  const data: unknown = answer.data;
  return done('APPLIED', undefined, async (trx) => {
    const stored = await storeResults(trx, deps, pending, data, fetchedAt);
    // Published once: only by the transaction that completes the request, and only if the data was kept.
    if (await completePendingRequest(trx, pending.results_id, stored ? 'READY' : 'FAILED')) {
      if (stored) await publishEvent(trx, { topic: 'resultsReady', customerId: pending.customer_id, resultsId: pending.results_id });
      else await publishEvent(trx, { topic: 'dataChanged', entityId: pending.entity_id });
    }
  });
}

/** Stores an asynchronous answer as if the call that went pending had answered it; false when the link is gone. */
async function storeResults(trx: Kysely<Tables>, { cache, vault }: Pick<ApplyDependencies, 'cache' | 'vault'>, pending: PendingRow, data: unknown, fetchedAt: Date): Promise<boolean> {
  const kind: DataKind = pending.kind;
  switch (kind) {
    case 'accounts':
      return saveAccounts(trx, vault, pending.entity_id, (data as { accounts: Parameters<typeof saveAccounts>[3] }).accounts, fetchedAt);
    case 'identity':
      return saveIdentity(trx, vault, pending.entity_id, data as Parameters<typeof saveIdentity>[3], fetchedAt);
    case 'balance': {
      const balance = data as { balance: string; currency_code: string };
      if (pending.account_id === null) return false;
      return saveBalance(trx, { accountId: pending.account_id, amount: balance.balance, currency: balance.currency_code }, fetchedAt);
    }
    case 'transactions':
      if (pending.account_id === null || pending.start_date === null || pending.end_date === null) return false;
      return saveLeanTransactions(
        trx,
        { accountId: pending.account_id, startDate: pending.start_date, endDate: pending.end_date, fetchedAt, recentWindowMs: cache.recentTransactionsMs },
        (data as { transactions: Parameters<typeof saveLeanTransactions>[2] }).transactions,
      );
  }
}

/** A Lean lookup where "not found" (or an id Lean cannot even read) is an answer, not a failure. */
async function lookUp<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LeanApiError && (error.httpStatus === 404 || error.leanStatus === 'INVALID_PARAMETERS')) return undefined;
    throw error;
  }
}

function entityFromPayload(payload: z.output<typeof entityCreated>): LeanEntity | undefined {
  if (payload.bank_details === undefined) return undefined;
  const granted = Array.isArray(payload.permissions)
    ? Object.fromEntries(PERMISSION_NAMES.map((name) => [name, (payload.permissions as string[]).includes(name)]))
    : Object.fromEntries(PERMISSION_NAMES.map((name) => [name, (payload.permissions as Record<string, boolean> | undefined)?.[name] === true]));
  return {
    id: payload.id,
    customer_id: payload.customer_id,
    bank_identifier: payload.bank_details.identifier,
    ...(payload.bank_details.account_type && { account_type: payload.bank_details.account_type }),
    permissions: granted,
  };
}
