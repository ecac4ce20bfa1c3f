import { GraphQLError } from 'graphql';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../db/unavailable.js';
import type { ErrorCode } from '../model/error-codes.js';

/**
 * A field (or operation) that failed because Postgres is unreachable, as clients see it: the typed
 * code DATABASE_UNAVAILABLE and a fixed message, never the driver's (it may name host and port).
 * Undefined for any other error.
 */
export function databaseUnavailableError(error: unknown): GraphQLError | undefined {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (!isDatabaseUnavailable(original)) return undefined;
  const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, { ...located, extensions: { code: 'DATABASE_UNAVAILABLE' satisfies ErrorCode } });
}
