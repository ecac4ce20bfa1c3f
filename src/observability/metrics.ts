import { performance } from 'node:perf_hooks';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheReadObserver, CacheReadResult } from '../data/read-through.js';
import type { InFlight } from '../data/in-flight.js';
import type { Database } from '../db/database.js';
import type { InboxStatus } from '../db/tables.js';
import type { SubscriberObserver } from '../events/bus.js';
import type { LeanCallObserver } from '../lean/transport.js';
import { webhookCounts } from '../store/webhook-inbox-store.js';
import type { WebhookObserver } from '../webhooks/processor.js';

/** How a GraphQL operation ended: answered without errors, answered with errors, or not executed at all. */
export type OperationOutcome = 'ok' | 'error' | 'refused';

/** Distinct client-chosen operation names kept as labels per instance; later ones count as `other`. */
const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_ERROR_CODES = 100;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_WEBHOOK_TYPES = 50;
const WEBHOOK_TYPE = /^[a-z][a-z0-9._]{0,63}$/;
const INBOX_STATUSES: readonly InboxStatus[] = ['RECEIVED', 'APPLIED', 'IGNORED', 'INVALID', 'FAILED'];

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600];

/**
 * Label values that come from outside (operation names, error codes, webhook types): a value of the
 * expected shape is kept until `max` distinct ones are known; anything else is `other`.
 */
class BoundedLabel {
  private readonly known = new Set<string>();
  constructor(
    private readonly shape: RegExp,
    private readonly max: number,
  ) {}

  /** The value if it is already a label, else `other`; registers nothing. */
  peek(value: string): string {
    return this.known.has(value) ? value : 'other';
  }

  of(value: string): string {
    if (this.known.has(value)) return value;
    if (this.known.size >= this.max || !this.shape.test(value)) return 'other';
    this.known.add(value);
    return value;
  }
}

/** Children of a labelled metric, bound once per label values so the hot path allocates no label objects. */
function childrenOf<C>(bind: (...values: string[]) => C): (...values: string[]) => C {
  const children = new Map<string, C>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = bind(...values);
      children.set(key, child);
    }
    return child;
  };
}

interface OperationRecord {
  readonly startedAt: number;
  name: string;
  /** The client's `operationName`, as sent (any JSON). */
  readonly requested: unknown;
  /** Set once execution finished (its result not yet final on HTTP, where yoga hooks see the rest). */
  executed: boolean;
  recorded: boolean;
  /** Yoga's HTTP hooks record it; over graphql-ws, execution's own end does. */
  readonly http: boolean;
}

/**
 * Prometheus metrics of one gateway: a registry of its own (two gateways in one process count
 * apart) with Node's default process metrics, and the hooks the layers call into. Counting is
 * in memory; the inbox depth and pool usage are read when scraped.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly leanCalls: LeanCallObserver;
  readonly cacheReads: CacheReadObserver;
  readonly subscribers: SubscriberObserver;
  readonly webhooks: WebhookObserver;
  private readonly operation: (name: string, outcome: string) => { count: { inc(): void }; duration: { observe(value: number): void } };
  private readonly errorsByCode: (code: string) => { inc(): void };
  private readonly operationNames = new BoundedLabel(OPERATION_NAME, MAX_OPERATION_NAMES);
  private readonly errorCodes = new BoundedLabel(ERROR_CODE, MAX_ERROR_CODES);
  private readonly webhookTypes = new BoundedLabel(WEBHOOK_TYPE, MAX_WEBHOOK_TYPES);
  private readonly operations = new WeakMap<object, OperationRecord>();
  private inFlight: InFlight | undefined;
  private database: Database | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const operations = new Counter({
      name: 'gateway_graphql_operations_total',
      help: 'GraphQL operations by operation name and outcome (ok, error: answered with errors, refused: not executed).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    const operationSeconds = new Histogram({
      name: 'gateway_graphql_operation_duration_seconds',
      help: 'Time from receiving a GraphQL operation to its result (a subscription: until it is set up).',
      labelNames: ['operation', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.operation = childrenOf((name = '', outcome = '') => ({
      count: operations.labels(name, outcome),
      duration: operationSeconds.labels(name, outcome),
    }));
    const errors = new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'Errors in GraphQL results by extensions.code (refused requests included).',
      labelNames: ['code'],
      registers,
    });
    this.errorsByCode = childrenOf((code = '') => errors.labels(code));

    const leanCalls = new Counter({
      name: 'gateway_lean_calls_total',
      help: 'Lean HTTP attempts by endpoint template and outcome; circuit_open and rate_limit_pause are calls refused without sending.',
      labelNames: ['endpoint', 'outcome'],
      registers,
    });
    const leanSeconds = new Histogram({
      name: 'gateway_lean_call_duration_seconds',
      help: 'Duration of Lean HTTP attempts (sent ones) by endpoint template and outcome.',
      labelNames: ['endpoint', 'outcome'],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    const leanCall = childrenOf((endpoint = '', outcome = '') => ({ count: leanCalls.labels(endpoint, outcome), duration: leanSeconds.labels(endpoint, outcome) }));
    this.leanCalls = {
      attempted: (endpoint, outcome, seconds) => {
        const child = leanCall(endpoint, outcome);
        child.count.inc();
        child.duration.observe(seconds);
      },
      refused: (endpoint, reason) => leanCall(endpoint, reason).count.inc(),
    };

    const cacheReads = new Counter({
      name: 'gateway_cache_reads_total',
      help: 'Reads of Lean data through the store by kind: hit (fresh copy), miss (Lean asked), stale (a stale copy served because Lean failed; also a miss).',
      labelNames: ['kind', 'result'],
      registers,
    });
    const cacheRead = childrenOf((kind = '', result = '') => cacheReads.labels(kind, result));
    this.cacheReads = (kind: string, result: CacheReadResult) => cacheRead(kind, result).inc();

    const subscribers = new Gauge({ name: 'gateway_subscribers', help: 'Live subscribers by topic.', labelNames: ['topic'], registers });
    const subscribersOf = childrenOf((topic = '') => subscribers.labels(topic));
    this.subscribers = { subscribed: (topic) => subscribersOf(topic).inc(), unsubscribed: (topic) => subscribersOf(topic).dec() };

    const lag = new Histogram({
      name: 'gateway_webhook_processing_lag_seconds',
      help: 'Time from receiving a webhook to applying it, by type and status (APPLIED or IGNORED).',
      labelNames: ['type', 'status'],
      buckets: LAG_BUCKETS,
      registers,
    });
    const lagOf = childrenOf((type = '', status = '') => lag.labels(type, status));
    const failures = new Counter({
      name: 'gateway_webhook_failures_total',
      help: 'Webhook attempts that did not apply, by type and outcome: retry (tried again later), failed (gave up, kept for replay), deferred (Lean or the database unavailable), claim_lost.',
      labelNames: ['type', 'outcome'],
      registers,
    });
    const failuresOf = childrenOf((type = '', outcome = '') => failures.labels(type, outcome));
    const typeOf = (type: string | null) => (type === null ? 'none' : this.webhookTypes.of(type));
    this.webhooks = {
      applied: (type, status, receivedAt) => lagOf(typeOf(type), status).observe(Math.max(0, (Date.now() - receivedAt.getTime()) / 1_000)),
      failed: (type, outcome) => failuresOf(typeOf(type), outcome).inc(),
    };

    const database = () => this.database;
    const inFlight = () => this.inFlight;
    new Gauge({
      name: 'gateway_webhook_inbox',
      help: 'Webhook inbox rows by status (read when scraped).',
      labelNames: ['status'],
      registers,
      async collect() {
        const db = database()?.db;
        if (db === undefined) return;
        const counts = await webhookCounts(db);
        for (const status of INBOX_STATUSES) this.labels(status).set(counts[status] ?? 0);
      },
    });
    new Gauge({
      name: 'gateway_lean_inflight_calls',
      help: 'Deduplicated Lean reads in flight now (each shared by every request asking for the same key).',
      registers,
      collect() {
        this.set(inFlight()?.size ?? 0);
      },
    });
    new Counter({
      name: 'gateway_lean_inflight_joins_total',
      help: 'Reads that joined a Lean call already in flight instead of making their own.',
      registers,
      collect() {
        this.reset();
        this.inc(inFlight()?.joins ?? 0);
      },
    });
  }

  /** The process-wide in-flight table whose size and joins are reported. */
  watchInFlight(inFlight: InFlight): void {
    this.inFlight = inFlight;
  }

  /** The database whose inbox depth and pool usage are read at each scrape (pool series only with a Postgres server). */
  watchDatabase(database: Database): void {
    this.database = database;
    const poolStats = database.poolStats?.bind(database);
    if (poolStats === undefined) return;
    const pool = (name: string, help: string, read: (stats: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read(poolStats()));
        },
      });
    pool('gateway_db_pool_clients', 'Connections the Postgres pool holds (in use and idle).', (stats) => stats.total);
    pool('gateway_db_pool_idle_clients', 'Idle connections of the Postgres pool.', (stats) => stats.idle);
    pool('gateway_db_pool_waiting_requests', 'Queries waiting for a connection of the Postgres pool.', (stats) => stats.waiting);
  }

  /** The exposition text and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /**
   * Counts every operation once, HTTP and graphql-ws, with its latency and the codes of its errors.
   * Must come first among the plugins: its onParams sees operations that later ones refuse (rate
   * limit, trusted documents), and onResultProcess then records them as refused.
   */
  plugin(): Plugin {
    // A name becomes a label only once its operation executes (authenticated, within the limits), so
    // refused requests cannot use up the label slots; before that, only known names are used.
    const begin = (context: object, name: unknown, http: boolean): OperationRecord => {
      const record: OperationRecord = { startedAt: performance.now(), name: this.nameOf(name, false), requested: name, executed: false, recorded: false, http };
      this.operations.set(context, record);
      return record;
    };
    const executing = (context: unknown, args: { document: Parameters<typeof getOperationAST>[0]; operationName?: string | null | undefined }) => {
      if (typeof context !== 'object' || context === null) return undefined;
      const record = this.operations.get(context) ?? begin(context, undefined, false);
      // The client's operationName, or the document's own name when it sent none.
      const requested = record.requested;
      const named = requested !== undefined && requested !== null && requested !== '';
      record.name = this.nameOf(named ? requested : getOperationAST(args.document, args.operationName)?.name?.value, true);
      return record;
    };
    const executed = (record: OperationRecord | undefined, result: unknown) => {
      if (record === undefined) return;
      record.executed = true;
      if (!record.http) this.finish(record, result);
    };
    return {
      onParams: ({ params, context }) => {
        // A batch element may be any JSON (null, a number): only an object has an operationName.
        const requested: unknown = typeof params === 'object' && params !== null ? (params as { operationName?: unknown }).operationName : undefined;
        begin(context, requested, true);
      },
      // A document refused by validation still has its name.
      onValidate: ({ context, params }) => {
        const record = this.operations.get(context);
        if (record?.name === 'anonymous') record.name = this.nameOf(getOperationAST(params.documentAST as DocumentNode)?.name?.value, false);
      },
      onExecute: ({ args }) => {
        const record = executing(args.contextValue, args);
        return { onExecuteDone: ({ result }) => executed(record, result) };
      },
      onSubscribe: ({ args }) => {
        const record = executing(args.contextValue, args);
        return { onSubscribeResult: ({ result }) => executed(record, result), onSubscribeError: ({ error }) => executed(record, { errors: [error] }) };
      },
      // HTTP: the final result of each operation (warnings added, errors masked), parse and validation failures included.
      onExecutionResult: ({ result, context }) => {
        const record = this.operations.get(context);
        if (record !== undefined) this.finish(record, result);
      },
      // HTTP: an operation refused before it was parsed (rate limit, trusted documents) reaches only this hook.
      onResultProcess: ({ result, serverContext }) => {
        const record = this.operations.get(serverContext);
        if (record !== undefined && !record.recorded && !Array.isArray(result)) this.finish(record, result);
      },
    };
  }

  /** `operationName` comes from the client as any JSON (an array, a number): only a string can be a name. */
  private nameOf(name: unknown, register: boolean): string {
    if (name === null || name === undefined || name === '') return 'anonymous';
    if (typeof name !== 'string') return 'other';
    return register ? this.operationNames.of(name) : this.operationNames.peek(name);
  }

  private finish(record: OperationRecord, result: unknown): void {
    if (record.recorded) return;
    record.recorded = true;
    const errors = isAsyncIterable(result) ? undefined : (result as ExecutionResult | undefined)?.errors;
    for (const error of errors ?? []) this.errorsByCode(this.codeOf(error)).inc();
    const outcome: OperationOutcome = !record.executed ? 'refused' : errors === undefined || errors.length === 0 ? 'ok' : 'error';
    const child = this.operation(record.name, outcome);
    child.count.inc();
    child.duration.observe((performance.now() - record.startedAt) / 1_000);
  }

  private codeOf(error: GraphQLError | { extensions?: unknown }): string {
    const code = (error.extensions as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? this.errorCodes.of(code) : 'NONE';
  }
}

interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}
