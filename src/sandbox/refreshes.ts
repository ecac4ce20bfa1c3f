// Lean's data-store workflow: after a link (and on `POST /data/v2/refreshes`) Lean reads the bank into
// its store and says so with `entity.data.refresh.updated`, PENDING first, then FINISHED (KSA) or OK (UAE).
import { randomUUID } from 'node:crypto';
import type { PermissionName } from '../model/permissions.js';
import { findBank, type SandboxBankProfile } from './banks.js';
import { isoDay, parseDay, threeYearsBefore } from './calendar.js';
import type { SandboxAccount } from './data.js';
import { consentedFrom, type CustomerRecord, type EntityRecord, type WebhookOutbox } from './records.js';

/** Lean's samples: `FINISHED` in KSA, `OK` in the UAE; PENDING while the bank is being read. */
export type RefreshStatus = 'PENDING' | 'FINISHED' | 'OK';
export type DatasetStatus = 'OK' | 'FAILED' | 'UNSUPPORTED' | 'PENDING';

export interface AccountDataStatus {
  readonly account_id: string;
  readonly balance: DatasetStatus;
  readonly identity: DatasetStatus;
  readonly transactions: DatasetStatus;
  readonly scheduled_payments: DatasetStatus;
  readonly direct_debits: DatasetStatus;
  readonly standing_orders: DatasetStatus;
  readonly beneficiaries: DatasetStatus;
  readonly transaction_availability: { readonly start: string; readonly end: string; readonly complete_months: number };
}

export interface DataStatus {
  readonly accounts: DatasetStatus;
  readonly identity: DatasetStatus;
  readonly account_data: readonly AccountDataStatus[];
}

export interface RefreshRecord {
  readonly refresh_id: string;
  readonly entity_id: string;
  readonly customer_id: string;
  status: RefreshStatus;
  readonly created_at: string;
  updated_at: string;
  data_status: DataStatus;
}

export interface RefreshesOptions {
  readonly webhooks: WebhookOutbox;
  /** How long reading the bank takes: the time between the PENDING and the FINISHED / OK webhook. */
  readonly delayMs: number;
  /** False keeps the refreshes (and their REST answers) but sends no `entity.data.refresh.updated`. */
  readonly sendWebhooks: boolean;
  readonly now: () => number;
  readonly customer: (customerId: string) => CustomerRecord | undefined;
  readonly entity: (entityId: string) => EntityRecord | undefined;
  readonly accounts: (entity: EntityRecord, bank: SandboxBankProfile) => SandboxAccount[];
  /** Called after every change, so the state file keeps the refreshes. */
  readonly changed: () => void;
}

/** Refreshes kept (the newest); older ones are forgotten, as a long-running emulator must stay bounded. */
const MAX_KEPT_REFRESHES = 2_000;
/** The datasets only SAMA's open banking (KSA) offers; the UAE answers them UNSUPPORTED. */
export const KSA_ONLY: ReadonlySet<PermissionName> = new Set(['identities', 'scheduled_payments', 'standing_orders', 'direct_debits', 'beneficiaries']);

export class Refreshes {
  private readonly records = new Map<string, RefreshRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: RefreshesOptions) {}

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** A new refresh of the entity, PENDING until the bank has been read; the webhooks follow in order. */
  start(entity: EntityRecord): RefreshRecord {
    const nowIso = new Date(this.options.now()).toISOString();
    const record: RefreshRecord = {
      refresh_id: randomUUID(),
      entity_id: entity.id,
      customer_id: entity.customer_id,
      status: 'PENDING',
      created_at: nowIso,
      updated_at: nowIso,
      data_status: this.dataStatus(entity, 'PENDING'),
    };
    this.records.set(record.refresh_id, record);
    for (const oldest of this.records.keys()) {
      if (this.records.size <= MAX_KEPT_REFRESHES) break;
      this.records.delete(oldest);
    }
    this.options.changed();
    void this.announce(record).then(() => this.finishLater(record));
    return record;
  }

  /** Refreshes a restarted emulator found in its state file; one that was pending finishes now. */
  restore(records: readonly RefreshRecord[]): void {
    for (const record of records) this.records.set(record.refresh_id, record);
    for (const record of records) if (record.status === 'PENDING') this.finishLater(record);
  }

  all(): RefreshRecord[] {
    return [...this.records.values()];
  }

  pendingOf(entityId: string): RefreshRecord | undefined {
    return [...this.records.values()].find((r) => r.entity_id === entityId && r.status === 'PENDING');
  }

  get(refreshId: string): RefreshRecord | undefined {
    return this.records.get(refreshId);
  }

  /** The entity's refreshes, newest first (as Lean's sample lists them). */
  ofEntity(entityId: string): RefreshRecord[] {
    return [...this.records.values()].filter((r) => r.entity_id === entityId).reverse();
  }

  /** When Lean last finished reading the entity's bank: v2's `refreshed_at`. */
  lastFinishedAt(entityId: string): string | undefined {
    return this.ofEntity(entityId).find((r) => r.status !== 'PENDING')?.updated_at;
  }

  private finishLater(record: RefreshRecord): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.finish(record);
    }, this.options.delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async finish(record: RefreshRecord): Promise<void> {
    const entity = this.options.entity(record.entity_id);
    const region = entity === undefined ? undefined : findBank(entity.bank_identifier)?.region;
    record.status = region === 'KSA' ? 'FINISHED' : 'OK';
    record.updated_at = new Date(this.options.now()).toISOString();
    if (entity !== undefined) record.data_status = this.dataStatus(entity, 'OK');
    this.options.changed();
    await this.announce(record);
  }

  private async announce(record: RefreshRecord): Promise<void> {
    if (!this.options.sendWebhooks || this.closed) return;
    await this.options.webhooks.send(randomUUID(), 'entity.data.refresh.updated', 'An entity data refresh state has been updated.', {
      entity_id: record.entity_id,
      refresh_id: record.refresh_id,
      customer_id: record.customer_id,
      app_user_id: this.options.customer(record.customer_id)?.app_user_id ?? null,
      status: record.status,
      data_status: record.data_status,
    });
  }

  /**
   * What the refresh reads: each dataset the entity was granted, `read` (PENDING while reading, then OK);
   * UNSUPPORTED for what the region does not offer (the KSA datasets in the UAE), what was not granted,
   * and identity of a BUSINESS entity.
   */
  private dataStatus(entity: EntityRecord, read: 'PENDING' | 'OK'): DataStatus {
    const bank = findBank(entity.bank_identifier);
    if (bank === undefined) return { accounts: 'FAILED', identity: 'FAILED', account_data: [] };
    const status = (dataset: PermissionName): DatasetStatus =>
      (bank.region === 'UAE' && KSA_ONLY.has(dataset)) || !entity.permissions[dataset] ? 'UNSUPPORTED' : read;
    const identity = entity.account_type === 'BUSINESS' ? 'UNSUPPORTED' : status('identity');
    const now = this.options.now();
    const today = isoDay(Math.floor(now / 86_400_000));
    const from = consentedFrom(entity);
    const windowStart = isoDay(threeYearsBefore(parseDay(today, 'today')));
    const start = from !== undefined && from > windowStart ? from : windowStart;
    return {
      accounts: status('accounts'),
      identity,
      account_data: this.options.accounts(entity, bank).map((account) => ({
        account_id: account.account_id,
        balance: status('balance'),
        identity: entity.account_type === 'BUSINESS' ? 'UNSUPPORTED' : status(bank.region === 'KSA' ? 'identities' : 'identity'),
        transactions: status('transactions'),
        scheduled_payments: status('scheduled_payments'),
        direct_debits: status('direct_debits'),
        standing_orders: status('standing_orders'),
        beneficiaries: status('beneficiaries'),
        transaction_availability: { start, end: today, complete_months: completeMonths(start, today) },
      })),
    };
  }
}

/** Calendar months lying wholly within [start, end] (Lean's `complete_months`). */
export function completeMonths(start: string, end: string): number {
  const [sy = 0, sm = 0, sd = 0] = start.split('-').map(Number);
  const [ey = 0, em = 0, ed = 0] = end.split('-').map(Number);
  const lastDayOfEndMonth = new Date(Date.UTC(ey, em, 0)).getUTCDate();
  const firstFull = sy * 12 + sm + (sd === 1 ? 0 : 1);
  const lastFull = ey * 12 + em - (ed === lastDayOfEndMonth ? 0 : 1);
  return Math.max(0, lastFull - firstFull + 1);
}
