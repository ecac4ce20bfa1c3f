import type { z } from 'zod';
import type { Account } from '../../model/account.js';
import type { Balance } from '../../model/balance.js';
import type { Customer } from '../../model/customer.js';
import type { Entity } from '../../model/entity.js';
import type { Identity } from '../../model/identity.js';
import type { DataKind, DataOf, LeanResult, RefreshRequestResult } from '../../model/results.js';
import type { Transaction } from '../../model/transaction.js';
import { LeanApiError, LeanProtocolError } from '../../model/upstream-errors.js';
import type { CreatedEntity, CustomerLinkToken, LeanApi, RefreshListed, TransactionsQuery } from '../api.js';
import type { LeanCall, LeanCallCounter, LeanTransport } from '../transport.js';
import * as wire from '../wire.js';
import { customerAnswer, entitiesAnswer, entityAnswer } from '../customers.js';
import { banksAnswer } from '../banks.js';
import type { CatalogueBank } from '../../model/bank.js';
import type { AccountType } from '../../model/consent-rules.js';
import { V1_DATA_PAYLOADS } from './map.js';
import { dataOutcomeOf } from '../data-outcome.js';
import type { Beneficiary } from '../../model/beneficiary.js';
import type { DatasetAnswer } from '../../model/dataset-answer.js';
import type { DirectDebit } from '../../model/direct-debit.js';
import type { Party } from '../../model/party.js';
import type { ScheduledPayment } from '../../model/scheduled-payment.js';
import type { StandingOrder } from '../../model/standing-order.js';

const dataOutcome = dataOutcomeOf(wire.dataEnvelope);

const segment = encodeURIComponent;

/** Every Lean v1 endpoint the gateway uses (app token, mutual TLS), answering in the gateway's own model. */
export class LeanV1Client implements LeanApi {
  readonly version = 'v1' as const;

  constructor(private readonly transport: LeanTransport) {}

  /** Calls made so far, per endpoint and outcome. */
  get calls(): LeanCallCounter {
    return this.transport.calls;
  }

  /** Creates a customer. Never retried blindly: a lost answer must be resolved by a lookup, not a second create. */
  createCustomer(appUserId: string): Promise<Customer> {
    return this.fetch(customerAnswer, { method: 'POST', path: '/customers/v1/', endpoint: 'POST /customers/v1', body: { app_user_id: appUserId }, retry: false });
  }

  getCustomer(customerId: string): Promise<Customer> {
    return this.fetch(customerAnswer, { method: 'GET', path: `/customers/v1/${segment(customerId)}`, endpoint: 'GET /customers/v1/{customer_id}', retry: true });
  }

  getCustomerByAppUserId(appUserId: string): Promise<Customer> {
    return this.fetch(customerAnswer, {
      method: 'GET',
      path: `/customers/v1/app-user-id/${segment(appUserId)}`,
      endpoint: 'GET /customers/v1/app-user-id/{app_user_id}',
      retry: true,
    });
  }

  listEntities(customerId: string): Promise<Entity[]> {
    return this.fetch(entitiesAnswer, {
      method: 'GET',
      path: `/customers/v1/${segment(customerId)}/entities`,
      endpoint: 'GET /customers/v1/{customer_id}/entities',
      retry: true,
    });
  }

  getEntity(customerId: string, entityId: string): Promise<Entity> {
    return this.fetch(entityAnswer, {
      method: 'GET',
      path: `/customers/v1/${segment(customerId)}/entities/${segment(entityId)}`,
      endpoint: 'GET /customers/v1/{customer_id}/entities/{entity_id}',
      retry: true,
    });
  }

  /** Disconnects the entity at Lean (the user asked to unlink their bank). */
  async deleteEntity(customerId: string, entityId: string, reason = 'USER_REQUESTED'): Promise<void> {
    await this.transport.send({
      method: 'DELETE',
      path: `/customers/v1/${segment(customerId)}/entities/${segment(entityId)}`,
      endpoint: 'DELETE /customers/v1/{customer_id}/entities/{entity_id}',
      body: { reason },
      retry: false,
    });
  }

  banks(accountType: AccountType): Promise<CatalogueBank[]> {
    return this.fetch(banksAnswer(accountType), { method: 'GET', path: '/banks/v1/', endpoint: 'GET /banks/v1', query: { account_types: accountType }, retry: true });
  }

  identity(entityId: string): Promise<LeanResult<Identity>> {
    return this.data('identity', { method: 'POST', path: '/data/v1/identity', endpoint: 'POST /data/v1/identity', body: { entity_id: entityId }, retry: true });
  }

  accounts(entityId: string): Promise<LeanResult<readonly Account[]>> {
    return this.data('accounts', { method: 'POST', path: '/data/v1/accounts', endpoint: 'POST /data/v1/accounts', body: { entity_id: entityId }, retry: true });
  }

  balance(entityId: string, accountId: string): Promise<LeanResult<Balance>> {
    return this.data('balance', {
      method: 'POST',
      path: '/v1/balance',
      endpoint: 'POST /v1/balance',
      body: { entity_id: entityId, account_id: accountId },
      retry: true,
    });
  }

  transactions(entityId: string, accountId: string, query: TransactionsQuery): Promise<LeanResult<readonly Transaction[]>> {
    return this.data('transactions', {
      method: 'POST',
      path: '/v1/transactions',
      endpoint: 'POST /v1/transactions',
      body: { entity_id: entityId, account_id: accountId, start_date: query.startDate, end_date: query.endDate, insights: query.insights },
      retry: true,
    });
  }

  // v1 has none of SAMA's per-account datasets: each is not offered, and Lean is not called.
  beneficiaries(): Promise<LeanResult<DatasetAnswer<Beneficiary>>> {
    return notOfferedByV1();
  }

  directDebits(): Promise<LeanResult<DatasetAnswer<DirectDebit>>> {
    return notOfferedByV1();
  }

  scheduledPayments(): Promise<LeanResult<DatasetAnswer<ScheduledPayment>>> {
    return notOfferedByV1();
  }

  standingOrders(): Promise<LeanResult<DatasetAnswer<StandingOrder>>> {
    return notOfferedByV1();
  }

  accountParties(): Promise<LeanResult<DatasetAnswer<Party>>> {
    return notOfferedByV1();
  }

  /** Picks up the answer to a call that went PENDING (or waited for a reconnect), read as that call's kind. */
  results<K extends DataKind>(resultsId: string, kind: K): Promise<LeanResult<DataOf<K>>> {
    return this.data(kind, { method: 'GET', path: `/v1/results/${segment(resultsId)}`, endpoint: 'GET /v1/results/{results_id}', retry: true });
  }

  /** v1 has no call that reads the bank again. */
  requestRefresh(): Promise<RefreshRequestResult | undefined> {
    return Promise.resolve(undefined);
  }

  /** v1 has no list of entities by date, and no refreshes: nothing to catch up from. */
  entitiesCreatedBetween(): Promise<CreatedEntity[] | undefined> {
    return Promise.resolve(undefined);
  }

  refreshesOfEntity(): Promise<RefreshListed[] | undefined> {
    return Promise.resolve(undefined);
  }

  refreshDetails(): Promise<unknown> {
    return Promise.resolve(undefined);
  }

  /** v1's Link SDK takes the app token; there is no customer-scoped token. */
  customerLinkToken(): Promise<CustomerLinkToken | undefined> {
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private async fetch<T>(schema: z.ZodType<T>, call: LeanCall): Promise<T> {
    const answer = await this.transport.send(call);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw new LeanProtocolError({ correlationId: answer.correlationId, endpoint: call.endpoint, problem: describe(parsed.error) });
    return parsed.data;
  }

  private async data<K extends DataKind>(kind: K, call: LeanCall): Promise<LeanResult<DataOf<K>>> {
    let answer;
    try {
      answer = await this.transport.send({ ...call, outcomeOf: dataOutcome });
    } catch (error) {
      // Lean answers an expired or revoked consent with 403 CONSENT_EXPIRED: an outcome, not a fault.
      if (error instanceof LeanApiError && error.leanStatus === 'CONSENT_EXPIRED') {
        return { kind: 'consentExpired', message: error.leanMessage, correlationId: error.correlationId };
      }
      throw error;
    }
    const { correlationId } = answer;
    const protocolError = (problem: string) => new LeanProtocolError({ correlationId, endpoint: call.endpoint, problem });
    const envelope = wire.dataEnvelope.safeParse(answer.body);
    if (!envelope.success) throw protocolError(describe(envelope.error));
    const { status, payload, results_id: resultsId, message } = envelope.data;
    switch (status) {
      case 'OK': {
        const payloadSchema: z.ZodType<DataOf<K>> = V1_DATA_PAYLOADS[kind];
        const data = payloadSchema.safeParse(payload);
        if (!data.success) throw protocolError(describe(data.error));
        return { kind: 'ok', data: data.data, correlationId };
      }
      case 'PENDING':
        if (!resultsId) throw protocolError('PENDING without results_id');
        return { kind: 'pending', resultsId, correlationId };
      case 'RECONNECT_REQUIRED': {
        const reconnect = wire.reconnectPayload.safeParse(payload);
        if (!reconnect.success || !resultsId) throw protocolError('RECONNECT_REQUIRED without reconnect_id or results_id');
        return { kind: 'reconnectRequired', reconnectId: reconnect.data.reconnect_id, resultsId, correlationId };
      }
      case 'CONSENT_EXPIRED':
        return { kind: 'consentExpired', message: message ?? undefined, correlationId };
      default:
        // FAILED, and any status Lean adds later: not data, and not something to retry blindly.
        return { kind: 'failed', status, message: message ?? undefined, resultsId: resultsId ?? undefined, correlationId };
    }
  }
}

/** What v1 answers for a dataset it does not have, without a call. */
function notOfferedByV1<T>(): Promise<LeanResult<DatasetAnswer<T>>> {
  return Promise.resolve({ kind: 'ok', data: { offered: false }, correlationId: '' });
}

/** Where the answer differs from the contract: paths and expectations, never the values themselves. */
function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.code}`)
    .join('; ');
}
