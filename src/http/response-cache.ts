import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { getOperationAST, OperationTypeNode, type ExecutionArgs } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { principalKey, type Principal } from '../auth/principal.js';
import type { GatewayContext } from '../schema/context.js';

/** Answers kept at most, counted in bytes of body and key; the oldest go first. */
const MAX_BYTES = 48 * 1024 * 1024;
/** One answer larger than this is not kept: it must not push out everything else. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Headers of the answer that belong to its own exchange, not to the kept answer. */
const OWN_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'x-request-id']);

interface Kept {
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly expires: number;
  readonly bytes: number;
}

export interface ResponseCacheOptions {
  readonly ttlMs: number;
  /** Who the credential is; a credential that does not authenticate is never answered from here. */
  readonly principalOf: (req: IncomingMessage) => Promise<Principal>;
  /** The rate limit's verdict for this request (seconds to wait), so a kept answer is no way around it. */
  readonly refuse?: ((req: IncomingMessage, principal: Principal) => Promise<boolean>) | undefined;
  /** After a mutation ran here: tell the other instances to forget their answers too. */
  readonly onMutation?: (() => void) | undefined;
}

/**
 * Whole answers of queries, as the bytes yoga wrote, per principal and request (document, variables,
 * `Accept`, `Origin`), for a few seconds: a front end asking the same overview again (or many end
 * users refreshing at once) costs neither execution nor serialisation. Only a query that ran with no
 * error and no warning is kept (a stale copy, a refusal, a pending answer with an error is never
 * repeated). Any mutation on this instance and any event any instance publishes (a link, a reconnect,
 * results, an entity re-read or marked stale by a webhook, a mutation on any instance) forget every
 * answer. What is left: an answer may be up to its lifetime older than the store's copy of data
 * that aged past its own lifetime meanwhile (its `fetchedAt` says so).
 */
export class ResponseCache {
  private readonly answers = new Map<string, Kept>();
  private readonly keptFor = new WeakMap<IncomingMessage, boolean>();
  private bytes = 0;
  /** Counts forgetAll calls: an answer whose execution began before one is not kept. */
  private generation = 0;

  constructor(private readonly options: ResponseCacheOptions) {}

  /** The yoga plugin that says which requests may be kept, and forgets everything after a mutation. */
  plugin(): Plugin<GatewayContext> {
    return {
      onExecute: ({ args }) => ({
        onExecuteDone: ({ result }) => {
          const context = args.contextValue as Partial<GatewayContext> & { req?: IncomingMessage };
          const { document, operationName } = args as ExecutionArgs;
          const operation = getOperationAST(document, operationName)?.operation;
          if (operation === OperationTypeNode.MUTATION) {
            this.forgetAll();
            this.options.onMutation?.();
          }
          if (context.req === undefined) return;
          // Every operation of the request (a batch has several) must be a clean query; one that is
          // not (a mutation, an error, a warning) keeps the whole request out for good.
          const clean =
            operation === OperationTypeNode.QUERY && !isAsyncIterable(result) && (result.errors?.length ?? 0) === 0 && (context.warnings?.length ?? 0) === 0;
          this.keptFor.set(context.req, clean && this.keptFor.get(context.req) !== false);
        },
      }),
    };
  }

  /** Answers `req` from a kept answer, or lets `next` answer it and keeps what it wrote when it may. */
  async serve(req: IncomingMessage, res: ServerResponse, next: () => Promise<unknown>): Promise<void> {
    const body = (req as { body?: unknown }).body;
    const accept = req.headers.accept ?? '';
    // Only a single operation: a batch (an array) may hold refusals that never reach execution.
    if (req.method !== 'POST' || !Buffer.isBuffer(body) || firstByte(body) !== 0x7b || accept.includes('text/event-stream') || accept.includes('multipart')) {
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
    const key = `${principalKey(principal)}\n${req.headers.origin ?? ''}\n${accept}\n${body.toString('utf8')}`;
    const kept = this.answers.get(key);
    if (kept !== undefined && kept.expires > Date.now() && (await this.options.refuse?.(req, principal)) !== true) {
      res.writeHead(200, { ...kept.headers, 'content-length': kept.body.length, 'x-response-cache': 'hit' });
      res.end(kept.body);
      return;
    }
    if (kept !== undefined) this.drop(key);
    const generation = this.generation;
    const written = capture(res, () => this.keptFor.get(req) === true);
    const settle = () => {
      // A change during the execution (an event, a mutation elsewhere) may have come after its reads.
      if (this.keptFor.get(req) === true && res.statusCode === 200 && generation === this.generation) this.keep(key, res, written());
    };
    await next();
    if (res.writableEnded) settle();
    else res.once('finish', settle);
  }

  forgetAll(): void {
    this.answers.clear();
    this.bytes = 0;
    this.generation++;
  }

  get size(): number {
    return this.answers.size;
  }

  private keep(key: string, res: ServerResponse, body: Buffer | undefined): void {
    if (body === undefined || body.length > MAX_ANSWER_BYTES) return;
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(res.getHeaders())) if (!OWN_HEADERS.has(name) && value !== undefined) headers[name] = value;
    const bytes = body.length + key.length;
    // Each answer lives between 80% and all of the lifetime, so answers kept together (a warm-up, a
    // burst after an event) do not all expire at once and come back as one burst of executions.
    const lifetime = this.options.ttlMs * (0.8 + Math.random() / 5);
    this.drop(key); // two misses of one key finish one after the other
    this.answers.set(key, { headers, body, expires: Date.now() + lifetime, bytes });
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
