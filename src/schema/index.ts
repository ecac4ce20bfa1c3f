import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './viewer.js';

builder.queryType({ description: 'The entry points for reading data.' });

let schema: GraphQLSchema | undefined;

/** The gateway's GraphQL schema, built once. */
export function gatewaySchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: true });
  return schema;
}
