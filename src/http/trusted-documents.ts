import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Principal } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { ErrorCode } from '../model/error-codes.js';
import type { PrincipalOf } from './principals-by-request.js';

/* Trusted documents: the manifest, the yoga plugin (HTTP) and the check graphql-ws runs. */

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

function persistedError(code: Extract<ErrorCode, 'PERSISTED_QUERY_NOT_FOUND' | 'PERSISTED_QUERY_ONLY'>): GraphQLError {
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


export function loadTrustedDocumentsOf(config: Config): TrustedDocuments | undefined {
  return config.trustedDocumentsFile === undefined ? undefined : loadTrustedDocuments(config.trustedDocumentsFile);
}

