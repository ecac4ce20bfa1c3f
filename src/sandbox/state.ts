import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkConsentRequest, type AccountType, type ConsentRuleViolation } from '../model/consent-rules.js';
import { PERMISSION_NAMES, type PermissionName } from '../model/permissions.js';
import { findBank, type SandboxBankProfile } from './banks.js';
import { createSandboxData, type SandboxAccount, type SandboxData } from './data.js';

/** An answer of the emulated API: HTTP status and JSON body (undefined: no body). */
export interface SandboxAnswer {
  readonly status: number;
  readonly body?: unknown;
}

export interface CustomerRecord {
  readonly customer_id: string;
  readonly app_user_id: string;
}

export interface ConsentRecord {
  id: string;
  bank_consent_id: string;
  consent_status: string;
  permissions: Record<PermissionName, boolean>;
  creation_date_time: string;
  status_update_date_time: string;
  expiration_date_time: string | null;
  transaction_from_date_time: string | null;
  transaction_to_date_time: string | null;
  accounts: { scheme_name: string; identification: string; name: string | null; secondary_identification: string | null }[];
}

export interface EntityRecord {
  readonly id: string;
  readonly customer_id: string;
  readonly bank_identifier: string;
  readonly account_type: AccountType;
  readonly permissions: Record<PermissionName, boolean>;
  readonly consents: ConsentRecord[];
  deleted: boolean;
  /** Epoch ms after which data calls answer RECONNECT_REQUIRED; null: the session never expires. */
  sessionExpiresAt: number | null;
}

export type DataCall =
  | { readonly kind: 'identity' | 'accounts'; readonly entityId: string }
  | { readonly kind: 'balance'; readonly entityId: string; readonly accountId: string }
  | {
      readonly kind: 'transactions';
      readonly entityId: string;
      readonly accountId: string;
      readonly startDate: string;
      readonly endDate: string;
      readonly insights: boolean;
    };

export interface WebhookOutbox {
  send(eventId: string, type: string, message: string, payload: unknown): Promise<unknown>;
}

export interface SandboxStateOptions {
  readonly seed: string;
  readonly resultsDelayMs: number;
  readonly sessionTtlMs: number;
  readonly stateFile: string | undefined;
  readonly webhooks: WebhookOutbox;
  /** The clock, so tests can move time; defaults to Date.now. */
  readonly now?: () => number;
}

interface PersistedState {
  readonly version: 1;
  readonly counter: number;
  readonly customers: CustomerRecord[];
  readonly entities: EntityRecord[];
}

/** Finished asynchronous answers kept for `GET /v1/results/{id}` (each can be a megabyte). */
const MAX_KEPT_RESULTS = 200;
/** SAMA dates are KSA calendar days (UTC+03:00). */
const KSA_OFFSET_MS = 3 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lean's error body: the same fields as Lean's own samples. Data calls also carry a results_id. */
export function leanError(status: number, leanStatus: string, message: string, resultsId?: string): SandboxAnswer {
  return {
    status,
    body: {
      ...(resultsId !== undefined && { results_id: resultsId }),
      timestamp: new Date().toISOString(),
      status: leanStatus,
      message,
      metadata: null,
    },
  };
}

export const invalidParameters = (field: string, value: unknown, resultsId?: string): SandboxAnswer =>
  leanError(
    400,
    'INVALID_PARAMETERS',
    `The request is badly formatted or a parameter of the wrong type has been provided, field: ${field}, value: ${describeValue(value)}.`,
    resultsId,
  );

/** The emulated Lean: customers, entities, consents, sessions and asynchronous results. */
export class SandboxState {
  readonly data: SandboxData;
  private readonly customers = new Map<string, CustomerRecord>();
  private readonly entities = new Map<string, EntityRecord>();
  /** Reconnects in progress: what waits for the user to finish `Lean.reconnect`. */
  private readonly reconnects = new Map<string, { entityId: string; waiting: { resultsId: string; call: DataCall }[] }>();
  /** Finished asynchronous answers by results_id; absent while still pending. */
  private readonly results = new Map<string, unknown>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private counter = 0;
  private readonly now: () => number;

  constructor(private readonly options: SandboxStateOptions) {
    this.data = createSandboxData(options.seed);
    this.now = options.now ?? Date.now;
    this.load();
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
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

  listEntities(customerId: string): SandboxAnswer {
    if (!UUID.test(customerId)) return invalidParameters('customer_id', customerId);
    if (!this.customers.has(customerId)) return unknownCustomer();
    const entities = [...this.entities.values()].filter((e) => e.customer_id === customerId && !e.deleted);
    return { status: 200, body: entities.map((e) => this.entityJson(e)) };
  }

  getEntity(customerId: string, entityId: string): SandboxAnswer {
    const found = this.customerEntity(customerId, entityId);
    return 'answer' in found ? found.answer : { status: 200, body: this.entityJson(found.entity) };
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
      deleted: false,
      sessionExpiresAt: bank.behaviour === 'expiringSessions' ? this.now() + this.options.sessionTtlMs : null,
    };
    this.entities.set(entity.id, entity);
    this.save();
    await this.options.webhooks.send(this.nextId('event'), 'entity.created', 'An entity object has been created.', {
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
        bank_type: accountType === 'BUSINESS' ? 'CORPORATE' : 'RETAIL',
      },
    });
    return { status: 201, body: this.entityJson(entity) };
  }

  /** The entity's next data call answers RECONNECT_REQUIRED. */
  expireSession(entityId: string): SandboxAnswer {
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.deleted) return leanError(404, 'UNKNOWN_ENTITY', 'The entity_id provided did not match an account in our records.');
    entity.sessionExpiresAt = 0;
    this.save();
    return { status: 200, body: { entity_id: entity.id, session: 'expired' } };
  }

  /** The user revoked the consent at their bank: data calls answer CONSENT_EXPIRED; `entity.updated` follows. */
  async revokeConsent(entityId: string): Promise<SandboxAnswer> {
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.deleted) return leanError(404, 'UNKNOWN_ENTITY', 'The entity_id provided did not match an account in our records.');
    const nowIso = new Date(this.now()).toISOString();
    if (entity.consents.length === 0) {
      // UAE entities carry no consent object in v1; the revocation is kept as one all the same.
      entity.consents.push({
        id: this.data.uuid('consent', entity.id),
        bank_consent_id: String(100_000 + this.nextCounter()),
        consent_status: 'ACTIVE',
        permissions: entity.permissions,
        creation_date_time: nowIso,
        status_update_date_time: nowIso,
        expiration_date_time: null,
        transaction_from_date_time: null,
        transaction_to_date_time: null,
        accounts: [],
      });
    }
    for (const consent of entity.consents) {
      consent.consent_status = 'REVOKED';
      consent.status_update_date_time = nowIso;
    }
    this.save();
    await this.options.webhooks.send(this.nextId('event'), 'entity.updated', 'The entity was updated.', {
      id: entity.id,
      customer_id: entity.customer_id,
      consent_status: 'REVOKED',
    });
    return { status: 200, body: this.entityJson(entity) };
  }

  /** The user finished `Lean.reconnect`: `entity.reconnected`, then `results.ready` for each call that waited. */
  async reconnect(reconnectId: string): Promise<SandboxAnswer> {
    const reconnect = this.reconnects.get(reconnectId);
    if (reconnect === undefined) return leanError(404, 'UNKNOWN_RECONNECT_ID', 'No reconnect in progress with this reconnect_id.');
    this.reconnects.delete(reconnectId);
    const entity = this.entities.get(reconnect.entityId);
    if (entity === undefined) return leanError(404, 'UNKNOWN_ENTITY', 'The entity_id provided did not match an account in our records.');
    const bank = findBank(entity.bank_identifier);
    entity.sessionExpiresAt = bank?.behaviour === 'expiringSessions' ? this.now() + this.options.sessionTtlMs : null;
    this.save();
    await this.options.webhooks.send(this.nextId('event'), 'entity.reconnected', 'The entity was successfully reconnected.', {
      id: entity.id,
      reconnect_id: reconnectId,
    });
    for (const { resultsId, call } of reconnect.waiting) await this.completeResults(resultsId, call);
    return { status: 200, body: { entity_id: entity.id, reconnect_id: reconnectId, results_ids: reconnect.waiting.map((w) => w.resultsId) } };
  }

  // --- data ----------------------------------------------------------------------------------

  /** identity, accounts, balance, transactions: OK, or PENDING / RECONNECT_REQUIRED as the bank behaves. */
  answerData(call: DataCall): SandboxAnswer {
    const entity = this.entities.get(call.entityId);
    if (entity === undefined || entity.deleted) return leanError(404, 'UNKNOWN_ENTITY', 'The entity_id provided did not match an account in our records.', this.nextId('results'));
    const bank = findBank(entity.bank_identifier);
    if (bank === undefined) return leanError(500, 'INTERNAL_SERVER_ERROR', 'Something has gone wrong. If you continue to see this error, please get in touch with Lean.');
    const permission: PermissionName = call.kind === 'identity' ? 'identity' : call.kind;
    if (!entity.permissions[permission]) {
      return leanError(403, 'PERMISSION_NOT_GRANTED', `The entity was not linked with the ${permission} permission.`, this.nextId('results'));
    }
    if (call.kind === 'identity' && entity.account_type === 'BUSINESS') {
      return leanError(400, 'UNSUPPORTED_ACCOUNT_TYPE', 'The identity product is only supported for retail accounts and not corporate.', this.nextId('results'));
    }
    const consent = entity.consents[0];
    if (consent !== undefined && (consent.consent_status !== 'ACTIVE' || (consent.expiration_date_time !== null && Date.parse(consent.expiration_date_time) <= this.now()))) {
      return leanError(403, 'CONSENT_EXPIRED', 'Consent was suspended, revoked, or expired. New consent is required, please connect the entity once again.');
    }
    if (call.kind === 'balance' || call.kind === 'transactions') {
      if (!this.data.accounts(entity.id, bank).some((a) => a.account_id === call.accountId)) {
        return leanError(404, 'UNKNOWN_ACCOUNT', 'The account_id provided does not match an account with the entity_id provided.', this.nextId('results'));
      }
    }

    if (entity.sessionExpiresAt !== null && this.now() >= entity.sessionExpiresAt) {
      const resultsId = this.nextId('results');
      let reconnectId = [...this.reconnects].find(([, r]) => r.entityId === entity.id)?.[0];
      if (reconnectId === undefined) {
        reconnectId = this.nextId('reconnect');
        this.reconnects.set(reconnectId, { entityId: entity.id, waiting: [] });
      }
      this.reconnects.get(reconnectId)?.waiting.push({ resultsId, call });
      return {
        status: 200,
        body: {
          status: 'RECONNECT_REQUIRED',
          payload: { reconnect_id: reconnectId, type: 'reconnect' },
          results_id: resultsId,
          message: 'User input is required to reconnect with the bank',
          timestamp: new Date(this.now()).toISOString(),
        },
      };
    }
    if (bank.behaviour === 'asyncTransactions' && call.kind === 'transactions') {
      const resultsId = this.nextId('results');
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.completeResults(resultsId, call);
      }, this.options.resultsDelayMs);
      timer.unref();
      this.timers.add(timer);
      return {
        status: 200,
        body: { status: 'PENDING', results_id: resultsId, message: 'Results not yet returned. Please try again later', timestamp: new Date(this.now()).toISOString() },
      };
    }
    return { status: 200, body: this.okAnswer(entity, bank, call) };
  }

  /** `GET /v1/results/{id}`: the finished answer, or UNKNOWN_RESULTS_ID while it is not ready. */
  getResults(resultsId: string): SandboxAnswer {
    if (!UUID.test(resultsId)) return invalidParameters('results_id', resultsId);
    const body = this.results.get(resultsId);
    return body === undefined
      ? leanError(404, 'UNKNOWN_RESULTS_ID', 'The results_id provided has not been recognized by Lean or has not been processed yet', resultsId)
      : { status: 200, body };
  }

  /** The accounts of an entity, for the control API and tests. */
  accountsOf(entityId: string): SandboxAccount[] {
    const entity = this.entities.get(entityId);
    const bank = entity === undefined ? undefined : findBank(entity.bank_identifier);
    return entity === undefined || bank === undefined ? [] : this.data.accounts(entity.id, bank);
  }

  private async completeResults(resultsId: string, call: DataCall): Promise<void> {
    const entity = this.entities.get(call.entityId);
    const bank = entity === undefined ? undefined : findBank(entity.bank_identifier);
    if (entity === undefined || bank === undefined) return;
    this.results.set(resultsId, this.okAnswer(entity, bank, call));
    // Results are picked up soon after results.ready; the oldest go first so a long run stays bounded.
    for (const oldest of this.results.keys()) {
      if (this.results.size <= MAX_KEPT_RESULTS) break;
      this.results.delete(oldest);
    }
    await this.options.webhooks.send(this.nextId('event'), 'results.ready', 'Your results are ready.', { id: resultsId });
  }

  private okAnswer(entity: EntityRecord, bank: SandboxBankProfile, call: DataCall): unknown {
    switch (call.kind) {
      case 'identity':
        return { status: 'OK', payload: this.data.identity(entity.id, bank.region) };
      case 'accounts':
        return { status: 'OK', payload: { accounts: this.data.accounts(entity.id, bank) } };
      case 'balance': {
        const account = this.account(entity, bank, call.accountId);
        return {
          status: 'OK',
          payload: { balance: this.data.balance(account), currency_code: account.currency_code, account_id: account.account_id, account_name: account.name, account_type: account.type },
        };
      }
      case 'transactions': {
        const account = this.account(entity, bank, call.accountId);
        // A SAMA consent limits how far back transactions may be read.
        const fromInstant = entity.consents[0]?.transaction_from_date_time;
        const from = fromInstant ? new Date(Date.parse(fromInstant) + KSA_OFFSET_MS).toISOString().slice(0, 10) : undefined;
        const startDate = from !== undefined && from > call.startDate ? from : call.startDate;
        const today = new Date(this.now()).toISOString().slice(0, 10);
        // Today's generated transactions that lie later than now have not happened yet.
        const transactions = this.data
          .transactions(account, { startDate, endDate: call.endDate, today })
          .filter((transaction) => Date.parse(transaction.timestamp) <= this.now())
          .map(({ insights, ...transaction }) => (call.insights ? { ...transaction, insights } : transaction));
        return { status: 'OK', payload: { transactions } };
      }
    }
  }

  private account(entity: EntityRecord, bank: SandboxBankProfile, accountId: string): SandboxAccount {
    const account = this.data.accounts(entity.id, bank).find((a) => a.account_id === accountId);
    if (account === undefined) throw new Error('account vanished between checks');
    return account;
  }

  private customerEntity(customerId: string, entityId: string): { entity: EntityRecord } | { answer: SandboxAnswer } {
    if (!UUID.test(customerId)) return { answer: invalidParameters('customer_id', customerId) };
    if (!UUID.test(entityId)) return { answer: invalidParameters('entity_id', entityId) };
    if (!this.customers.has(customerId)) return { answer: unknownCustomer() };
    const entity = this.entities.get(entityId);
    if (entity === undefined || entity.deleted || entity.customer_id !== customerId) {
      return { answer: leanError(404, 'UNKNOWN_ENTITY', 'The entity_id provided did not match an account in our records.') };
    }
    return { entity };
  }

  /** The v1 entity: UAE entities carry no consents (as in Lean's UAE guide); KSA ones carry the SAMA consent. */
  private entityJson(entity: EntityRecord): unknown {
    const base = { id: entity.id, customer_id: entity.customer_id, bank_identifier: entity.bank_identifier };
    if (findBank(entity.bank_identifier)?.region !== 'KSA') return { ...base, permissions: entity.permissions };
    return { ...base, account_type: entity.account_type, permissions: entity.permissions, consents: entity.consents };
  }

  private nextCounter(): number {
    this.counter += 1;
    return this.counter;
  }

  /**
   * Ids of events, results and reconnects: not seeded data, and never reused, even after a restart
   * without a state file (a receiver deduplicating on event_id would drop a new event otherwise).
   */
  private nextId(_kind: string): string {
    return randomUUID();
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
  }

  private save(): void {
    const file = this.options.stateFile;
    if (file === undefined) return;
    const state: PersistedState = { version: 1, counter: this.counter, customers: [...this.customers.values()], entities: [...this.entities.values()] };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  }
}

/** A short, never-throwing rendering of what the client sent. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 100);
  try {
    return (JSON.stringify(value) ?? 'undefined').slice(0, 100);
  } catch {
    return typeof value;
  }
}

function unknownCustomer(): SandboxAnswer {
  return leanError(404, 'UNKNOWN_CUSTOMER', 'The customer_id provided did not match a customer in our records.');
}

function consentRejected(violations: readonly ConsentRuleViolation[]): SandboxAnswer {
  const answer = leanError(400, 'INVALID_PARAMETERS', violations.map((v) => v.message).join('; '));
  return { status: answer.status, body: { ...(answer.body as object), metadata: { violations } } };
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
}
