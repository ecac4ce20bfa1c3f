import type { ServerResponse } from 'node:http';

/** The gateway's one way of answering JSON outside GraphQL: health, readiness, refusals, webhooks, metrics, dev routes. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}
