import type { GraphQLSchema } from 'graphql';
import { tracingEnabled } from '../observability/tracing.js';
import { builder } from './builder.js';
import './scalars.js';
import './outcomes.js';
import './viewer.js';
import './customer.js';
import './bank.js';
import './entity.js';
import './consent.js';
import './account.js';
import './balance.js';
import './transaction.js';
import './beneficiary.js';
import './direct-debit.js';
import './scheduled-payment.js';
import './standing-order.js';
import './party.js';
import './link.js';
import './refresh.js';
import './subscriptions.js';
import './webhooks.js';

builder.queryType({ description: 'The entry points for reading data.' });
builder.mutationType({ description: 'The entry points for changing data: customers, links to banks, refreshes.' });

const schemas = new Map<boolean, GraphQLSchema>();

/**
 * The gateway's GraphQL schema, built once (once with tracing, once without, should a process start
 * gateways of both kinds): the tracing plugin decides which resolvers to wrap while building it.
 */
export function gatewaySchema(): GraphQLSchema {
  const tracing = tracingEnabled();
  let schema = schemas.get(tracing);
  if (schema === undefined) {
    schema = builder.toSchema({ sortSchema: true });
    schemas.set(tracing, schema);
  }
  return schema;
}
