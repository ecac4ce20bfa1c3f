import SchemaBuilder, { PothosValidationError } from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import TracingPlugin from '@pothos/plugin-tracing';
import { createOpenTelemetryWrapper } from '@pothos/tracing-opentelemetry';
import { GraphQLError } from 'graphql';
import ValidationPlugin from '@pothos/plugin-validation';
import { tracer, tracesResolver } from '../observability/tracing.js';
import type { GatewayContext } from './context.js';
import type { ErrorCode } from '../model/error-codes.js';

/** What a list without `first` (a customer's entities, an entity's accounts or consents) is assumed to hold when a query's cost is weighed. */
export const ASSUMED_LIST_SIZE = 5;
/** `first` / `last` / `ids` above this are refused rather than silently cut. */
export const MAX_PAGE_SIZE = 100;

/** Node types whose ids (Lean's customer, entity and account ids) are UUIDs. */
const UUID_NODE_TYPES = new Set(['Customer', 'Entity', 'Account']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `graphql.resolve` span around a resolver: field name, path and type; never its arguments or source. */
const resolverSpans = createOpenTelemetryWrapper<boolean>(tracer, { includeArgs: false, includeSource: false });

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultFieldNullability: false;
  Scalars: {
    Decimal: { Input: string; Output: string };
    Date: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    JSONObject: { Input: never; Output: Record<string, unknown> };
  };
}>({
  // Tracing first, so its span wraps what the other plugins add around a resolver.
  plugins: [TracingPlugin, RelayPlugin, ErrorsPlugin, ValidationPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  // Decided per field when the schema is built (after startTracing): with tracing off no resolver is
  // wrapped. Arguments and the selection's source are never recorded: they carry personal data.
  tracing: { default: tracesResolver, wrap: (resolver, options) => resolverSpans(resolver, options) },
  // Cost of a document (checked at validation, against GATEWAY_MAX_COST, in src/http/query-limits.ts): every
  // field costs 1 and a list multiplies its selection by its size — `first` where it has one, else an
  // assumed size. Nothing is checked while resolving (`disabled`): the validation rule answers first.
  complexity: { defaultComplexity: 1, defaultListMultiplier: ASSUMED_LIST_SIZE, disabled: true },
  relay: {
    // A well-formed global id around something that cannot be one of our ids is the client's mistake
    // (BAD_USER_INPUT, like a forged one), not an object that happens not to exist.
    decodeGlobalID: (globalID) => {
      const decoded = decodeGlobalID(globalID);
      if (UUID_NODE_TYPES.has(decoded.typename) && !UUID.test(decoded.id)) {
        throw new PothosValidationError(`Invalid global ID: the ${decoded.typename} id inside is not a UUID`);
      }
      return decoded;
    },
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'An object with a global id, which `node(id)` can fetch again.' },
    idFieldOptions: { description: 'The global id of this object (opaque; use it with `node(id)`).' },
    pageInfoTypeOptions: { description: 'Where a page lies in the whole list, for cursor pagination.' },
    nodeQueryOptions: {
      description: 'Fetches any object by its global id; null when it does not exist or is not yours.',
      args: { id: { description: 'A global id, as any `id` field returns it.' } },
    },
    nodesQueryOptions: {
      description: `Fetches objects by their global ids (at most ${MAX_PAGE_SIZE}); null for each that does not exist or is not yours.`,
      args: { ids: { description: 'Global ids, as `id` fields return them.' } },
      complexity: (args) => ({ field: 1, multiplier: Array.isArray(args.ids) ? args.ids.length : ASSUMED_LIST_SIZE }),
      resolve: (_root, { ids }, _context, _info, resolveNodes) => {
        if (ids.length > MAX_PAGE_SIZE) {
          throw new GraphQLError(`ids may hold at most ${MAX_PAGE_SIZE} ids`, { extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode, argument: 'ids' } });
        }
        return resolveNodes(ids);
      },
    },
    nodeFieldOptions: { description: 'The object at this position of the list.' },
    cursorFieldOptions: { description: 'Pass to `after` (or `before`) to continue from this position.' },
    // A connection's own cost multiplies by `first` (see Account.transactions); its edges do not again.
    edgesFieldOptions: { description: 'The objects of this page, each with its cursor.', complexity: { field: 1, multiplier: 1 } },
    pageInfoFieldOptions: { description: 'Where this page lies in the whole list.' },
    hasNextPageFieldOptions: { description: 'Whether more objects follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether objects come before this page.' },
    startCursorFieldOptions: { description: 'The cursor of the first object of this page.' },
    endCursorFieldOptions: { description: 'The cursor of the last object of this page.' },
    firstArgOptions: { description: 'How many objects to return after `after`, at most 100 (default 20).' },
    lastArgOptions: { description: 'How many objects to return before `before`, at most 100.' },
    afterArgOptions: { description: 'Continue after this cursor.' },
    beforeArgOptions: { description: 'Continue before this cursor.' },
  },
  errors: { directResult: true },
});
