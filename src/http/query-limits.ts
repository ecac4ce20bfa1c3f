import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { createComplexityRule } from '@pothos/plugin-complexity';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema, type ValidationContext } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';
import type { ErrorCode } from '../model/error-codes.js';

/* Depth, aliases, tokens, directives (GraphQL Armor) and cost (Pothos complexity). */

export type QueryLimit = 'depth' | 'aliases' | 'tokens' | 'directives' | 'cost';

export function queryLimitExceeded(limit: QueryLimit, max: number, found?: number): GraphQLError {
  return new GraphQLError(`The query exceeds the ${limit} limit (at most ${max}${found === undefined ? '' : `, found ${found}`})`, {
    extensions: {
      code: 'QUERY_LIMIT_EXCEEDED' satisfies ErrorCode,
      limit,
      max,
      ...(found !== undefined && { found }),
      http: { status: 400 },
    },
  });
}

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
