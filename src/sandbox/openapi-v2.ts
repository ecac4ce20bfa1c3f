// The emulator's own description of its v2 face (the gateway's v2 client lives elsewhere; nothing here comes from src/lean/).
import { V2_DEFAULT_PAGE_SIZE, V2_MAX_PAGE_SIZE } from './v2.js';

type JsonSchema = Record<string, unknown>;

const str = { type: 'string' };
const strOrNull = { type: ['string', 'null'] };
const int = { type: 'integer' };
const num = { type: 'number' };
const bool = { type: 'boolean' };
const nul = { type: 'null' };
const uuid = { type: 'string', format: 'uuid' };
const date = { type: 'string', format: 'date' };
const dateTime = { type: 'string', format: 'date-time' };
const indicator = { enum: ['CREDIT', 'DEBIT'] };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const orNull = (schema: JsonSchema) => ({ oneOf: [schema, nul] });
const list = (items: JsonSchema) => ({ type: 'array', items });

/** Every property present, nothing else: what the emulator promises to send. */
function obj(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

const money = obj({ currency: str, amount: { type: 'number', minimum: 0 } });
const partyAccount = obj({ name: strOrNull, scheme_name: strOrNull, identification: str });
const nullableStrings = (...keys: string[]) => obj(Object.fromEntries(keys.map((k) => [k, strOrNull])));
const postalAddress = nullableStrings('address_type', 'address_line', 'building_number', 'country', 'country_subdivision', 'post_code', 'street_name', 'town_name');
const agent = obj({ scheme_name: strOrNull, identification: str, name: strOrNull, postal_address: orNull(postalAddress) });
const shortAgent = obj({ scheme_name: str, identification: str });
const datasetStatus = { enum: ['OK', 'FAILED', 'UNSUPPORTED', 'PENDING'] };
const accountDatasets = Object.fromEntries(['balance', 'identity', 'transactions', 'scheduled_payments', 'direct_debits', 'standing_orders', 'beneficiaries'].map((k) => [k, datasetStatus]));
/** What a refresh read, per dataset and account; the refresh endpoint and the webhook spell the availability differently. */
const dataStatus = (availability: Record<string, JsonSchema>) =>
  obj({ accounts: datasetStatus, identity: datasetStatus, account_data: list(obj({ account_id: uuid, ...accountDatasets, ...availability })) });

const schemas: Record<string, JsonSchema> = {
  V2Money: money,
  V2Page: obj({ number: int, size: int, total_elements: int, total_pages: int, sort: nul }),
  V2Account: obj({
    entity_id: uuid,
    account_id: uuid,
    account_holder_name: str,
    account_holder_short_name: str,
    status: str,
    status_update_date_time: dateTime,
    currency: str,
    account_type: { enum: ['PERSONAL', 'BUSINESS'] },
    account_sub_type: str,
    nickname: strOrNull,
    description: strOrNull,
    opening_date: date,
    maturity_date: strOrNull,
    account: list(obj({ scheme_name: str, identification: str, name: strOrNull })),
    servicer: obj({ scheme_name: str, identification: str }),
    regional_data: nul,
  }),
  V2Identity: obj({
    entity_id: uuid,
    full_legal_name: str,
    name: str,
    national_id: strOrNull,
    birth_date: date,
    gender: strOrNull,
    email_address: str,
    legal_structure: nul,
    phone: str,
    mobile_number: str,
    address: nullableStrings('address_line', 'address_type', 'building_type', 'apartment_or_villa_number', 'building_name', 'street', 'area', 'street_address', 'post_code', 'town_name', 'region', 'po_box', 'country'),
    account_role: strOrNull,
    party_type: str,
    party_id: str,
    party_number: str,
    regional_data: nul,
  }),
  V2Balance: obj({
    entity_id: uuid,
    account_id: uuid,
    credit_debit_indicator: indicator,
    type: str,
    amount: ref('V2Money'),
    date_time: dateTime,
    credit_line: list(obj({ included: bool, amount: ref('V2Money'), type: str })),
    regional_data: nul,
  }),
  V2Transaction: obj({
    entity_id: uuid,
    account_id: uuid,
    transaction_id: uuid,
    transaction_information: str,
    transaction_reference: str,
    credit_debit_indicator: indicator,
    amount: ref('V2Money'),
    transaction_mutability: { enum: ['MUTABLE', 'IMMUTABLE'] },
    booking_date_time: dateTime,
    insights: {
      description: 'null unless insights=true; then the v1 insights object',
      oneOf: [nul, obj({ description_cleansed: str, category: str, category_confidence: num, type: str, type_confidence: num })],
    },
    balance: obj({ type: str, credit_debit_indicator: indicator, amount: ref('V2Money') }),
    status: { enum: ['BOOKED', 'PENDING'] },
    statement_reference: list(str),
    value_date_time: dateTime,
    index: int,
    charge_amount: obj({ amount: { type: 'number', minimum: 0 }, currency: str, charge_included: bool }),
    bank_transaction_code: obj({ code: str, sub_code: str }),
    card_instrument: obj({ authorization_type: str, card_scheme_name: str, identification: str, name: str }),
    merchant_details: obj({ merchant_category_code: str, merchant_name: str }),
    proprietary_bank_transaction_code: obj({ code: str, issuer: str }),
    currency_exchange: orNull(
      obj({
        source_currency: str,
        target_currency: str,
        unit_currency: str,
        exchange_rate: num,
        contract_identification: str,
        quotation_date: dateTime,
        instructed_amount: ref('V2Money'),
      }),
    ),
    creditor_account: orNull(partyAccount),
    creditor_agent: orNull(agent),
    debtor_account: orNull(partyAccount),
    debtor_agent: orNull(agent),
    local_time_zone: str,
    transaction_type: str,
    sub_transaction_type: str,
    payment_modes: nul,
    flags: list(str),
    regional_data: nul,
  }),
  V2Beneficiary: obj({
    account_id: uuid,
    account_holder_name: strOrNull,
    account_holder_short_name: strOrNull,
    beneficiary_id: str,
    beneficiary_type: str,
    creditor_agent: obj({
      scheme_name: str,
      identification: str,
      name: str,
      postal_address: nullableStrings('address_line', 'address_type', 'building_number', 'country', 'department', 'post_code', 'street_name', 'sub_department', 'town_name', 'country_sub_division'),
    }),
    creditor_account: obj({ scheme_name: str, identification: str, name: strOrNull }),
    reference: str,
    supplementary_data: nul,
    regional_data: nul,
  }),
  V2DirectDebit: obj({
    account_id: uuid,
    direct_debit_id: uuid,
    status_code: str,
    frequency: str,
    mandate_identification: str,
    name: str,
    previous_payment_date_time: dateTime,
    previous_payment_amount: ref('V2Money'),
    regional_data: nul,
  }),
  V2ScheduledPayment: obj({
    account_id: uuid,
    scheduled_payment_id: uuid,
    scheduled_type: str,
    scheduled_payment_date_time: dateTime,
    debtor_reference: str,
    reference: nul,
    instructed_amount: ref('V2Money'),
    creditor_agent: shortAgent,
    creditor_account: obj({ scheme_name: str, identification: str, name: strOrNull }),
    regional_data: nul,
  }),
  V2StandingOrder: obj({
    account_id: uuid,
    standing_order_id: uuid,
    standing_order_status_code: str,
    first_payment_date_time: dateTime,
    last_payment_date_time: dateTime,
    next_payment_date_time: dateTime,
    final_payment_date_time: dateTime,
    frequency: obj({ frequency_type: str, interval: str }),
    number_of_payments: int,
    reference: nul,
    standing_order_type: str,
    purpose: str,
    first_payment_amount: ref('V2Money'),
    last_payment_amount: ref('V2Money'),
    next_payment_amount: ref('V2Money'),
    final_payment_amount: ref('V2Money'),
    creditor_agent: shortAgent,
    creditor_account: nul,
    regional_data: nul,
  }),
  V2Pending: obj({ status: { const: 'PENDING' }, results_id: uuid, message: str, meta: nul, timestamp: str, status_detail: nul, data: nul }),
  V2ReconnectRequired: obj({
    status: { const: 'RECONNECT_REQUIRED' },
    results_id: uuid,
    message: str,
    meta: nul,
    timestamp: str,
    status_detail: nul,
    data: obj({ reconnect_id: uuid, type: { const: 'reconnect' } }),
  }),
  V2Token: obj({ access_token: str, scope: str, token_type: { const: 'Bearer' }, expires_in: int }),
  V2RefreshTriggered: obj({ refresh_id: uuid, status: { const: 'OK' }, message: str, timestamp: str }),
  V2RefreshSummary: obj({ refresh_id: uuid, entity_id: uuid, customer_id: uuid, status: { enum: ['PENDING', 'FINISHED', 'OK'] }, created_at: dateTime, updated_at: dateTime }),
  V2Refreshes: obj({ content: list(ref('V2RefreshSummary')), page: ref('V2Page') }),
  V2Refresh: obj({
    refresh_id: uuid,
    entity_id: uuid,
    customer_id: uuid,
    status: { enum: ['PENDING', 'FINISHED', 'OK'] },
    data_status: dataStatus({ transactionAvailability: obj({ start: date, end: date }) }),
    created_at: dateTime,
    updated_at: dateTime,
  }),
};

/** v2's data envelope around one list; identity lists carry `data.account_id: null`. */
function envelope(type: string, listKey: string, item: string, accountIdInData = false): JsonSchema {
  return obj({
    status: { const: 'OK' },
    results_id: uuid,
    message: str,
    meta: nul,
    timestamp: str,
    status_detail: nul,
    refreshed_at: dateTime,
    type: { const: type },
    data: obj({ type: { const: type }, ...(accountIdInData && { account_id: nul }), [listKey]: list(ref(item)), page: ref('V2Page') }),
  });
}

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const ERRORS: Record<number, string> = {
  400: "INVALID_PARAMETERS (a bad entity_id, account_id, page, size or date; or both lean-app-token and Authorization sent), UNSUPPORTED_ACCOUNT_TYPE (identity of a BUSINESS entity), UNSUPPORTED (a SAMA per-account dataset asked of a UAE bank)",
  401: 'INVALID_TOKEN: no bearer token, or one expired or never issued',
  403: 'CONSENT_EXPIRED, PERMISSION_NOT_GRANTED, or INSUFFICIENT_SCOPE (a customer.<id> token on a data call)',
  404: 'UNKNOWN_ENTITY, UNKNOWN_ACCOUNT, UNKNOWN_RESULTS_ID or UNKNOWN_REFRESH_ID',
  429: 'DUPLICATED_REQUEST: a refresh of the entity is pending',
  500: 'INTERNAL_SERVER_ERROR (the fault API)',
};
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [String(status), { description: ERRORS[status] ?? 'Error', ...json({ $ref: '#/components/schemas/Error' }) }]));

const parameter = (name: string, schema: JsonSchema, description: string, required = false) => ({ name, in: 'query', required, schema, description });
const paging = [
  parameter('entity_id', uuid, 'The entity (from the Link SDK, or POST /sandbox/connect).', true),
  parameter('page', { type: 'integer', minimum: 0, default: 0 }, 'Page number, from 0.'),
  parameter('size', { type: 'integer', minimum: 1, maximum: V2_MAX_PAGE_SIZE, default: V2_DEFAULT_PAGE_SIZE }, `Items a page; Lean states no maximum, the emulator refuses more than ${V2_MAX_PAGE_SIZE}.`),
  parameter('async', { type: 'boolean', default: false }, 'true: answer PENDING with a results_id; results.ready follows.'),
];
const accountPath = { name: 'account_id', in: 'path', required: true, schema: uuid };

const dataAnswer = (envelopeSchema: JsonSchema) => ({
  description: 'OK in the v2 envelope; PENDING (async=true or LEANMB3_ASYNC transactions; results.ready follows) or RECONNECT_REQUIRED (a session that ended)',
  ...json({ oneOf: [envelopeSchema, ref('V2Pending'), ref('V2ReconnectRequired')] }),
});

const PER_ACCOUNT: [string, string, string, string, boolean][] = [
  ['balances', 'balances', 'balances', 'V2Balance', false],
  ['beneficiaries', 'beneficiaries', 'beneficiaries', 'V2Beneficiary', false],
  ['identities', 'identities', 'identities', 'V2Identity', true],
  ['direct-debits', 'direct-debits', 'direct_debits', 'V2DirectDebit', false],
  ['scheduled-payments', 'scheduled-payments', 'scheduled_payments', 'V2ScheduledPayment', false],
  ['standing-orders', 'standing-orders', 'standing_orders', 'V2StandingOrder', false],
];

const paths: Record<string, unknown> = {
  '/oauth2/token': {
    post: {
      operationId: 'v2Token',
      security: [],
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: obj({ client_id: str, client_secret: str, grant_type: { const: 'client_credentials' }, scope: { type: 'string', pattern: '^(api|customer\\.[0-9a-f-]{36})$' } }),
          },
        },
      },
      responses: {
        '200': { description: 'A bearer token; scope api reads data, customer.<id> is for the Link SDK only', ...json(ref('V2Token')) },
        '400': { description: 'INVALID_PARAMETERS: grant_type or scope', ...json(ref('Error')) },
        '401': { description: 'INVALID_CLIENT: wrong client_id or client_secret', ...json(ref('Error')) },
        '404': { description: 'UNKNOWN_CUSTOMER: scope customer.<id> names no customer', ...json(ref('Error')) },
      },
    },
  },
  '/data/v2/accounts': {
    get: { operationId: 'v2Accounts', parameters: paging, responses: { '200': dataAnswer(envelope('accounts', 'accounts', 'V2Account')), ...errors(400, 401, 403, 404, 500) } },
  },
  '/data/v2/identity': {
    get: { operationId: 'v2Identity', parameters: paging, responses: { '200': dataAnswer(envelope('identities', 'identities', 'V2Identity', true)), ...errors(400, 401, 403, 404, 500) } },
  },
  '/data/v2/accounts/{account_id}/transactions': {
    get: {
      operationId: 'v2Transactions',
      parameters: [
        accountPath,
        ...paging,
        parameter('start_date', date, 'First day (UTC), YYYY-MM-DD; default: the first day Lean holds.'),
        parameter('end_date', date, 'Last day (UTC), YYYY-MM-DD; default: today.'),
        parameter('insights', { type: 'boolean', default: false }, 'true: each transaction carries the v1 insights object instead of null.'),
      ],
      responses: { '200': dataAnswer(envelope('transactions', 'transactions', 'V2Transaction')), ...errors(400, 401, 403, 404, 500) },
    },
  },
  ...Object.fromEntries(
    PER_ACCOUNT.map(([path, type, listKey, item, accountIdInData]) => [
      `/data/v2/accounts/{account_id}/${path}`,
      {
        get: {
          operationId: `v2${item.slice(2)}s`,
          parameters: [accountPath, ...paging],
          responses: { '200': dataAnswer(envelope(type, listKey, item, accountIdInData)), ...errors(400, 401, 403, 404, 500) },
        },
      },
    ]),
  ),
  '/data/v2/results/{results_id}': {
    get: {
      operationId: 'v2Results',
      responses: {
        '200': {
          description: 'The v2 envelope of the call that answered PENDING or RECONNECT_REQUIRED, once results.ready was sent',
          ...json({ anyOf: [envelope('accounts', 'accounts', 'V2Account'), envelope('identities', 'identities', 'V2Identity', true), envelope('transactions', 'transactions', 'V2Transaction'), envelope('balances', 'balances', 'V2Balance')] }),
        },
        ...errors(401, 404, 500),
      },
    },
  },
  '/data/v2/refreshes': {
    post: {
      operationId: 'v2RequestRefresh',
      requestBody: { required: true, ...json(obj({ entity_id: uuid })) },
      responses: { '200': { description: 'Refresh started; entity.data.refresh.updated PENDING, then FINISHED (KSA) / OK (UAE), follow', ...json(ref('V2RefreshTriggered')) }, ...errors(400, 401, 403, 404, 429, 500) },
    },
    get: { operationId: 'v2Refreshes', parameters: paging.slice(0, 3), responses: { '200': { description: "The entity's refreshes, newest first", ...json(ref('V2Refreshes')) }, ...errors(400, 401, 404, 500) } },
  },
  '/data/v2/refreshes/{refresh_id}': {
    get: {
      operationId: 'v2Refresh',
      parameters: [{ ...paging[0], required: false }],
      responses: { '200': { description: 'One refresh and what it read', ...json(ref('V2Refresh')) }, ...errors(400, 401, 404, 500) },
    },
  },
};

/** The v2 part of /openapi.json: schemas, paths, and the refresh webhook. */
export const v2OpenApi = {
  schemas,
  paths,
  securitySchemes: {
    bearer: { type: 'http', scheme: 'bearer', description: 'An access token with scope api from POST /oauth2/token; never together with lean-app-token' },
    clientCredentials: {
      type: 'oauth2',
      flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: { api: 'data and customers', 'customer.<customer_id>': 'the Link SDK (no data.read)' } } },
    },
  },
  webhooks: {
    'entity.data.refresh.updated': {
      post: {
        description: 'After each link and accepted POST /data/v2/refreshes: PENDING, then FINISHED (KSA) or OK (UAE) after LEAN_SANDBOX_REFRESH_DELAY_MS',
        requestBody: {
          ...json(
            obj({
              type: { const: 'entity.data.refresh.updated' },
              payload: obj({
                entity_id: uuid,
                refresh_id: uuid,
                customer_id: uuid,
                app_user_id: strOrNull,
                status: { enum: ['PENDING', 'FINISHED', 'OK'] },
                data_status: dataStatus({ transaction_availability: obj({ start: date, end: date, complete_months: int }) }),
              }),
              message: str,
              timestamp: str,
              event_id: uuid,
            }),
          ),
        },
        responses: { '200': { description: 'Received; anything else is redelivered on Lean’s schedule' } },
      },
    },
  },
};
