import { sql, type Kysely } from 'kysely';
import WebSocket from 'ws';

/** Hostile-input and fuzz helpers: what the store holds, what an answer may not contain, raw graphql-ws exchanges. */

/**
 * Per table of the gateway's schema: row count and md5 of the rows' text, ordered. Every column
 * counts. Works against Postgres and PGlite alike (through the gateway's own Kysely handle).
 */
export async function fingerprint<T>(db: Kysely<T>, exclude: readonly string[] = []): Promise<Record<string, string>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const print: Record<string, string> = {};
  for (const { table_name: table } of tables.rows) {
    if (exclude.includes(table)) continue;
    const { rows } = await sql<{ n: number; h: string }>`
      select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\n' order by t::text), '')) as h
      from ${sql.table(table)} t`.execute(db);
    print[table] = `${rows[0]?.n ?? -1}:${rows[0]?.h ?? ''}`;
  }
  return print;
}

/** Why an answer's text would leak: a stack frame, a source path, or one of the given secrets. `undefined` when clean. */
export function leakIn(text: string, secrets: readonly string[]): string | undefined {
  if (/\n\s*at \S/.test(text) || text.includes('    at ') || /\\n\s+at /.test(text)) return 'a stack trace';
  const path = /(\/src\/|\\src\\|node_modules|file:\/\/|\.[cm]?[tj]s:\d+)/.exec(text);
  if (path !== null) return `a file path (${path[0]})`;
  for (const secret of secrets) {
    if (secret.length >= 8 && text.includes(secret)) return `the secret ${secret.slice(0, 4)}…`;
  }
  return undefined;
}

export type WsOutcome =
  /** The operation failed with an `error` message; the socket answered a ping afterwards. */
  | 'operation error, socket open'
  /** The operation answered `next` (with errors) then `complete`; the socket answered a ping afterwards. */
  | 'errors then complete, socket open'
  | `closed ${number}`
  | 'no answer';

export interface WsAnswer {
  readonly outcome: WsOutcome;
  /** The GraphQL errors of the operation (from `error` or `next`). */
  readonly errors: { message: string; extensions?: Record<string, unknown> }[];
  /** Every frame the server sent, raw. */
  readonly text: string;
}

/**
 * One graphql-transport-ws exchange by hand: connection_init (with `connectionParams` as its payload,
 * or none at all), then either the `subscribe` of `query` or a raw frame, then a ping to see the
 * socket still stands. Resolves with what the server did.
 */
export function wsExchange(
  baseUrl: string,
  options: { connectionParams?: Record<string, unknown>; query?: string; variables?: Record<string, unknown>; rawFrame?: string; timeoutMs?: number },
): Promise<WsAnswer> {
  const frames: string[] = [];
  const errors: WsAnswer['errors'] = [];
  return new Promise((resolve) => {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    let settled = false;
    let operationEnded: 'error' | 'complete' | undefined;
    const finish = (outcome: WsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate();
      resolve({ outcome, errors, text: frames.join('\n') });
    };
    const timer = setTimeout(() => finish('no answer'), options.timeoutMs ?? 5_000);
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', ...(options.connectionParams !== undefined && { payload: options.connectionParams }) }));
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      frames.push(text);
      const message = JSON.parse(text) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_ack') {
        if (options.rawFrame !== undefined) socket.send(options.rawFrame);
        else socket.send(JSON.stringify({ id: 'op', type: 'subscribe', payload: { query: options.query ?? '', variables: options.variables ?? {} } }));
      } else if (message.type === 'error' && message.id === 'op') {
        errors.push(...(message.payload as WsAnswer['errors']));
        operationEnded = 'error';
        socket.send(JSON.stringify({ type: 'ping' }));
      } else if (message.type === 'next' && message.id === 'op') {
        const payload = message.payload as { errors?: WsAnswer['errors'] };
        errors.push(...(payload.errors ?? []));
      } else if (message.type === 'complete' && message.id === 'op') {
        operationEnded = 'complete';
        socket.send(JSON.stringify({ type: 'ping' }));
      } else if (message.type === 'pong' && operationEnded !== undefined) {
        finish(operationEnded === 'error' ? 'operation error, socket open' : 'errors then complete, socket open');
      }
    });
    socket.on('close', (code: number) => finish(`closed ${code}`));
    socket.on('error', () => finish('closed 1006'));
  });
}
