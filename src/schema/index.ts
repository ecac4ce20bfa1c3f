import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './outcomes.js';
import './viewer.js';
import './customer.js';
import './entity.js';
import './consent.js';
import './account.js';
import './transaction.js';
import './link.js';
import './subscriptions.js';
import './webhooks.js';

builder.queryType({ description: 'The entry points for reading data.' });
builder.mutationType({ description: 'The entry points for changing data: customers, links to banks, refreshes.' });

let schema: GraphQLSchema | undefined;

/** The gateway's GraphQL schema, built once. */
export function gatewaySchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}
