import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { createComplexityRule } from '@pothos/plugin-complexity';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Authenticate } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { Config, QueryLimits } from '../config.js';
import type { PrincipalRateLimiter } from './rate-limiter.js';
import { BodyTooLarge, MAX_BODY_BYTES, readBodyWithin, refuseTooLarge, sendJson } from './body-limit.js';

/** Codes of refused requests (`extensions.code`), beyond those of authentication and of the data. */
export type RequestErrorCode =
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'QUERY_LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'PERSISTED_QUERY_ONLY';

export type QueryLimit = 'depth' | 'aliases' | 'tokens' | 'directives' | 'cost';

/** Longest echo of a client's input in any error message. */
export const MAX_ECHO = 160;

export function boundedMessage(message: string): string {
  return message.length > MAX_ECHO ? `${message.slice(0, MAX_ECHO)}…` : message;
}

export function queryLimitExceeded(limit: QueryLimit, max: number, found?: number): GraphQLError {
  return new GraphQLError(`The query exceeds the ${limit} limit (at most ${max}${found === undefined ? '' : `, found ${found}`})`, {
    extensions: {
      code: 'QUERY_LIMIT_EXCEEDED' satisfies RequestErrorCode,
      limit,
      max,
      ...(found !== undefined && { found }),
      http: { status: 400 },
    },
  });
}

export function payloadTooLarge(): { errors: { message: string; extensions: Record<string, unknown> }[] } {
  return {
    errors: [
      { message: `The request body is larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' satisfies RequestErrorCode, limitBytes: MAX_BODY_BYTES } },
    ],
  };
}

/* ------------------------------------------------------------------------------------------------
 * Before yoga: POST /graphql must be JSON of at most 1 MiB.
 * --------------------------------------------------------------------------------------------- */

const JSON_TYPES = new Set(['application/json', 'application/graphql+json', 'application/graphql-response+json']);

/**
 * Reads a POST's body (at most MAX_BODY_BYTES, never more held) and hands it to yoga already read;
 * answers 415 for a content type other than JSON and 413 for a body too large. Resolves false when
 * it has answered itself. GET and other methods pass untouched (yoga answers them).
 */
export async function admitGraphQLBody(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'POST') return true;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPES.has(type)) {
    res.setHeader('connection', 'close');
    sendJson(res, 415, {
      errors: [{ message: 'POST /graphql takes `content-type: application/json`', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' satisfies RequestErrorCode } }],
    });
    req.resume();
    return false;
  }
  let body: Buffer;
  try {
    body = await readBodyWithin(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      refuseTooLarge(req, res, payloadTooLarge());
      return false;
    }
    throw error;
  }
  // @whatwg-node/server (under yoga) takes a body already read from `req.body` instead of the stream.
  // An empty body stays the (ended) stream: yoga answers it as malformed JSON.
  if (body.length > 0) Object.assign(req, { body });
  return true;
}

/* ------------------------------------------------------------------------------------------------
 * Who is asking, once per request: the rate limiter, trusted documents and the context share it.
 * --------------------------------------------------------------------------------------------- */

export type PrincipalOf = (request: Request) => Promise<Principal>;

export function principalsByRequest(authenticate: Authenticate): PrincipalOf {
  const known = new WeakMap<Request, Promise<Principal>>();
  return (request) => {
    let principal = known.get(request);
    if (principal === undefined) {
      principal = authenticate(request.headers.get('authorization'));
      known.set(request, principal);
    }
    return principal;
  };
}

/* ------------------------------------------------------------------------------------------------
 * Depth, aliases, tokens, directives (GraphQL Armor) and cost (Pothos complexity).
 * --------------------------------------------------------------------------------------------- */

/**
 * The document limits, as yoga plugins; they run on HTTP and graphql-ws alike (graphql-ws parses and
 * validates through yoga's enveloped functions). Each refusal is one QUERY_LIMIT_EXCEEDED error with
 * `limit`, `max` and, where known, `found`; the armor plugins' own messages and their stop-the-world
 * propagation are off.
 * Depth ignores introspection (`__schema` subtrees count 0): the standard introspection query of
 * GraphiQL and codegen nests `ofType` about 9 levels under `__schema`. Fragments count no level of
 * their own (only fields do), so codegen's fragment-heavy documents are measured like inlined ones.
 */
export function useQueryLimits(limits: QueryLimits): Plugin[] {
  const report = (limit: QueryLimit, max: number) => (context: ValidationContext | null, error: GraphQLError) => {
    const found = /found (\d+)/.exec(error.message)?.[1];
    const refusal = queryLimitExceeded(limit, max, found === undefined ? undefined : Number(found));
    if (context === null) throw refusal; // the token counter runs inside the parser: stop it there
    context.reportError(refusal);
  };
  const common = { exposeLimits: true, propagateOnRejection: false } as const;
  return [
    maxTokensPlugin({ n: limits.maxTokens, exposeLimits: true, onReject: [report('tokens', limits.maxTokens)] }),
    maxDepthPlugin({ ...common, n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: [report('depth', limits.maxDepth)] }),
    maxAliasesPlugin({ ...common, n: limits.maxAliases, allowList: [], onReject: [report('aliases', limits.maxAliases)] }),
    maxDirectivesPlugin({ ...common, n: limits.maxDirectives, onReject: [report('directives', limits.maxDirectives)] }),
    useCostLimit(limits.maxCost),
  ];
}

interface ValidationParams {
  params?: Partial<GraphQLParams>;
}

/**
 * Cost (see src/schema/builder.ts): measured after the document is otherwise valid, with the request's
 * variables, so that `first: $n` counts. A variable that does not coerce is left to execution to report.
 */
function useCostLimit(maxCost: number): Plugin {
  return {
    onValidate: ({ context, params: { schema, documentAST } }) => {
      return ({ valid, setResult }) => {
        if (!valid) return;
        const params = (context as ValidationParams).params ?? {};
        const variables = params.variables;
        const rule = createComplexityRule({
          context: {},
          variableValues: typeof variables === 'object' && variables !== null ? variables : {},
          operationName: params.operationName ?? null,
          validate: ({ complexity }, reportError) => {
            if (complexity > maxCost) reportError(queryLimitExceeded('cost', maxCost, complexity));
          },
        });
        const refusals = validate(schema as GraphQLSchema, documentAST as DocumentNode, [rule]).filter((error) => error.extensions['code'] === 'QUERY_LIMIT_EXCEEDED');
        if (refusals.length > 0) setResult(refusals);
      };
    },
  };
}

/* ------------------------------------------------------------------------------------------------
 * Per-principal rate limit.
 * --------------------------------------------------------------------------------------------- */

/** The rate limit's key: a service's API-key fingerprint, an end user's JWT subject, else the client's IP. */
export function rateLimitKey(principal: Principal, clientIp: string | undefined): string {
  if (principal.kind === 'service') return `service:${principal.label}`;
  if (principal.kind === 'endUser') return `user:${principal.appUserId}`;
  // The socket's address: X-Forwarded-For is not trusted (anyone can send it).
  return `ip:${clientIp ?? 'unknown'}`;
}

export function rateLimited(retryAfterSeconds: number, over: 'http' | 'websocket'): GraphQLError {
  return new GraphQLError(`Too many requests; retry in ${retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED' satisfies RequestErrorCode,
      retryAfterSeconds,
      ...(over === 'http' && { http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } } }),
    },
  });
}

/** One request counted per HTTP operation (each of a batch), before the document is parsed. */
export function useRateLimit(limiter: PrincipalRateLimiter, principalOf: PrincipalOf): Plugin<object, { req?: IncomingMessage }> {
  return {
    onParams: async ({ request, context }) => {
      const principal = await principalOf(request);
      const retryAfter = await limiter.take(rateLimitKey(principal, context.req?.socket.remoteAddress));
      if (retryAfter !== undefined) throw rateLimited(retryAfter, 'http');
    },
  };
}

/* ------------------------------------------------------------------------------------------------
 * Trusted documents.
 * --------------------------------------------------------------------------------------------- */

export interface TrustedDocuments {
  /** The document for a hash (`sha256:<hex>` or bare hex), if listed. */
  byHash(hash: string): string | undefined;
  /** Whether this exact text is a listed document (graphql-ws sends text). */
  lists(text: string): boolean;
}

/** The manifest `npm run codegen` writes: `{ "sha256:<hex>": "<document>" }`. Throws when unreadable. */
export function loadTrustedDocuments(file: string): TrustedDocuments {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected an object of hash → document`);
  const documents = new Map<string, string>();
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`${file}: the document of ${key.slice(0, 80)} is not a string`);
    documents.set(bareHash(key), value);
  }
  const texts = new Set(documents.values());
  return { byHash: (hash) => documents.get(bareHash(hash)), lists: (text) => texts.has(text) };
}

function bareHash(hash: string): string {
  return hash.replace(/^sha256:/i, '').toLowerCase();
}

/** The sha256 key of a document as the manifest writes it. */
export function documentHash(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function persistedError(code: 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_ONLY'): GraphQLError {
  const message =
    code === 'PERSISTED_QUERY_NOT_FOUND'
      ? 'No trusted document has this id'
      : 'Only trusted documents may run: send `documentId` (or `extensions.persistedQuery.sha256Hash`) of a listed operation';
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/**
 * Trusted-documents mode: end users and anonymous callers run only listed operations, named by
 * `documentId` ("sha256:<hex>", as the codegen client preset's manifest keys them) or by Apollo's
 * `extensions.persistedQuery.sha256Hash`; services (API keys) may still send any document.
 */
export function useTrustedDocuments(documents: TrustedDocuments, principalOf: PrincipalOf): Plugin {
  return usePersistedOperations({
    getPersistedOperation: (key) => documents.byHash(key) ?? null,
    allowArbitraryOperations: async (request) => (await principalOf(request)).kind === 'service',
    extractPersistedOperationId: (params) => {
      if (typeof params !== 'object' || params === null) return null; // a batch element may be any JSON
      const documentId = (params as GraphQLParams & { documentId?: unknown }).documentId;
      if (typeof documentId === 'string') return documentId;
      const persisted: unknown = params.extensions?.['persistedQuery'];
      if (typeof persisted === 'object' && persisted !== null) {
        const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
        if (typeof hash === 'string') return hash;
      }
      return null;
    },
    customErrors: {
      notFound: () => persistedError('PERSISTED_QUERY_NOT_FOUND'),
      keyNotFound: () => persistedError('PERSISTED_QUERY_ONLY'),
      persistedQueryOnly: () => persistedError('PERSISTED_QUERY_ONLY'),
    },
  });
}

/** For graphql-ws, which sends the text: a caller other than a service may run only a listed document. */
export function assertTrusted(documents: TrustedDocuments | undefined, principal: Principal, text: string | undefined): void {
  if (documents === undefined || principal.kind === 'service') return;
  if (text === undefined || !documents.lists(text)) throw persistedError('PERSISTED_QUERY_ONLY');
}

/* ------------------------------------------------------------------------------------------------
 * Yoga's own request errors, in the contract's codes and without echoes.
 * --------------------------------------------------------------------------------------------- */

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
  const rewrite = (newCode: RequestErrorCode, status: number, extra: Record<string, unknown> = {}) =>
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
    return new GraphQLError(boundedMessage(error.message), { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } });
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

export function loadTrustedDocumentsOf(config: Config): TrustedDocuments | undefined {
  return config.trustedDocumentsFile === undefined ? undefined : loadTrustedDocuments(config.trustedDocumentsFile);
}

/** Yoga's own body limit, a backstop behind admitGraphQLBody (which reads the body first). */
export const MAX_BODY_BYTES_FOR_YOGA = MAX_BODY_BYTES;
