import type { Kysely } from 'kysely';
import type { DataDependencies } from '../../data/context.js';
import type { Tables } from '../../db/tables.js';
import { LeanApiError } from '../../model/upstream-errors.js';

/** What applying needs: the database, Lean, and what the kinds' writers need (the vault, the freshness windows). */
export type ApplyDependencies = Pick<DataDependencies, 'db' | 'vault' | 'lean' | 'cache'>;

export type WebhookStatus = 'APPLIED' | 'IGNORED';

/**
 * Ends applying a row: marks it (claim first) and runs `work` in the same transaction, so an event
 * is published exactly when its change is committed.
 */
export type FinishWebhook = (status: WebhookStatus, note?: string, work?: (trx: Kysely<Tables>) => Promise<void>) => Promise<WebhookStatus>;

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

/** A Lean lookup where "not found" (or an id Lean cannot even read) is an answer, not a failure. */
export async function lookUp<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LeanApiError && (error.httpStatus === 404 || error.leanStatus === 'INVALID_PARAMETERS')) return undefined;
    throw error;
  }
}
