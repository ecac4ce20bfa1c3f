import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import type { GatewayContext } from './context.js';

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
  plugins: [RelayPlugin, ErrorsPlugin, ValidationPlugin],
  defaultFieldNullability: false,
  relay: {
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
      description: 'Fetches objects by their global ids; null for each that does not exist or is not yours.',
      args: { ids: { description: 'Global ids, as `id` fields return them.' } },
    },
    nodeFieldOptions: { description: 'The object at this position of the list.' },
    cursorFieldOptions: { description: 'Pass to `after` (or `before`) to continue from this position.' },
    edgesFieldOptions: { description: 'The objects of this page, each with its cursor.' },
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
