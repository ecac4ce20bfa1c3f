/**
 * Every `extensions.code` a client of the gateway can receive (and the `error.code` of its JSON
 * routes), each with when. Code that sets one types it `ErrorCode`, so a new code is listed here
 * first; the README's "Error codes" table lists exactly these (test/error-codes.test.ts).
 */
export const ERROR_CODES = {
  // The request itself, refused before it runs.
  BAD_REQUEST: 'The request is not GraphQL over HTTP: malformed JSON, no `query`, non-object `variables`, a batch when batching is off or too long, a body that could not be read.',
  PAYLOAD_TOO_LARGE: 'The request body is over 1 MiB (4 KiB on `POST /dev/sign-in`).',
  UNSUPPORTED_MEDIA_TYPE: 'A POST whose `content-type` is not JSON.',
  METHOD_NOT_ALLOWED: 'A development route (`/dev/…`) called with the wrong HTTP method.',
  GRAPHQL_PARSE_FAILED: 'The document does not parse (a syntax error).',
  GRAPHQL_VALIDATION_FAILED: 'The document parses but does not validate against the schema (an unknown field, a wrong argument type).',
  QUERY_LIMIT_EXCEEDED: 'The document is deeper, has more aliases, tokens or directives, or costs more than the configured limits.',
  RATE_LIMITED: 'The principal made more requests than its rate allows.',
  PERSISTED_QUERY_NOT_FOUND: 'Trusted-documents mode: no listed document has this id.',
  PERSISTED_QUERY_ONLY: 'Trusted-documents mode: an end user or anonymous caller sent a document text (or no id).',
  // Who is asking.
  UNAUTHENTICATED: 'The credential is missing where one is needed, or is invalid or expired.',
  FORBIDDEN: 'The principal may not do this: operator fields and `/metrics` are for services, an end user creates only their own customer, personal data needs the `identity:read` scope.',
  INTROSPECTION_DISABLED: 'Introspection by a principal other than a service while `GATEWAY_INTROSPECTION=false`.',
  // The data.
  BAD_USER_INPUT: 'An argument or variable is wrong: an id that does not decode, a page over 100, `from` after `to`, a consent rule of `prepareLink`.',
  NOT_FOUND: 'No object with this id that the principal may see (another customer\'s reads the same).',
  PERMISSION_NOT_GRANTED: 'The entity was linked without the permission this data needs.',
  ENTITY_DISCONNECTED: 'The entity is disconnected; its bank data was deleted.',
  UNSUPPORTED_ACCOUNT_TYPE: 'The data is not offered for the entity\'s account type (identity of a business account).',
  PERSONAL_DATA_UNREADABLE: 'A sealed personal value could not be opened (its key is no longer configured, or it was tampered with).',
  CURSOR_EXPIRED: 'A subscription resumed from a cursor older than the event log keeps.',
  // What the gateway depends on.
  UPSTREAM_UNAVAILABLE: 'Lean is not answering, is rate limiting, its circuit is open, or refused the gateway\'s credentials.',
  BANK_UNAVAILABLE: "Lean says the entity's bank is down for data (`Bank.availability.data` false): Lean is not asked; beside data with `stale: true` when a copy was served.",
  UPSTREAM_ERROR: 'Lean refused the request or could not fetch the data, or answered in a shape it does not document.',
  DATABASE_UNAVAILABLE: 'Postgres is unreachable.',
  INTERNAL_SERVER_ERROR: 'An unexpected fault; the message is masked ("Unexpected error.").',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;
