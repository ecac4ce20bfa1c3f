// A route of the emulated API: its template (for stats), who may call it, and how its body is read.
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxAnswer } from './records.js';

export interface LeanRequest {
  /** The path's captures, percent-decoded. */
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  /** JSON routes: the parsed body (undefined when empty); form routes: the parsed form. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
}

export type Handler = (request: LeanRequest) => SandboxAnswer | Promise<SandboxAnswer>;

/**
 * `appToken`: v1's `lean-app-token`; `apiToken`: v2's `Authorization: Bearer` with scope `api`;
 * `appOrApiToken`: either (the `/customers/v1` paths both generations use); `none`: the control
 * API and the token endpoint, which checks the client's credentials itself.
 */
export type RouteAuth = 'appToken' | 'apiToken' | 'appOrApiToken' | 'none';

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** The route template, e.g. `POST /v1/transactions`, for stats. */
  readonly endpoint: string;
  readonly auth: RouteAuth;
  readonly body: 'json' | 'form';
  readonly handler: Handler;
}

export function route(method: string, pattern: RegExp, endpoint: string, auth: RouteAuth, handler: Handler, body: Route['body'] = 'json'): Route {
  return { method, pattern, endpoint, auth, body, handler };
}
