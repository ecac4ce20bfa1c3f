import { z } from 'zod';
import * as banks from '../lean/banks.js';
import * as customers from '../lean/customers.js';
import * as wire from '../lean/wire.js';
import { v2OpenApi } from './openapi-v2.js';

type JsonSchema = Record<string, unknown>;

/** Fields Lean leaves out in some answers: UAE entities have no account_type or consents, v1 entities no bank_type or created_at; insights only when asked. */
const OMITTABLE = new Set(['account_type', 'bank_type', 'created_at', 'consents', 'insights', 'results_id']);

/**
 * The emulator's contract as JSON Schema: the client's wire schemas, tightened to what the emulator
 * promises to send (every field present, nothing extra) so a test can hold its answers to it.
 */
function strict(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  delete json['$schema'];
  return tighten(json);
}

function tighten(node: unknown): JsonSchema {
  if (Array.isArray(node)) return node.map(tighten) as unknown as JsonSchema;
  if (typeof node !== 'object' || node === null) return node as JsonSchema;
  const copy: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) copy[key] = typeof value === 'object' ? tighten(value) : value;
  const properties = copy['properties'];
  if (copy['type'] === 'object' && typeof properties === 'object' && properties !== null) {
    copy['required'] = Object.keys(properties).filter((name) => !OMITTABLE.has(name));
    copy['additionalProperties'] = false;
  }
  return copy;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { description: ERROR_TEXT[status] ?? 'Error', ...json(ref('Error')) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'INVALID_PARAMETERS (or UNSUPPORTED_ACCOUNT_TYPE for identity of a BUSINESS entity)',
  401: 'INVALID_TOKEN: lean-app-token (or, on /customers/v1, the bearer token) missing or wrong',
  403: 'CONSENT_EXPIRED or PERMISSION_NOT_GRANTED',
  404: 'UNKNOWN_CUSTOMER, UNKNOWN_ENTITY, UNKNOWN_ACCOUNT or UNKNOWN_RESULTS_ID',
  409: 'CUSTOMER_ALREADY_EXISTS',
  429: 'TOO_MANY_REQUESTS (fault API), with Retry-After',
  500: 'INTERNAL_SERVER_ERROR',
};

const okEnvelope = (payload: unknown) => ({
  type: 'object',
  properties: { status: { const: 'OK' }, payload },
  required: ['status', 'payload'],
  additionalProperties: false,
});

const dataAnswer = (payload: string) => ({
  description: 'OK with the payload, PENDING (a results.ready webhook follows) or RECONNECT_REQUIRED',
  ...json({ oneOf: [okEnvelope(ref(payload)), ref('Pending'), ref('ReconnectRequired')] }),
});

const dataRequest = (properties: Record<string, unknown>, required: string[]) => ({
  required: true,
  ...json({ type: 'object', properties, required }),
});
const uuid = { type: 'string', format: 'uuid' };
const date = { type: 'string', format: 'date' };

/** A bank of `GET /banks/v1`: the fields the gateway reads are required; Lean sends more (logo_alt, traits, transfer limits …). */
const catalogueBank = (() => {
  const schema = z.toJSONSchema(banks.catalogueBank, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  delete schema['$schema'];
  return { ...schema, required: ['identifier', 'name', 'logo', 'main_color', 'background_color', 'country_code', 'active', 'availability', 'account_type'] };
})();

let document: JsonSchema | undefined;

/** v2 calls take the bearer token; /customers/v1 (both generations) either credential. */
function withSecurity(paths: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(paths).map(([path, operations]) => [
      path,
      Object.fromEntries(
        Object.entries(operations as Record<string, Record<string, unknown>>).map(([method, operation]) => {
          if ('security' in operation) return [method, operation];
          const security = path.startsWith('/customers/v1') ? [{ appToken: [] }, { bearer: [] }] : path.startsWith('/data/v2') ? [{ bearer: [] }] : [{ appToken: [] }];
          return [method, { ...operation, security }];
        }),
      ),
    ]),
  );
}

/** OpenAPI 3.1 description of the emulated Lean v1 and v2 APIs (served at GET /openapi.json). */
export function sandboxOpenApi(): JsonSchema {
  document ??= {
    openapi: '3.1.0',
    info: {
      title: 'Lean API v1 and v2 (emulator)',
      version: '2.0.0',
      description:
        "The subset of Lean Technologies' v1 and v2 APIs that the gateway uses, as emulated by src/sandbox. v1 calls need the lean-app-token header; v2 calls a bearer token from POST /oauth2/token (scope api), never both.",
    },
    components: {
      securitySchemes: { appToken: { type: 'apiKey', in: 'header', name: 'lean-app-token' }, ...v2OpenApi.securitySchemes },
      schemas: {
        ...v2OpenApi.schemas,
        Customer: strict(customers.customer),
        Entity: strict(customers.entity),
        Identity: strict(wire.identity),
        Accounts: strict(wire.accountsPayload),
        Balance: strict(wire.balance),
        Transactions: strict(wire.transactionsPayload),
        Error: strict(wire.errorBody),
        Pending: {
          type: 'object',
          properties: { status: { const: 'PENDING' }, results_id: uuid, message: { type: 'string' }, timestamp: { type: 'string' } },
          required: ['status', 'results_id', 'message', 'timestamp'],
          additionalProperties: false,
        },
        ReconnectRequired: {
          type: 'object',
          properties: {
            status: { const: 'RECONNECT_REQUIRED' },
            payload: strict(wire.reconnectPayload),
            results_id: uuid,
            message: { type: 'string' },
            timestamp: { type: 'string' },
          },
          required: ['status', 'payload', 'results_id', 'message', 'timestamp'],
          additionalProperties: false,
        },
      },
    },
    webhooks: v2OpenApi.webhooks,
    paths: withSecurity({
      ...v2OpenApi.paths,
      '/customers/v1/': {
        post: {
          operationId: 'createCustomer',
          requestBody: dataRequest({ app_user_id: { type: 'string', minLength: 1 } }, ['app_user_id']),
          responses: { '200': { description: 'The new customer', ...json(ref('Customer')) }, ...errors(400, 401, 409) },
        },
      },
      '/customers/v1/{customer_id}': {
        get: { operationId: 'getCustomer', responses: { '200': { description: 'The customer', ...json(ref('Customer')) }, ...errors(400, 401, 404) } },
      },
      '/customers/v1/app-user-id/{app_user_id}': {
        get: { operationId: 'getCustomerByAppUserId', responses: { '200': { description: 'The customer', ...json(ref('Customer')) }, ...errors(401, 404) } },
      },
      '/customers/v1/{customer_id}/entities': {
        get: {
          operationId: 'listEntities',
          responses: { '200': { description: "The customer's entities", ...json({ type: 'array', items: ref('Entity') }) }, ...errors(400, 401, 404) },
        },
      },
      '/customers/v1/{customer_id}/entities/{entity_id}': {
        get: { operationId: 'getEntity', responses: { '200': { description: 'The entity', ...json(ref('Entity')) }, ...errors(400, 401, 404) } },
        delete: {
          operationId: 'deleteEntity',
          requestBody: dataRequest({ reason: { type: 'string', examples: ['USER_REQUESTED'] } }, ['reason']),
          responses: { '200': { description: 'Deleted; no body' }, ...errors(400, 401, 404) },
        },
      },
      '/banks/v1': {
        get: {
          operationId: 'listBanks',
          security: [{ appToken: [] }, { bearer: [] }],
          parameters: [{ name: 'account_types', in: 'query', schema: { enum: ['PERSONAL', 'BUSINESS'], default: 'PERSONAL' } }],
          responses: { '200': { description: "The bank catalogue for that account type (Lean's fields; the gateway reads those named here)", ...json({ type: 'array', items: catalogueBank }) }, ...errors(400, 401) },
        },
      },
      '/data/v1/identity': {
        post: { operationId: 'identity', requestBody: dataRequest({ entity_id: uuid }, ['entity_id']), responses: { '200': dataAnswer('Identity'), ...errors(400, 401, 403, 404) } },
      },
      '/data/v1/accounts': {
        post: { operationId: 'accounts', requestBody: dataRequest({ entity_id: uuid }, ['entity_id']), responses: { '200': dataAnswer('Accounts'), ...errors(400, 401, 403, 404) } },
      },
      '/v1/balance': {
        post: {
          operationId: 'balance',
          requestBody: dataRequest({ entity_id: uuid, account_id: uuid }, ['entity_id', 'account_id']),
          responses: { '200': dataAnswer('Balance'), ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/transactions': {
        post: {
          operationId: 'transactions',
          requestBody: dataRequest(
            { entity_id: uuid, account_id: uuid, start_date: date, end_date: date, insights: { type: 'boolean' } },
            ['entity_id', 'account_id', 'start_date', 'end_date'],
          ),
          responses: { '200': dataAnswer('Transactions'), ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/results/{results_id}': {
        get: {
          operationId: 'results',
          responses: {
            '200': {
              description: 'The answer of the call that went PENDING or waited for a reconnect',
              ...json(okEnvelope({ anyOf: [ref('Identity'), ref('Accounts'), ref('Balance'), ref('Transactions')] })),
            },
            ...errors(400, 401, 404),
          },
        },
      },
    }),
  };
  return document;
}
