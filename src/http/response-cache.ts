import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { getOperationAST, OperationTypeNode, type ExecutionArgs } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { principalKey, type Principal } from '../auth/principal.js';
import type { DataScope } from '../data/data-scope.js';
import type { GatewayContext } from '../schema/context.js';
import { negotiatedMediaType } from './media-type.js';

/** Answers kept at most, counted in bytes of body and key; the oldest go first. */
const MAX_BYTES = 48 * 1024 * 1024;
/** One answer larger than this is not kept: it must not push out everything else. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Forgets remembered per customer, for executions still running; past this many they count as one forget of everything. */
const MAX_REMEMBERED_FORGETS = 10_000;
/** The tag of answers that read data no single customer names: any change forgets them. */
const EVERYONE = '*';
/** Headers of the answer that belong to its own exchange, not to the kept answer. */
const OWN_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'x-request-id']);

interface Kept {
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly expires: number;
  readonly bytes: number;
  /** The customers whose data it read (or EVERYONE). */
  readonly tags: readonly string[];
}

/** What one request read, over all its operations, and whether it may be kept. */
interface Execution {
  /** Some operation ran, and none was anything but a clean query. */
  ran: boolean;
  spoiled: boolean;
  readonly customers: Set<string>;
  everyone: boolean;
}

export interface ResponseCacheOptions {
  readonly ttlMs: number;
  /** Who the credential is; a credential that does not authenticate is never answered from here. */
  readonly principalOf: (req: IncomingMessage) => Promise<Principal>;
  /** The rate limit's verdict for this request (seconds to wait), so a kept answer is no way around it. */
  readonly refuse?: ((req: IncomingMessage, principal: Principal) => Promise<boolean>) | undefined;
  /** After a mutation changed stored data here: tell the other instances to forget those customers' answers too. */
  readonly onMutation?: ((changed: DataScope) => void) | undefined;
}

/**
 * Whole answers of queries, as the bytes yoga wrote, per principal and request (document, variables,
 * the media type `Accept` negotiates, `Origin`), for a few seconds: a front end asking the same
 * overview again (or many end users refreshing at once) costs neither execution nor serialisation.
 * Only a query that ran with no error and no warning is kept (a stale copy, a refusal, a pending
 * answer with an error is never repeated).
 *
 * Each answer is kept under the customers whose stored data it read (`GatewayData.read`), and only
 * their changes forget it: a mutation that changed a customer's data on this instance, and any event
 * any instance publishes for that customer (a link, a reconnect, results, an entity re-read or marked
 * stale by a webhook, a mutation elsewhere). An answer that read data no customer names (a lookup that
 * found nothing, the webhook inbox) goes with any change; an event of no customer forgets everything.
 * What is left: an answer may be up to its lifetime older than the store's copy of data that aged past
 * its own lifetime meanwhile (its `fetchedAt` says so).
 */
export class ResponseCache {
  private readonly answers = new Map<string, Kept>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly executions = new WeakMap<IncomingMessage, Execution>();
  private bytes = 0;
  /** Counts forgets: an answer whose execution began before a forget of what it read is not kept. */
  private sequence = 0;
  private readonly forgotten = new Map<string, number>();
  private everythingForgottenAt = 0;
  private anythingForgottenAt = 0;

  constructor(private readonly options: ResponseCacheOptions) {}

  /** The yoga plugin that says which requests may be kept, and what they read; a mutation forgets what it changed. */
  plugin(): Plugin<GatewayContext> {
    return {
      onExecute: ({ args }) => ({
        onExecuteDone: ({ result }) => {
          const context = args.contextValue as Partial<GatewayContext> & { req?: IncomingMessage };
          const { document, operationName } = args as ExecutionArgs;
          const operation = getOperationAST(document, operationName)?.operation;
          const data = context.data;
          if (operation === OperationTypeNode.MUTATION && data !== undefined && !data.changed.empty) {
            this.forget(data.changed);
            this.options.onMutation?.(data.changed);
          }
          if (context.req === undefined) return;
          // Every operation of the request (a batch has several) must be a clean query; one that is
          // not (a mutation, an error, a warning) keeps the whole request out for good.
          const clean =
            operation === OperationTypeNode.QUERY && !isAsyncIterable(result) && (result.errors?.length ?? 0) === 0 && (context.warnings?.length ?? 0) === 0;
          const execution = this.executions.get(context.req);
          if (execution === undefined) return;
          execution.ran = true;
          if (!clean) execution.spoiled = true;
          if (data === undefined) return;
          for (const id of data.read.customers) execution.customers.add(id);
          if (data.read.everyone) execution.everyone = true;
        },
      }),
    };
  }

  /** Answers `req` from a kept answer, or lets `next` answer it and keeps what it wrote when it may. */
  async serve(req: IncomingMessage, res: ServerResponse, next: () => Promise<unknown>): Promise<void> {
    const body = (req as { body?: unknown }).body;
    // Only a single operation: a batch (an array) may hold refusals that never reach execution. And
    // only an answer yoga writes whole (JSON); a stream is never kept.
    const mediaType = negotiatedMediaType(req.headers.accept);
    if (req.method !== 'POST' || !Buffer.isBuffer(body) || firstByte(body) !== 0x7b || mediaType === undefined) {
      await next();
      return;
    }
    let principal: Principal;
    try {
      principal = await this.options.principalOf(req);
    } catch {
      await next(); // yoga answers the refused credential
      return;
    }
    const key = `${principalKey(principal)}\n${req.headers.origin ?? ''}\n${mediaType}\n${body.toString('utf8')}`;
    const kept = this.answers.get(key);
    if (kept !== undefined && kept.expires > Date.now() && (await this.options.refuse?.(req, principal)) !== true) {
      res.writeHead(200, { ...kept.headers, 'content-length': kept.body.length, 'x-response-cache': 'hit' });
      res.end(kept.body);
      return;
    }
    if (kept !== undefined) this.drop(key);
    const began = this.sequence;
    const execution: Execution = { ran: false, spoiled: false, customers: new Set(), everyone: false };
    this.executions.set(req, execution);
    const wanted = () => execution.ran && !execution.spoiled;
    const written = capture(res, wanted);
    const settle = () => {
      // A change during the execution (an event, a mutation elsewhere) may have come after its reads.
      if (wanted() && res.statusCode === 200 && !this.forgottenSince(began, execution)) this.keep(key, res, written(), execution);
    };
    await next();
    if (res.writableEnded) settle();
    else res.once('finish', settle);
  }

  /** Forgets the answers that read the customers' data (and those that read everyone's). */
  forget(scope: DataScope): void {
    if (scope.everyone) {
      this.forgetAll();
      return;
    }
    for (const id of scope.customers) this.forgetCustomer(id);
  }

  forgetCustomer(customerId: string): void {
    this.sequence++;
    this.anythingForgottenAt = this.sequence;
    if (this.forgotten.size >= MAX_REMEMBERED_FORGETS) {
      // Only running executions ask: for them, forgetting everything is the safe side.
      this.forgotten.clear();
      this.everythingForgottenAt = this.sequence;
    }
    this.forgotten.set(customerId, this.sequence);
    this.dropTagged(customerId);
    this.dropTagged(EVERYONE);
  }

  forgetAll(): void {
    this.answers.clear();
    this.byTag.clear();
    this.forgotten.clear();
    this.bytes = 0;
    this.sequence++;
    this.everythingForgottenAt = this.sequence;
    this.anythingForgottenAt = this.sequence;
  }

  get size(): number {
    return this.answers.size;
  }

  private forgottenSince(began: number, execution: Execution): boolean {
    if (this.everythingForgottenAt > began) return true;
    if (execution.everyone) return this.anythingForgottenAt > began;
    for (const id of execution.customers) if ((this.forgotten.get(id) ?? 0) > began) return true;
    return false;
  }

  private dropTagged(tag: string): void {
    const keys = this.byTag.get(tag);
    if (keys === undefined) return;
    for (const key of keys) this.drop(key);
    this.byTag.delete(tag);
  }

  private keep(key: string, res: ServerResponse, body: Buffer | undefined, execution: Execution): void {
    if (body === undefined || body.length > MAX_ANSWER_BYTES) return;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(res.getHeaders())) if (!OWN_HEADERS.has(name) && value !== undefined) headers[name] = value;
    const bytes = body.length + key.length;
    // Each answer lives between 80% and all of the lifetime, so answers kept together (a warm-up, a
    // burst after an event) do not all expire at once and come back as one burst of executions.
    const lifetime = this.options.ttlMs * (0.8 + Math.random() / 5);
    this.drop(key); // two misses of one key finish one after the other
    const tags = execution.everyone ? [EVERYONE] : [...execution.customers];
    this.answers.set(key, { headers, body, expires: Date.now() + lifetime, bytes, tags });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (keys === undefined) {
        keys = new Set();
        this.byTag.set(tag, keys);
      }
      keys.add(key);
    }
    this.bytes += bytes;
    if (this.bytes <= MAX_BYTES) return;
    const now = Date.now();
    for (const [oldKey, kept] of this.answers) if (kept.expires <= now) this.drop(oldKey);
    for (const oldest of this.answers.keys()) {
      if (this.bytes <= MAX_BYTES) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const kept = this.answers.get(key);
    if (kept === undefined) return;
    this.answers.delete(key);
    this.bytes -= kept.bytes;
    for (const tag of kept.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}

function firstByte(body: Buffer): number | undefined {
  for (const byte of body) if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return byte;
  return undefined;
}

/**
 * Records what is written to `res` while `wanted()` says the answer may be kept (decided when the
 * execution ends, before yoga writes); the function gives the whole body once it has ended.
 */
function capture(res: ServerResponse, wanted: () => boolean): () => Buffer | undefined {
  const chunks: Buffer[] = [];
  let size = 0;
  let whole = true;
  const collect = (chunk: unknown, encoding: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    if (!whole || !wanted()) {
      whole = false;
      return;
    }
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : undefined;
    if (buffer === undefined) {
      whole = false;
      return;
    }
    size += buffer.length;
    if (size > MAX_ANSWER_BYTES) whole = false;
    else chunks.push(Buffer.from(buffer)); // a copy: the writer may reuse its buffer
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    collect(chunk, rest[0]);
    return write(chunk, ...rest);
  }) as typeof res.write;
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    collect(chunk, rest[0]);
    return end(chunk, ...rest);
  }) as typeof res.end;
  return () => (whole && res.writableEnded ? Buffer.concat(chunks) : undefined);
}
