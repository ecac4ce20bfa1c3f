// Lean's v1 face: the seed docs' `POST /data/v1/*`, `/v1/*` calls with `lean-app-token`, and `/customers/v1`.
import type { IncomingHttpHeaders } from 'node:http';
import { isCalendarDate } from './calendar.js';
import { accountOf, type DataCall, type DataOutcome, type Face } from './data-answers.js';
import { consentedFrom, invalidParameters, leanError, UUID, type SandboxAnswer } from './records.js';
import { route, type Route } from './routes.js';
import type { SandboxState } from './state.js';

/** `/customers/v1`: v1 calls it with the app token, v2 with an api bearer token. */
export function customerRoutes(state: SandboxState): Route[] {
  const faceOf = (headers: IncomingHttpHeaders): Face => (headers.authorization === undefined ? 'v1' : 'v2');
  return [
    route('POST', /^\/customers\/v1\/?$/, 'POST /customers/v1', 'appOrApiToken', ({ body }) => state.createCustomer(body)),
    route('GET', /^\/customers\/v1\/app-user-id\/([^/]+)\/?$/, 'GET /customers/v1/app-user-id/{app_user_id}', 'appOrApiToken', ({ params: [id] }) =>
      state.getCustomerByAppUserId(id ?? ''),
    ),
    route('GET', /^\/customers\/v1\/([^/]+)\/?$/, 'GET /customers/v1/{customer_id}', 'appOrApiToken', ({ params: [id] }) => state.getCustomer(id ?? '')),
    route('GET', /^\/customers\/v1\/([^/]+)\/entities\/?$/, 'GET /customers/v1/{customer_id}/entities', 'appOrApiToken', ({ params: [id], headers }) =>
      state.listEntities(id ?? '', faceOf(headers)),
    ),
    route('GET', /^\/customers\/v1\/([^/]+)\/entities\/([^/]+)\/?$/, 'GET /customers/v1/{customer_id}/entities/{entity_id}', 'appOrApiToken', ({ params: [c, e], headers }) =>
      state.getEntity(c ?? '', e ?? '', faceOf(headers)),
    ),
    route('DELETE', /^\/customers\/v1\/([^/]+)\/entities\/([^/]+)\/?$/, 'DELETE /customers/v1/{customer_id}/entities/{entity_id}', 'appOrApiToken', ({ params: [c, e], body }) =>
      state.deleteEntity(c ?? '', e ?? '', body),
    ),
  ];
}

/** v1's data calls, JSON bodies in, `{status, payload}` out. */
export function v1DataRoutes(state: SandboxState): Route[] {
  const data = (kind: V1Kind) => ({ body }: { body: unknown }) => v1DataCall(state, kind, body);
  return [
    route('POST', /^\/data\/v1\/identity\/?$/, 'POST /data/v1/identity', 'appToken', data('identity')),
    route('POST', /^\/data\/v1\/accounts\/?$/, 'POST /data/v1/accounts', 'appToken', data('accounts')),
    route('POST', /^\/v1\/balance\/?$/, 'POST /v1/balance', 'appToken', data('balance')),
    route('POST', /^\/v1\/transactions\/?$/, 'POST /v1/transactions', 'appToken', data('transactions')),
    route('GET', /^\/v1\/results\/([^/]+)\/?$/, 'GET /v1/results/{results_id}', 'appToken', ({ params: [id] }) => v1Results(state, id ?? '')),
  ];
}

type V1Kind = 'identity' | 'accounts' | 'balance' | 'transactions';

/** Validates a data call's body as Lean does; a bad field answers INVALID_PARAMETERS naming it. */
function v1DataCall(state: SandboxState, kind: V1Kind, body: unknown): SandboxAnswer {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const entityId = fields['entity_id'];
  if (typeof entityId !== 'string' || !UUID.test(entityId)) return invalidParameters('entity_id', entityId);
  const call = (render: DataCall['render'], accountId?: string): SandboxAnswer =>
    v1Answer(state.answers.answer({ face: 'v1', kind, entityId, ...(accountId !== undefined && { accountId }), render }), state.now());
  if (kind === 'identity') return call((entity, bank) => ({ status: 'OK', payload: state.data.identity(entity.id, bank.region) }));
  if (kind === 'accounts') return call((entity, bank) => ({ status: 'OK', payload: { accounts: state.data.accounts(entity.id, bank) } }));
  const accountId = fields['account_id'];
  if (typeof accountId !== 'string' || !UUID.test(accountId)) return invalidParameters('account_id', accountId);
  if (kind === 'balance') {
    return call((entity, bank) => {
      const account = accountOf(state.data, entity, bank, accountId);
      return {
        status: 'OK',
        payload: { balance: state.data.balance(account), currency_code: account.currency_code, account_id: account.account_id, account_name: account.name, account_type: account.type },
      };
    }, accountId);
  }
  const startDate = fields['start_date'];
  const endDate = fields['end_date'];
  const insights = fields['insights'] ?? false;
  if (!isCalendarDate(startDate)) return invalidParameters('start_date', startDate);
  if (!isCalendarDate(endDate)) return invalidParameters('end_date', endDate);
  if (startDate > endDate) return invalidParameters('start_date', `${startDate} (after end_date ${endDate})`);
  if (typeof insights !== 'boolean') return invalidParameters('insights', insights);
  return call((entity, bank) => {
    const account = accountOf(state.data, entity, bank, accountId);
    // A SAMA consent limits how far back transactions may be read.
    const from = consentedFrom(entity);
    const now = state.now();
    const today = new Date(now).toISOString().slice(0, 10);
    // Today's generated transactions that lie later than now have not happened yet.
    const transactions = state.data
      .transactions(account, { startDate: from !== undefined && from > startDate ? from : startDate, endDate, today })
      .filter((transaction) => Date.parse(transaction.timestamp) <= now)
      .map(({ insights: kept, ...transaction }) => (insights ? { ...transaction, insights: kept } : transaction));
    return { status: 'OK', payload: { transactions } };
  }, accountId);
}

function v1Answer(outcome: DataOutcome, now: number): SandboxAnswer {
  const timestamp = new Date(now).toISOString();
  switch (outcome.kind) {
    case 'refused':
      return outcome.answer;
    case 'ok':
      return { status: 200, body: outcome.body };
    case 'pending':
      return { status: 200, body: { status: 'PENDING', results_id: outcome.resultsId, message: 'Results not yet returned. Please try again later', timestamp } };
    case 'reconnectRequired':
      return {
        status: 200,
        body: {
          status: 'RECONNECT_REQUIRED',
          payload: { reconnect_id: outcome.reconnectId, type: 'reconnect' },
          results_id: outcome.resultsId,
          message: 'User input is required to reconnect with the bank',
          timestamp,
        },
      };
  }
}

/** `GET /v1/results/{id}`: the finished answer, or UNKNOWN_RESULTS_ID while it is not ready. */
function v1Results(state: SandboxState, resultsId: string): SandboxAnswer {
  if (!UUID.test(resultsId)) return invalidParameters('results_id', resultsId);
  const body = state.answers.finished(resultsId, 'v1');
  return body === undefined
    ? leanError(404, 'UNKNOWN_RESULTS_ID', 'The results_id provided has not been recognized by Lean or has not been processed yet', resultsId)
    : { status: 200, body };
}

