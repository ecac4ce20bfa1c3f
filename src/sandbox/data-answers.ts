// A data call of either face, from the entity's checks to OK, PENDING (then results.ready) or RECONNECT_REQUIRED.
import { randomUUID } from 'node:crypto';
import { BANK_TIMING, type DataKind } from './bank-behaviours.js';
import { findBank, type SandboxBankProfile } from './banks.js';
import type { SandboxAccount, SandboxData } from './data.js';
import {
  consentExpired,
  consentLapsed,
  internalError,
  leanError,
  unknownAccount,
  unknownEntity,
  type EntityRecord,
  type SandboxAnswer,
  type WebhookOutbox,
} from './records.js';
import { KSA_ONLY } from './refreshes.js';

export type Face = 'v1' | 'v2';

export interface DataCall {
  readonly face: Face;
  readonly kind: DataKind;
  readonly entityId: string;
  /** The account of a per-account call (balance, transactions, beneficiaries …). */
  readonly accountId?: string;
  /** The caller asked for the asynchronous flow. */
  readonly async?: boolean;
  /** The OK body, rendered when the call is answered: at once, or (with its results_id) when its results are ready. */
  readonly render: (entity: EntityRecord, bank: SandboxBankProfile, resultsId: string | undefined) => unknown;
}

export type DataOutcome =
  | { readonly kind: 'refused'; readonly answer: SandboxAnswer }
  | { readonly kind: 'ok'; readonly body: unknown }
  | { readonly kind: 'pending'; readonly resultsId: string }
  | { readonly kind: 'reconnectRequired'; readonly resultsId: string; readonly reconnectId: string };

interface Waiting {
  readonly resultsId: string;
  readonly call: DataCall;
}

export interface DataAnswersOptions {
  readonly data: SandboxData;
  readonly entity: (entityId: string) => EntityRecord | undefined;
  readonly webhooks: WebhookOutbox;
  readonly resultsDelayMs: number;
  readonly now: () => number;
  /** Whether the bank is down for data (`bank.availability.updated`): its data calls then fail. */
  readonly dataDown?: (bank: SandboxBankProfile) => boolean;
}

/** Finished asynchronous answers kept for `GET …/results/{id}` (each can be a megabyte). */
const MAX_KEPT_RESULTS = 200;

const PER_ACCOUNT: ReadonlySet<DataKind> = new Set(['balance', 'transactions', 'identities', 'beneficiaries', 'direct_debits', 'scheduled_payments', 'standing_orders']);

/** Asynchronous results and reconnects in progress, shared by the v1 and v2 faces. */
export class DataAnswers {
  /** Reconnects in progress: what waits for the user to finish `Lean.reconnect`. */
  private readonly reconnects = new Map<string, { entityId: string; waiting: Waiting[] }>();
  /** Finished asynchronous answers by results_id, with the face that asked; absent while pending. */
  private readonly results = new Map<string, { face: Face; body: unknown }>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: DataAnswersOptions) {}

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** The checks every data call passes (entity, permission, consent, account), then the bank's timing. */
  answer(call: DataCall): DataOutcome {
    const entity = this.options.entity(call.entityId);
    if (entity === undefined || entity.deleted) return refused(unknownEntity(randomUUID()));
    const bank = findBank(entity.bank_identifier);
    if (bank === undefined) return refused(internalError(randomUUID()));
    // Before the permission: the UAE cannot grant these at all, and says so as its refresh's data_status does.
    if (bank.region === 'UAE' && KSA_ONLY.has(call.kind)) {
      return refused(leanError(400, 'UNSUPPORTED', `The ${call.kind} dataset is not supported for this bank.`, randomUUID()));
    }
    // Lean's documented answer when it cannot read the bank: 500 INTERNAL_SERVER_ERROR.
    if (this.options.dataDown?.(bank) === true) return refused(internalError(randomUUID()));
    if (!entity.permissions[call.kind]) {
      return refused(leanError(403, 'PERMISSION_NOT_GRANTED', `The entity was not linked with the ${call.kind} permission.`, randomUUID()));
    }
    if ((call.kind === 'identity' || call.kind === 'identities') && entity.account_type === 'BUSINESS') {
      return refused(leanError(400, 'UNSUPPORTED_ACCOUNT_TYPE', 'The identity product is only supported for retail accounts and not corporate.', randomUUID()));
    }
    if (consentLapsed(entity, this.options.now())) return refused(consentExpired());
    if (PER_ACCOUNT.has(call.kind) && !this.accounts(entity, bank).some((a) => a.account_id === call.accountId)) return refused(unknownAccount(randomUUID()));

    const timing = BANK_TIMING[bank.behaviour]({ kind: call.kind, async: call.async === true, sessionExpiresAt: entity.sessionExpiresAt, now: this.options.now() });
    if (timing === 'afterReconnect') {
      const resultsId = randomUUID();
      let reconnectId = [...this.reconnects].find(([, r]) => r.entityId === entity.id)?.[0];
      if (reconnectId === undefined) {
        reconnectId = randomUUID();
        this.reconnects.set(reconnectId, { entityId: entity.id, waiting: [] });
      }
      this.reconnects.get(reconnectId)?.waiting.push({ resultsId, call });
      return { kind: 'reconnectRequired', resultsId, reconnectId };
    }
    if (timing === 'later') {
      const resultsId = randomUUID();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.complete({ resultsId, call });
      }, this.options.resultsDelayMs);
      timer.unref();
      this.timers.add(timer);
      return { kind: 'pending', resultsId };
    }
    return { kind: 'ok', body: call.render(entity, bank, undefined) };
  }

  /** The finished answer of a call that went PENDING or waited for a reconnect, if it was asked on this face. */
  finished(resultsId: string, face: Face): unknown {
    const kept = this.results.get(resultsId);
    return kept?.face === face ? kept.body : undefined;
  }

  /**
   * Ends the reconnect `id` names: a reconnect_id, or (as Lean's v2 guide passes it to
   * `Lean.reconnect`) the results_id of a call that waits for it.
   */
  takeReconnect(id: string): { reconnectId: string; entityId: string; waiting: readonly Waiting[] } | undefined {
    const found = this.reconnects.has(id) ? id : [...this.reconnects].find(([, r]) => r.waiting.some((w) => w.resultsId === id))?.[0];
    const reconnect = found === undefined ? undefined : this.reconnects.get(found);
    if (found === undefined || reconnect === undefined) return undefined;
    this.reconnects.delete(found);
    return { reconnectId: found, ...reconnect };
  }

  /** Renders the answer of a call that waited, keeps it, and sends `results.ready`. */
  async complete({ resultsId, call }: Waiting): Promise<void> {
    const entity = this.options.entity(call.entityId);
    const bank = entity === undefined ? undefined : findBank(entity.bank_identifier);
    if (entity === undefined || bank === undefined) return;
    this.results.set(resultsId, { face: call.face, body: call.render(entity, bank, resultsId) });
    // Results are picked up soon after results.ready; the oldest go first so a long run stays bounded.
    for (const oldest of this.results.keys()) {
      if (this.results.size <= MAX_KEPT_RESULTS) break;
      this.results.delete(oldest);
    }
    await this.options.webhooks.send(randomUUID(), 'results.ready', 'Your results are ready.', { id: resultsId });
  }

  accounts(entity: EntityRecord, bank: SandboxBankProfile): SandboxAccount[] {
    return this.options.data.accounts(entity.id, bank);
  }
}

/** The account a per-account call names; the checks before rendering made sure it is the entity's. */
export function accountOf(data: SandboxData, entity: EntityRecord, bank: SandboxBankProfile, accountId: string | undefined): SandboxAccount {
  const account = data.accounts(entity.id, bank).find((a) => a.account_id === accountId);
  if (account === undefined) throw new Error('account vanished between checks');
  return account;
}

function refused(answer: SandboxAnswer): DataOutcome {
  return { kind: 'refused', answer };
}
