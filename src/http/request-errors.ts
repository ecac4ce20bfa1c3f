import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../model/error-codes.js';
import { MAX_BODY_BYTES } from './body-limit.js';

/* Yoga's own request errors, in the contract's codes and without echoes. */

/** Longest echo of a client's input in any error message. */
export const MAX_ECHO = 160;

export function boundedMessage(message: string): string {
  return message.length > MAX_ECHO ? `${message.slice(0, MAX_ECHO)}…` : message;
}

/**
 * Normalises an error yoga raised about the request itself (before execution): the contract's code,
 * no `originalError` (JSON.parse echoes the body), a bounded message. Anything else is returned as is.
 */
export function normaliseRequestError(error: GraphQLError): GraphQLError {
  const code = error.extensions['code'];
  const http = error.extensions['http'];
  // A request that is not GraphQL at all (not JSON, no query, a batch) is a 400 whatever the client
  // accepts; for documents that do not parse, yoga's `spec` flag stands: GraphQL over HTTP answers
  // them 200 to a client accepting only application/json and 400 to application/graphql-response+json.
  const rewrite = (newCode: ErrorCode, status: number, extra: Record<string, unknown> = {}) =>
    new GraphQLError(boundedMessage(error.message), {
      nodes: error.nodes,
      extensions: { code: newCode, ...extra, http: newCode === 'GRAPHQL_PARSE_FAILED' ? { ...http, status } : { headers: http?.headers, status } },
    });
  if (code === 'REQUEST_ENTITY_TOO_LARGE') return rewrite('PAYLOAD_TOO_LARGE', 413, { limitBytes: MAX_BODY_BYTES });
  if (code === 'BAD_REQUEST' || code === 'OPERATION_RESOLUTION_FAILURE') {
    // Yoga answers 413 for a batch over its limit; the contract says 400.
    const status = http?.status === undefined || http.status === 413 ? 400 : http.status;
    return rewrite('BAD_REQUEST', status);
  }
  if (code === 'GRAPHQL_PARSE_FAILED') return rewrite('GRAPHQL_PARSE_FAILED', http?.status ?? 400);
  // graphql-js's variable coercion ("Variable "$first" got invalid value …") carries no code: the client's input is wrong.
  if (code === undefined && error.message.startsWith('Variable "$')) {
    return new GraphQLError(boundedMessage(error.message), { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' satisfies ErrorCode } });
  }
  if (error.message.length > MAX_ECHO * 2) {
    return new GraphQLError(boundedMessage(error.message), { nodes: error.nodes, path: error.path, extensions: error.extensions });
  }
  return error;
}

/** Bounds validation messages (a value in a document may be 100 KB) and, with introspection off, drops "Did you mean" schema hints. */
export function useBoundedValidationErrors(options: { introspection: boolean }): Plugin {
  return {
    onValidate: () => ({ valid, result, setResult }) => {
      if (valid) return;
      setResult(
        (result as readonly GraphQLError[]).map((error) => {
          const text = options.introspection ? error.message : error.message.replace(/ Did you mean .*$/s, '');
          const message = boundedMessage(text);
          return message === error.message ? error : new GraphQLError(message, { nodes: error.nodes, extensions: error.extensions });
        }),
      );
    },
  };
}
