import { GraphQLError } from 'graphql';
import type { ErrorCode } from '../model/error-codes.js';

export function unauthenticated(reason: string): GraphQLError {
  return new GraphQLError(`Not authenticated: ${reason}`, {
    extensions: {
      code: 'UNAUTHENTICATED' satisfies ErrorCode,
      http: { status: 401, headers: { 'www-authenticate': 'Bearer' } },
    },
  });
}

export function introspectionDisabled(): GraphQLError {
  return new GraphQLError('Introspection is disabled for this principal (GATEWAY_INTROSPECTION=false)', {
    extensions: { code: 'INTROSPECTION_DISABLED' satisfies ErrorCode, http: { status: 403 } },
  });
}
