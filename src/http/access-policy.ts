import {
  getOperationAST,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type ExecutionArgs, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { introspectionDisabled, unauthenticated } from '../auth/errors.js';
import type { Principal } from '../auth/principal.js';
import type { GatewayContext } from '../schema/context.js';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);
const OPEN_FIELDS = new Set(['__typename', ...INTROSPECTION_FIELDS]);

/**
 * Refuses, before anything executes, an operation its principal may not run:
 * - anonymous callers may run only `__typename` and introspection queries, and only while
 *   introspection is on (frontend tooling and protocol audits need them);
 * - with introspection off, only services may introspect.
 */
export function useAccessPolicy(options: { introspection: boolean }): Plugin<GatewayContext> {
  const enforce = accessPolicy(options);
  const enforceOn = (args: ExecutionArgs & { contextValue: GatewayContext }) =>
    enforce(args.document, args.operationName, args.contextValue.principal);
  return {
    onExecute: ({ args }) => enforceOn(args),
    onSubscribe: ({ args }) => enforceOn(args),
  };
}

/** The policy itself: throws the typed error (UNAUTHENTICATED, INTROSPECTION_DISABLED) of an operation its principal may not run. */
export function accessPolicy(options: { introspection: boolean }) {
  return (document: DocumentNode, operationName: string | null | undefined, principal: Principal): void => {
    const operation = getOperationAST(document, operationName);
    if (operation === null || operation === undefined) return; // validation has already answered
    const fields = rootFieldNames(operation.selectionSet, document);
    if (principal.kind === 'anonymous') {
      const open = options.introspection && operation.operation === OperationTypeNode.QUERY && [...fields].every((f) => OPEN_FIELDS.has(f));
      if (!open) throw unauthenticated('send `Authorization: Bearer <API key or JWT>`');
      return;
    }
    if (!options.introspection && principal.kind !== 'service' && [...fields].some((f) => INTROSPECTION_FIELDS.has(f))) {
      throw introspectionDisabled();
    }
  };
}

/** The root field names an operation selects, through inline fragments and fragment spreads. */
function rootFieldNames(selectionSet: SelectionSetNode, document: DocumentNode): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) names.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) visit(fragment.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return names;
}
