import { context, diag, DiagLogLevel, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import { isExposedField, isRootField } from '@pothos/plugin-tracing';
import type { PothosOutputFieldConfig, SchemaTypes } from '@pothos/core';
import { getOperationAST, type ExecutionArgs, type ExecutionResult, type GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { LogEvent } from 'kysely';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

/**
 * OpenTelemetry spans, exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set: one root span
 * per GraphQL operation, resolver spans (Pothos), DataLoader batches, SQL statements and Lean calls.
 * Nothing a client sent is recorded (no variables, arguments or document), nor what Lean answered.
 *
 * Off (no endpoint) costs nothing: no provider is registered, `on` is false, the hooks below
 * return before creating anything, and the schema is built without wrapping a single resolver.
 */

/** Read by the hooks in hot paths; set by `startTracing`, before the schema is built. */
let on = false;

export function tracingEnabled(): boolean {
  return on;
}

const TRACER_NAME = 'lean-graphql-gateway';
const noopTracer = new ProxyTracerProvider().getTracer(TRACER_NAME);
let current: Tracer = noopTracer;

/**
 * The gateway's tracer, handed to the Pothos plugin when the schema module loads: it forwards to the
 * provider `startTracing` creates (a no-op tracer otherwise), not to whatever is globally registered.
 */
export const tracer: Tracer = {
  startSpan: (name, options, parent) => current.startSpan(name, options, parent),
  startActiveSpan: (...args: unknown[]) => (current.startActiveSpan as (...a: unknown[]) => unknown).apply(current, args),
};

export interface Tracing {
  /** Exports the spans still buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

const EXPORT_TIMEOUT_MS = 3_000;

/** Registers an OTLP/HTTP exporting provider when an endpoint is configured; otherwise does nothing. */
export function startTracing(settings: Config['tracing'], log: Logger): Tracing {
  if (settings.endpoint === undefined) return { shutdown: () => Promise.resolve() };
  // The exporter reports failed exports (collector down) through diag: a warning line, never a crash.
  const tracingLog = log.child({ component: 'tracing' });
  diag.setLogger(
    {
      error: (message) => tracingLog.warn(message),
      warn: (message) => tracingLog.warn(message),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    DiagLogLevel.WARN,
  );
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName })),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces`, timeoutMillis: EXPORT_TIMEOUT_MS }), {
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      }),
    ],
  });
  // AsyncLocalStorage context manager: a span started inside another's callback is its child.
  // No propagator: spans are not continued from, or sent to, anyone else.
  provider.register({ propagator: null });
  current = provider.getTracer(TRACER_NAME);
  on = true;
  log.info({ endpoint: `${settings.endpoint}/v1/traces`, serviceName: settings.serviceName }, 'tracing: spans exported over OTLP/HTTP');
  let stopping: Promise<void> | undefined;
  return {
    shutdown: () =>
      (stopping ??= provider
        .shutdown()
        .catch((error: unknown) => tracingLog.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, 'tracing: last spans not exported'))
        .finally(() => {
          on = false;
          current = noopTracer;
          trace.disable();
          context.disable();
          diag.disable();
        })),
  };
}

/**
 * Which resolvers get a span (Pothos tracing plugin's `default`, decided once per field while the
 * schema is built): none while tracing is off; otherwise root fields and fields with a resolver of
 * their own, which may load data. Exposed properties, scalars read off a row and the relay plumbing
 * (edges, nodes, cursors, page info) would only add spans by the hundred.
 */
export function tracesResolver<Types extends SchemaTypes>(field: PothosOutputFieldConfig<Types>): boolean {
  if (!on) return false;
  if (isRootField(field)) return true;
  if (isExposedField(field) || /(Connection|Edge|PageInfo)$/.test(field.parentType)) return false;
  return field.type.kind === 'Object' || field.type.kind === 'Interface' || field.type.kind === 'Union' || field.type.kind === 'List';
}

/** Yoga plugins for the operation spans; none while tracing is off. */
export function operationTracingPlugins(): Plugin[] {
  return on ? [useOperationSpans()] : [];
}

/**
 * The root span of each operation: `query Name`, its type and name (never its variables or document)
 * and its outcome. Execution runs inside it, so resolver, SQL and Lean spans become its children.
 */
function useOperationSpans(): Plugin {
  const start = ({ document, operationName }: Pick<ExecutionArgs, 'document' | 'operationName'>): Span => {
    const operation = getOperationAST(document, operationName);
    const type = operation?.operation ?? 'unknown';
    const name = operation?.name?.value;
    return tracer.startSpan(name === undefined ? type : `${type} ${name}`, {
      kind: SpanKind.SERVER,
      attributes: { 'graphql.operation.type': type, ...(name !== undefined && { 'graphql.operation.name': name }) },
    });
  };
  /** Runs `run` with `span` as the active span, so what it starts becomes the span's children. */
  const inside = <A>(span: Span, run: (args: A) => unknown) => {
    const active = trace.setSpan(context.active(), span);
    return (args: A): unknown => context.with(active, () => run(args));
  };
  return {
    onExecute: ({ args, executeFn, setExecuteFn }) => {
      const span = start(args);
      setExecuteFn(inside(span, executeFn));
      return {
        onExecuteDone: ({ result }) => {
          if (!isAsyncIterable(result)) return endOperation(span, result);
          // @defer / @stream: the operation ends with its last payload.
          const errors: GraphQLError[] = [];
          return {
            onNext: ({ result: next }) => void errors.push(...((next as ExecutionResult).errors ?? [])),
            onEnd: () => endOperation(span, { errors }),
          };
        },
      };
    },
    onSubscribe: ({ args, subscribeFn, setSubscribeFn }) => {
      // A subscription's span covers setting up its source stream; events arrive outside any operation.
      const span = start(args);
      setSubscribeFn(inside(span, subscribeFn));
      return {
        onSubscribeResult: ({ result }) => endOperation(span, isAsyncIterable(result) ? {} : result),
        onSubscribeError: () => endOperation(span, { errors: [] }, 'error'),
      };
    },
  };
}

/** `ok`, `partial` (data with errors) or `error`, and the errors' codes (never their messages). */
function endOperation(span: Span, result: Pick<ExecutionResult, 'errors' | 'data'>, forced?: 'error'): void {
  const errors = result.errors ?? [];
  const outcome = forced ?? (errors.length === 0 ? 'ok' : result.data === undefined || result.data === null ? 'error' : 'partial');
  const codes = [...new Set(errors.map(errorCode))].sort();
  span.setAttribute('graphql.outcome', outcome);
  if (codes.length > 0) span.setAttribute('graphql.error.codes', codes);
  if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

function errorCode(error: GraphQLError): string {
  const code = error.extensions?.['code'];
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * Runs a DataLoader batch function inside a span (`dataloader.batch`, its kind and size), so the SQL
 * and Lean calls of the batch nest under it. Returns `load` itself while tracing is off.
 */
export function tracedBatch<K, V>(kind: string, load: (keys: readonly K[]) => Promise<V>): (keys: readonly K[]) => Promise<V> {
  if (!on) return load;
  return (keys) => {
    const span = tracer.startSpan('dataloader.batch', { attributes: { 'dataloader.kind': kind, 'dataloader.batch_size': keys.length } });
    return context.with(trace.setSpan(context.active(), span), () => load(keys)).finally(() => span.end());
  };
}

const OPERATION = /^\s*(\w+)/;
const TABLE = /\b(?:from|into|update)\s+"([^"]+)"/i;

/**
 * Kysely's `log` hook while tracing is on: one span per SQL statement, with its parameterised text
 * (values travel apart from it, as $1, $2 …, and are never recorded). Kysely calls it where the
 * statement was awaited, so the span's parent is the resolver or batch that ran it. Statements with
 * no operation around them (the webhook processor's polling, migrations) are not traced.
 */
export function sqlStatementSpans(): { log: (event: LogEvent) => void } | Record<string, never> {
  if (!on) return {};
  return {
    log: (event) => {
      if (trace.getSpan(context.active()) === undefined) return;
      const text = event.query.sql;
      const operation = (OPERATION.exec(text)?.[1] ?? 'sql').toLowerCase();
      const table = TABLE.exec(text)?.[1];
      const attributes: Attributes = {
        [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
        'db.system': DB_SYSTEM_NAME_VALUE_POSTGRESQL,
        [ATTR_DB_OPERATION_NAME]: operation,
        [ATTR_DB_QUERY_TEXT]: text,
        ...(table !== undefined && { [ATTR_DB_COLLECTION_NAME]: table }),
      };
      const span = tracer.startSpan(`${operation.toUpperCase()}${table === undefined ? '' : ` ${table}`}`, {
        kind: SpanKind.CLIENT,
        attributes,
        startTime: performance.now() - event.queryDurationMillis, // a performance.now() time: the SDK maps it onto its clock
      });
      if (event.level === 'error') {
        const code = (event.error as { code?: unknown } | undefined)?.code;
        span.setAttribute(ATTR_ERROR_TYPE, typeof code === 'string' ? code : 'error');
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}

/**
 * A span for one HTTP attempt to Lean, recorded when it ended (`startedAt` from `performance.now()`):
 * the endpoint's template (no ids), method, attempt, correlation id, status and outcome. Never the
 * URL's ids, the app token, or a body. Does nothing while tracing is off.
 */
export function recordLeanAttempt(
  call: { readonly method: string; readonly endpoint: string },
  correlationId: string,
  attempt: number,
  outcome: string,
  httpStatus: number | undefined,
  startedAt: number,
): void {
  if (!on) return;
  const failed = outcome === 'network_error' || outcome === 'timeout' || (httpStatus ?? 0) >= 400;
  const span = tracer.startSpan(`lean ${call.endpoint}`, {
    kind: SpanKind.CLIENT,
    startTime: startedAt,
    attributes: {
      [ATTR_HTTP_REQUEST_METHOD]: call.method,
      'lean.endpoint': call.endpoint,
      'lean.correlation_id': correlationId,
      'lean.attempt': attempt,
      'lean.outcome': outcome,
      ...(httpStatus !== undefined && { [ATTR_HTTP_RESPONSE_STATUS_CODE]: httpStatus }),
      ...(failed && { [ATTR_ERROR_TYPE]: httpStatus === undefined ? outcome : String(httpStatus) }),
    },
  });
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}
