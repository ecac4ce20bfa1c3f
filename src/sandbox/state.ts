import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkConsentRequest, type ConsentRuleViolation } from '../model/consent-rules.js';
import { PERMISSION_NAMES, type PermissionName } from '../model/permissions.js';
import { sessionEnd } from './bank-behaviours.js';
import { findBank, type SandboxBankProfile } from './banks.js';
import { DataAnswers, type Face } from './data-answers.js';
import { createSandboxData, type SandboxAccount, type SandboxData } from './data.js';
import {
  describeValue,
  invalidParameters,
  leanError,
  unknownCustomer,
  unknownEntity,
  UUID,
  type ConsentRecord,
  type CustomerRecord,
  type EntityRecord,
  type SandboxAnswer,
  type WebhookOutbox,
} from './records.js';
import { Refreshes, type RefreshRecord } from './refreshes.js';

export interface SandboxStateOptions {
  readonly seed: string;
  readonly resultsDelayMs: number;
  readonly sessionTtlMs: number;
  readonly stateFile: string | undefined;
  readonly webhooks: WebhookOutbox;
  /** How long a data refresh takes between its PENDING and its FINISHED / OK webhook. */
  readonly refreshDelayMs: number;
  /** False: refreshes are kept and answered but send no `entity.data.refresh.updated`. */
  readonly refreshWebhooks: boolean;
  /** The clock, so tests can move time; defaults to Date.now. */
  readonly now?: () => number;
}

interface PersistedState {
  readonly version: 1;
  readonly counter: number;
  readonly customers: CustomerRecord[];
  readonly entities: EntityRecord[];
  /** Absent in state files written before v2. */
  readonly refreshes?: RefreshRecord[];
  /** Banks taken down or up through the control API; absent before bank availability. */
  readonly bankAvailability?: Record<string, BankAvailabilityRecord>;
}

/** Lean's `availability` of a bank: per service, whether it is active and enabled (both true: up). */
export interface BankAvailabilityRecord {
  readonly active: { readonly data: boolean; readonly payments: boolean };
  readonly enabled: { readonly data: boolean; readonly payments: boolean };
}

/** The emulated Lean: customers, entities, consents, sessions and asynchronous results. */
export class SandboxState {
  readonly data: SandboxData;
  private readonly customers = new Map<string, CustomerRecord>();
  /** Data calls of both faces: their checks, asynchronous results and reconnects. */
  readonly answers: DataAnswers;
  /** Lean's reads of the bank into its store (v2's data-store workflow). */
  readonly refreshes: Refreshes;
  readonly now: () => number;
  private readonly entities = new Map<string, EntityRecord>();
  /** Banks whose availability the control API changed; the others are as their profile says. */
  private readonly availability = new Map<string, BankAvailabilityRecord>();
  private counter = 0;

  constructor(private readonly options: SandboxStateOptions) {
    this.data = createSandboxData(options.seed);
    this.now = options.now ?? Date.now;
    this.answers = new DataAnswers({
      data: this.data,
      entity: (entityId) => this.entities.get(entityId),
      webhooks: options.webhooks,
      resultsDelayMs: options.resultsDelayMs,
      now: this.now,
      dataDown: (bank) => !this.dataUp(bank),
    });
    this.refreshes = new Refreshes({
      webhooks: options.webhooks,
      delayMs: options.refreshDelayMs,
      sendWebhooks: options.refreshWebhooks,
      now: this.now,
      customer: (customerId) => this.customers.get(customerId),
      entity: (entityId) => this.entities.get(entityId),
      accounts: (entity, bank) => this.data.accounts(entity.id, bank),
      changed: () => this.save(),
    });
    this.load();
  }

  close(): void {
    this.answers.close();
    this.refreshes.close();
  }

  customer(customerId: string): CustomerRecord | undefined {
    return this.customers.get(customerId);
  }

  /** The entity, unless it is unknown or was deleted. */
  entity(entityId: string): EntityRecord | undefined {
    const entity = this.entities.get(entityId);
    return entity === undefined || entity.deleted ? undefined : entity;
  }

  // --- customers -----------------------------------------------------------------------------

  createCustomer(body: unknown): SandboxAnswer {
    const appUserId = field(body, 'app_user_id');
    if (typeof appUserId !== 'string' || appUserId.trim() === '' || appUserId.length > 255) return invalidParameters('app_user_id', appUserId);
    for (const customer of this.customers.values()) {
      if (customer.app_user_id === appUserId) {
        return leanError(409, 'CUSTOMER_ALREADY_EXISTS', 'A customer already exists for the app_user_id you have provided.');
      }
    }
    const customer: CustomerRecord = { customer_id: this.data.uuid('customer', appUserId), app_user_id: appUserId };
    this.customers.set(customer.customer_id, customer);
    this.save();
    return { status: 200, body: { app_user_id: customer.app_user_id, customer_id: customer.customer_id } };
  }

  getCustomer(customerId: string): SandboxAnswer {
    if (!UUID.test(customerId)) return invalidParameters('customer_id', customerId);
    const customer = this.customers.get(customerId);
    return customer === undefined ? unknownCustomer() : { status: 200, body: { customer_id: customer.customer_id, app_user_id: customer.app_user_id } };
  }

  getCustomerByAppUserId(appUserId: string): SandboxAnswer {
    const customer = [...this.customers.values()].find((c) => c.app_user_id === appUserId);
    return customer === undefined ? unknownCustomer() : { status: 200, body: { customer_id: customer.customer_id, app_user_id: customer.app_user_id } };
  }

  // --- entities ------------------------------------------------------------------------------

  listEntities(customerId: string, face: Face = 'v1'): SandboxAnswer {
    if (!UUID.test(customerId)) return invalidParameters('customer_id', customerId);
    if (!this.customers.has(customerId)) return unknownCustomer();
    const entities = [...this.entities.values()].filter((e) => e.customer_id === customerId && !e.deleted);
    return { status: 200, body: entities.map((e) => this.entityJson(e, face)) };
  }

  /**
   * The entities created on the days `startDay` to `endDay` (UTC, inclusive), oldest first, as v2's
   * entity objects with `status` (ACTIVE, or DELETED once unlinked) and `updated_at`.
   */
  entitiesCreatedBetween(startDay: string, endDay: string): unknown[] {
    return [...this.entities.values()]
      .filter((e) => e.created_at !== undefined && e.created_at.slice(0, 10) >= startDay && e.created_at.slice(0, 10) <= endDay)
      .sort((a, b) => (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id))
      .map((e) => ({ ...(this.entityJson(e, 'v2') as object), status: e.deleted ? 'DELETED' : 'ACTIVE', updated_at: e.created_at ?? null }));
  }

  getEntity(customerId: string, entityId: string, face: Face = 'v1'): SandboxAnswer {
    const found = this.customerEntity(customerId, entityId);
    return 'answer' in found ? found.answer : { status: 200, body: this.entityJson(found.entity, face) };
  }

  deleteEntity(customerId: string, entityId: string, body: unknown): SandboxAnswer {
    const reason = field(body, 'reason');
    if (typeof reason !== 'string' || reason.trim() === '') return invalidParameters('reason', reason);
    const found = this.customerEntity(customerId, entityId);
    if ('answer' in found) return found.answer;
    found.entity.deleted = true;
    this.save();
    return { status: 200 };
  }

  /** What the Link SDK does when the user finishes: the entity (and its consent in KSA), then `entity.created`. */
  async connect(body: unknown): Promise<SandboxAnswer> {
    const customerId = field(body, 'customer_id');
    const bankIdentifier = field(body, 'bank_identifier');
    const permissions = field(body, 'permissions');
    const accountType = field(body, 'account_type') ?? 'PERSONAL';
    const accessFrom = field(body, 'access_from');
    const accessTo = field(body, 'access_to');
    if (typeof customerId !== 'string' || !UUID.test(customerId)) return invalidParameters('customer_id', customerId);
    const customer = this.customers.get(customerId);
    if (customer === undefined) return unknownCustomer();
    const bank = typeof bankIdentifier === 'string' ? findBank(bankIdentifier) : undefined;
    if (bank === undefined) return leanError(400, 'UNKNOWN_BANK', `No bank with identifier ${describeValue(bankIdentifier)} in this sandbox.`);
    if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) return invalidParameters('permissions', permissions);
    if (accountType !== 'PERSONAL' && accountType !== 'BUSINESS') return invalidParameters('account_type', accountType);
    if ((accessFrom !== undefined && typeof accessFrom !== 'string') || (accessTo !== undefined && typeof accessTo !== 'string')) {
      return invalidParameters('access_from/access_to', { access_from: accessFrom, access_to: accessTo });
    }
    const decision = checkConsentRequest({ region: bank.region, accountType, permissions, accessFrom, accessTo }, new Date(this.now()));
    if (!decision.ok) return consentRejected(decision.violations);

    const granted = Object.fromEntries(PERMISSION_NAMES.map((name) => [name, decision.permissions.includes(name)])) as Record<PermissionName, boolean>;
    const sameBank = [...this.entities.values()].filter((e) => e.customer_id === customerId && e.bank_identifier === bank.identifier).length;
    const entityId = this.data.uuid('entity', customerId, bank.identifier, String(sameBank));
    const nowIso = new Date(this.now()).toISOString();
    const consents: ConsentRecord[] = [];
    if (bank.region === 'KSA') {
      const holder = this.data.identity(entityId, bank.region).full_name;
      consents.push({
        id: this.data.uuid('consent', entityId),
        bank_consent_id: String(100_000 + this.nextCounter()),
        consent_status: 'ACTIVE',
        permissions: granted,
        creation_date_time: nowIso,
        status_update_date_time: nowIso,
        expiration_date_time: decision.accessTo?.toISOString() ?? null,
        transaction_from_date_time: decision.accessFrom?.toISOString() ?? null,
        transaction_to_date_time: decision.accessTo?.toISOString() ?? null,
        accounts: this.data.accounts(entityId, bank).map((a) => ({ scheme_name: 'IBAN', identification: a.iban, name: holder, secondary_identification: null })),
      });
    }
    const entity: EntityRecord = {
      id: entityId,
      customer_id: customerId,
      bank_identifier: bank.identifier,
      account_type: accountType,
      permissions: granted,
      consents,
      created_at: nowIso,
      deleted: false,
      sessionExpiresAt: sessionEnd(bank.behaviour, this.now(), this.options.sessionTtlMs),
    };
    this.entities.set(entity.id, entity);
    this.save();
    await this.options.webhooks.send(randomUUID(), 'entity.created', 'An entity object has been created.', {
      id: entity.id,
      customer_id: customer.customer_id,
      app_user_id: customer.app_user_id,
      permissions: decision.permissions,
      bank_details: {
        name: bank.name,
        identifier: bank.identifier,
        logo: bank.logo,
        main_color: bank.main_color,
        background_color: bank.background_color,
        swift_code: bank.swift_code,
        account_type: accountType,
        bank_type: bankTypeOf(accountType),
      },
    });
    // Lean then reads the bank into its store: entity.data.refresh.updated follows entity.created.
    this.refreshes.start(entity);
    return { status: 201, body: this.entityJson(entity) };
  }

  /** The entity's next data call answers RECONNECT_REQUIRED. */
  expireSession(entityId: string): SandboxAnswer {
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.deleted) return unknownEntity();
    entity.sessionExpiresAt = 0;
    this.save();
    return { status: 200, body: { entity_id: entity.id, session: 'expired' } };
  }

  /** Gives an entity that shows no consent object (the UAE's) one, ACTIVE and open-ended, so a change to it can be kept. */
  private keepConsentOf(entity: EntityRecord, createdIso: string, nowIso: string): void {
    if (entity.consents.length > 0) return;
    entity.consents.push({
      id: this.data.uuid('consent', entity.id),
      bank_consent_id: String(100_000 + this.nextCounter()),
      consent_status: 'ACTIVE',
      permissions: entity.permissions,
      creation_date_time: createdIso,
      status_update_date_time: nowIso,
      expiration_date_time: null,
      transaction_from_date_time: null,
      transaction_to_date_time: null,
      accounts: [],
    });
  }

  /** The user revoked the consent at their bank: data calls answer CONSENT_EXPIRED; `entity.updated` follows. */
  async revokeConsent(entityId: string): Promise<SandboxAnswer> {
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.deleted) return unknownEntity();
    const nowIso = new Date(this.now()).toISOString();
    // UAE entities carry no consent object in v1; the revocation is kept as one all the same.
    this.keepConsentOf(entity, nowIso, nowIso);
    for (const consent of entity.consents) {
      consent.consent_status = 'REVOKED';
      consent.status_update_date_time = nowIso;
    }
    this.save();
    await this.options.webhooks.send(randomUUID(), 'entity.updated', 'The entity was updated.', {
      id: entity.id,
      customer_id: entity.customer_id,
      consent_status: 'REVOKED',
    });
    return { status: 200, body: this.entityJson(entity) };
  }

  /**
   * Moves the end of the entity's consent (a test's shortcut to expiry): `expires_at` an ISO instant
   * (past ones allowed) or null for open-ended. Data calls answer CONSENT_EXPIRED once it passes; the
   * entity's `consents[].expiration_date_time` shows it, and `entity.updated` follows.
   */
  async moveConsentEnd(entityId: string, body: unknown): Promise<SandboxAnswer> {
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.deleted) return unknownEntity();
    const expiresAt = field(body, 'expires_at');
    const end = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
    if (expiresAt !== null && Number.isNaN(end)) return invalidParameters('expires_at', expiresAt);
    const nowIso = new Date(this.now()).toISOString();
    // UAE entities show no consent object; the end is kept as one all the same, so data calls lapse with it.
    this.keepConsentOf(entity, entity.created_at ?? nowIso, nowIso);
    for (const consent of entity.consents) {
      consent.expiration_date_time = expiresAt === null ? null : new Date(end).toISOString();
      consent.status_update_date_time = nowIso;
    }
    this.save();
    await this.options.webhooks.send(randomUUID(), 'entity.updated', 'The entity was updated.', {
      id: entity.id,
      customer_id: entity.customer_id,
    });
    return { status: 200, body: this.entityJson(entity) };
  }

  /** The user finished `Lean.reconnect`: `entity.reconnected`, then `results.ready` for each call that waited. */
  async reconnect(id: string): Promise<SandboxAnswer> {
    const reconnect = this.answers.takeReconnect(id);
    if (reconnect === undefined) return leanError(404, 'UNKNOWN_RECONNECT_ID', 'No reconnect in progress with this reconnect_id.');
    const entity = this.entities.get(reconnect.entityId);
    if (entity === undefined) return unknownEntity();
    entity.sessionExpiresAt = sessionEnd(findBank(entity.bank_identifier)?.behaviour, this.now(), this.options.sessionTtlMs);
    this.save();
    // The id the user reconnected with: v1's reconnect_id, or the results_id v2's guide passes as one.
    await this.options.webhooks.send(randomUUID(), 'entity.reconnected', 'The entity was successfully reconnected.', {
      id: entity.id,
      reconnect_id: id,
    });
    for (const waiting of reconnect.waiting) await this.answers.complete(waiting);
    return { status: 200, body: { entity_id: entity.id, reconnect_id: reconnect.reconnectId, results_ids: reconnect.waiting.map((w) => w.resultsId) } };
  }

  /** Lean's `availability` of the bank now: as the control API last set it, else up (payments as its profile says). */
  bankAvailability(bank: SandboxBankProfile): BankAvailabilityRecord {
    const up = { data: true, payments: bank.payments };
    return this.availability.get(bank.identifier) ?? { active: up, enabled: up };
  }

  private dataUp(bank: SandboxBankProfile): boolean {
    const { active, enabled } = this.bankAvailability(bank);
    return active.data && enabled.data;
  }

  /**
   * Takes a bank down or brings it back (`POST /sandbox/banks/{identifier}/availability` with any of
   * `data`, `payments` (active) and `enabled: {data, payments}`), then sends `bank.availability.updated`
   * as Lean does. While its data is down, data calls for its entities answer 500.
   */
  async setBankAvailability(identifier: string, body: unknown): Promise<SandboxAnswer> {
    const bank = findBank(identifier);
    if (bank === undefined) return leanError(404, 'UNKNOWN_BANK', `No bank with identifier ${describeValue(identifier)} in this sandbox.`);
    const flag = (value: unknown, current: boolean): boolean | undefined => (value === undefined ? current : typeof value === 'boolean' ? value : undefined);
    const current = this.bankAvailability(bank);
    const enabledBody = field(body, 'enabled');
    const active = { data: flag(field(body, 'data'), current.active.data), payments: flag(field(body, 'payments'), current.active.payments) };
    const enabled = { data: flag(field(enabledBody, 'data'), current.enabled.data), payments: flag(field(enabledBody, 'payments'), current.enabled.payments) };
    if (body !== undefined && (typeof body !== 'object' || body === null)) return invalidParameters('body', body);
    if (active.data === undefined || active.payments === undefined || enabled.data === undefined || enabled.payments === undefined) {
      return invalidParameters('data/payments/enabled', body);
    }
    const availability: BankAvailabilityRecord = {
      active: { payments: active.payments, data: active.data },
      enabled: { payments: enabled.payments, data: enabled.data },
    };
    this.availability.set(bank.identifier, availability);
    this.save();
    const eventId = randomUUID();
    await this.options.webhooks.send(eventId, 'bank.availability.updated', 'The bank status has been updated.', { identifier: bank.identifier, availability });
    return { status: 200, body: { identifier: bank.identifier, availability, event_id: eventId } };
  }

  /** The accounts of an entity, for the control API and tests. */
  accountsOf(entityId: string): SandboxAccount[] {
    const entity = this.entities.get(entityId);
    const bank = entity === undefined ? undefined : findBank(entity.bank_identifier);
    return entity === undefined || bank === undefined ? [] : this.data.accounts(entity.id, bank);
  }

  private customerEntity(customerId: string, entityId: string): { entity: EntityRecord } | { answer: SandboxAnswer } {
    if (!UUID.test(customerId)) return { answer: invalidParameters('customer_id', customerId) };
    if (!UUID.test(entityId)) return { answer: invalidParameters('entity_id', entityId) };
    if (!this.customers.has(customerId)) return { answer: unknownCustomer() };
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.deleted || entity.customer_id !== customerId) {
      return { answer: unknownEntity() };
    }
    return { entity };
  }

  /**
   * The v1 entity: UAE entities carry no consents (as in Lean's UAE guide); KSA ones carry the SAMA
   * consent. A v2 caller (bearer token) also gets `bank_type` and `created_at`, as Lean's v2 collections show.
   */
  private entityJson(entity: EntityRecord, face: Face = 'v1'): unknown {
    const base = {
      id: entity.id,
      customer_id: entity.customer_id,
      bank_identifier: entity.bank_identifier,
      ...(face === 'v2' && { bank_type: bankTypeOf(entity.account_type), created_at: entity.created_at ?? null }),
    };
    if (findBank(entity.bank_identifier)?.region !== 'KSA') return { ...base, permissions: entity.permissions };
    return { ...base, account_type: entity.account_type, permissions: entity.permissions, consents: entity.consents };
  }

  private nextCounter(): number {
    this.counter += 1;
    return this.counter;
  }

  private load(): void {
    if (this.options.stateFile === undefined) return;
    let saved: PersistedState;
    try {
      saved = JSON.parse(readFileSync(this.options.stateFile, 'utf8')) as PersistedState;
    } catch {
      return; // first start: nothing saved yet
    }
    this.counter = saved.counter;
    for (const customer of saved.customers) this.customers.set(customer.customer_id, customer);
    for (const entity of saved.entities) this.entities.set(entity.id, entity);
    this.refreshes.restore(saved.refreshes ?? []);
    for (const [identifier, availability] of Object.entries(saved.bankAvailability ?? {})) this.availability.set(identifier, availability);
  }

  private save(): void {
    const file = this.options.stateFile;
    if (file === undefined) return;
    const state: PersistedState = {
      version: 1,
      counter: this.counter,
      customers: [...this.customers.values()],
      entities: [...this.entities.values()],
      refreshes: this.refreshes.all(),
      bankAvailability: Object.fromEntries(this.availability),
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  }
}

/** Lean's `bank_type` of a link: retail banking for a personal account, corporate for a business one. */
function bankTypeOf(accountType: EntityRecord['account_type']): string {
  return accountType === 'BUSINESS' ? 'CORPORATE' : 'RETAIL';
}

function consentRejected(violations: readonly ConsentRuleViolation[]): SandboxAnswer {
  const answer = leanError(400, 'INVALID_PARAMETERS', violations.map((v) => v.message).join('; '));
  return { status: answer.status, body: { ...(answer.body as object), metadata: { violations } } };
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}
