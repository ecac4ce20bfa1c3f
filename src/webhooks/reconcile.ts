import { randomUUID } from 'node:crypto';
import { momentOfRefresh } from '../data/entity-refresh.js';
import { announceEvents } from '../events/bus.js';
import type { Logger } from '../log.js';
import { orderOfRefresh, refreshFinished, type RefreshMoment } from '../model/refresh.js';
import { refreshStateOf } from '../store/entity-refresh-store.js';
import { claimFetchLease, extendFetchLease, releaseFetchLease } from '../store/fetch-leases-store.js';
import { firstInstanceDay, linkedEntitiesAfter, reconciledThrough, recordReconciled, storedLinks } from '../store/reconcile-store.js';
import type { ApplyDependencies, FinishWebhook, WebhookStatus } from './apply/applying.js';
import { applyRefreshState, readDataRefresh } from './apply/data-refresh.js';
import { applyEntityCreated } from './apply/entity-created.js';

export interface ReconcilerOptions extends ApplyDependencies {
  readonly log: Logger;
  /** Time between two runs (the first runs at start). */
  readonly everyMs: number;
  /** Days before the last successful run's day that a run reads again; Lean's list is by day. */
  readonly overlapDays?: number;
  /** How long one instance holds the run before another may take it over (it is extended as the run goes). */
  readonly leaseMs?: number;
}

/** What one run did. */
export interface ReconcileRun {
  readonly startDate: string;
  readonly endDate: string;
  /** Entities Lean listed that the gateway did not know (or had not announced) and now stored. */
  readonly linked: number;
  /** Finished refreshes the gateway had missed and now applied. */
  readonly refreshesApplied: number;
}

const JOB = 'entities';
/** One lease for every instance: the run goes one instance at a time. */
const LEASE_KEY = 'reconcile:entities';
const ENTITY_BATCH = 200;
/** A failed run is tried again this soon (or at the next interval, when that is sooner). */
const RETRY_FAILED_RUN_MS = 60_000;

/**
 * Catching up after downtime (Lean's webhook redeliveries end after about 4.5 hours): at start and
 * then every `everyMs`, one instance at a time (a lease every instance tries for) reads Lean's
 * entities created since the day of its last successful run, less a day of overlap, and applies an
 * `entity.created` for each it did not know — the webhook's own code, so `entityLinked` is published
 * once between the two. Then, for every linked entity, it looks at Lean's latest finished refresh and
 * applies one it missed through the refresh webhook's code; a webhook that arrives later for either
 * finds it applied and changes nothing. The day it read through is recorded only when the whole run
 * succeeded. v1 has neither list: the run does nothing there.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly overlapDays: number;
  private readonly leaseMs: number;

  constructor(private readonly options: ReconcilerOptions) {
    this.overlapDays = options.overlapDays ?? 1;
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  start(): void {
    if (this.options.lean.version === 'v1') {
      this.options.log.info("Lean's v1 API lists no entities by date and no refreshes: no catching up after downtime; webhooks are the only source");
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One run now; undefined when another instance holds the run (or under v1). */
  async runNow(): Promise<ReconcileRun | undefined> {
    const holder = randomUUID();
    const { db } = this.options;
    if (!(await claimFetchLease(db, LEASE_KEY, holder, this.leaseMs))) return undefined;
    try {
      return await this.run(holder);
    } finally {
      await releaseFetchLease(db, LEASE_KEY, holder);
    }
  }

  private async run(holder: string): Promise<ReconcileRun | undefined> {
    const { db, lean } = this.options;
    const keep = async () => {
      if (!(await extendFetchLease(db, LEASE_KEY, holder, this.leaseMs))) throw new Error('the reconcile lease ran out and another instance took the run over');
    };
    const endDate = new Date().toISOString().slice(0, 10);
    const since = (await reconciledThrough(db, JOB)) ?? (await firstInstanceDay(db)) ?? endDate;
    const startDate = dayBefore(since, this.overlapDays);
    const listed = await lean.entitiesCreatedBetween(startDate, endDate);
    if (listed === undefined) return undefined;

    let linked = 0;
    const stored = await storedLinks(db, listed.map((entity) => entity.id));
    for (const entity of listed) {
      const here = stored.get(entity.id);
      // Unlinked at Lean or here, or announced already: nothing entity.created would do.
      if ((entity.status !== null && entity.status !== 'ACTIVE') || here?.disconnected === true || here?.announced === true) continue;
      const status = await applyEntityCreated(this.options, { id: entity.id, customer_id: entity.customerId }, this.finish);
      if (status === 'APPLIED') linked += 1;
      await keep();
    }

    let refreshesApplied = 0;
    for (let after: string | undefined; ; ) {
      const ids = await linkedEntitiesAfter(db, after, ENTITY_BATCH);
      if (ids.length === 0) break;
      // One entity after the other: a finished refresh rewrites its customer's entity list, which two at once would deadlock on.
      for (const id of ids) {
        if (await this.catchUpRefresh(id)) refreshesApplied += 1;
        await keep();
      }
      after = ids[ids.length - 1];
    }
    await recordReconciled(db, JOB, endDate);
    return { startDate, endDate, linked, refreshesApplied };
  }

  /** Applies the entity's latest finished refresh at Lean when it is newer than the one recorded; true when it did. */
  private async catchUpRefresh(entityId: string): Promise<boolean> {
    const { db, lean } = this.options;
    const refreshes = await lean.refreshesOfEntity(entityId);
    const latest = refreshes?.find((refresh) => refreshFinished(refresh.status));
    if (latest === undefined || latest.updatedAt === null) return false;
    const incoming: RefreshMoment = { refreshId: latest.refreshId, status: latest.status, updatedAt: latest.updatedAt };
    const recorded = await refreshStateOf(db, entityId);
    if (recorded === undefined || orderOfRefresh(momentOfRefresh(recorded), incoming) !== 'newer') return false;
    const refresh = readDataRefresh(await lean.refreshDetails(latest.refreshId));
    if (refresh === undefined || refresh.entityId !== entityId) return false;
    return (await applyRefreshState(this.options, refresh, incoming, this.finish)) === 'APPLIED';
  }

  /** As a webhook's row is finished, without a row: the writes and their events in one transaction. */
  private readonly finish: FinishWebhook = async (status, _note, work): Promise<WebhookStatus> => {
    if (work !== undefined) {
      await this.options.db.transaction().execute(work);
      announceEvents(this.options.db);
    }
    return status;
  };

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      let nextMs = this.options.everyMs;
      this.running = this.runNow()
        .then(
          (run) => {
            if (run !== undefined && (run.linked > 0 || run.refreshesApplied > 0)) this.options.log.info(run, 'caught up with Lean: entities and refreshes whose webhooks never arrived applied');
          },
          (error: unknown) => {
            // Lean or the database failed (a deadlock with a webhook of the same customer …): try again soon, from the same days.
            nextMs = Math.min(nextMs, RETRY_FAILED_RUN_MS);
            this.options.log.warn({ err: { message: error instanceof Error ? error.message : 'unknown' }, retryInMs: nextMs }, 'catching up with Lean failed; the next run reads the same days again');
          },
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(nextMs);
        });
    }, ms);
    this.timer.unref();
  }
}

/** `day` (`YYYY-MM-DD`) less `days`. */
function dayBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}
