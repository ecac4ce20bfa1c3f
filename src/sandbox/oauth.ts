// Lean's v2 OAuth2 server: client credentials in, a bearer token with scope `api` or `customer.<id>` out.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { invalidParameters, leanError, unknownCustomer, UUID, type SandboxAnswer } from './records.js';

/** The emulator's client credentials when none are configured (`npm run sandbox` without LEAN_CLIENT_ID / LEAN_CLIENT_SECRET). */
export const DEFAULT_SANDBOX_CLIENT_ID = 'sandbox-client-id';
export const DEFAULT_SANDBOX_CLIENT_SECRET = 'sandbox-client-secret';
/** Lean's tokens last an hour (`expires_in: 3599`). */
export const DEFAULT_TOKEN_TTL_MS = 3_600_000;

/** Tokens kept at most; beyond, the oldest are forgotten (a long-running emulator stays bounded). */
const MAX_TOKENS = 10_000;

/** What a bearer token allows: `api` reads data; `customer` (for the Link SDK) carries no `data.read`. */
export type Grant = { readonly scope: 'api' } | { readonly scope: 'customer'; readonly customerId: string };

export type BearerCheck = { readonly kind: 'valid'; readonly grant: Grant } | { readonly kind: 'invalid' };

export interface TokenIssuerOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly ttlMs: number;
  readonly now: () => number;
  readonly customerExists: (customerId: string) => boolean;
}

const tokenForm = z.object({
  grant_type: z.literal('client_credentials'),
  scope: z.union([z.literal('api'), z.string().regex(/^customer\.[^.]+$/)]),
});

/** `POST /oauth2/token` and the check of `Authorization: Bearer …` on every v2 call. */
export class TokenIssuer {
  private readonly tokens = new Map<string, { grant: Grant; expiresAt: number }>();
  private readonly clientId: Buffer;
  private readonly clientSecret: Buffer;

  constructor(private readonly options: TokenIssuerOptions) {
    this.clientId = digest(options.clientId);
    this.clientSecret = digest(options.clientSecret);
  }

  /**
   * Client credentials from the form (as Lean's collections send them) or HTTP Basic (RFC 6749 §2.3.1).
   * Wrong credentials: 401 INVALID_CLIENT; a grant type other than client_credentials or a scope other
   * than `api` / `customer.<customer_id>`: 400 INVALID_PARAMETERS; a customer this Lean does not know: 404.
   */
  grant(form: URLSearchParams, authorization: string | undefined): SandboxAnswer {
    const basic = basicCredentials(authorization);
    const clientId = form.get('client_id') ?? basic?.clientId;
    const clientSecret = form.get('client_secret') ?? basic?.clientSecret;
    const idMatches = clientId !== undefined && timingSafeEqual(digest(clientId), this.clientId);
    const secretMatches = clientSecret !== undefined && timingSafeEqual(digest(clientSecret), this.clientSecret);
    if (!idMatches || !secretMatches) return leanError(401, 'INVALID_CLIENT', 'The client_id or client_secret provided is not valid.');
    const parsed = tokenForm.safeParse({ grant_type: form.get('grant_type') ?? undefined, scope: form.get('scope') ?? undefined });
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'grant_type');
      return invalidParameters(field, form.get(field) ?? undefined);
    }
    let grant: Grant = { scope: 'api' };
    if (parsed.data.scope !== 'api') {
      const customerId = parsed.data.scope.slice('customer.'.length);
      if (!UUID.test(customerId)) return invalidParameters('scope', parsed.data.scope);
      if (!this.options.customerExists(customerId)) return unknownCustomer();
      grant = { scope: 'customer', customerId };
    }
    const now = this.options.now();
    this.forgetExpired(now);
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { grant, expiresAt: now + this.options.ttlMs });
    return {
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: {
        access_token: token,
        scope: parsed.data.scope,
        token_type: 'Bearer',
        // Lean answers 3599 for its hour: the lifetime in whole seconds, less one.
        expires_in: Math.max(0, Math.ceil(this.options.ttlMs / 1000) - 1),
      },
    };
  }

  /** A token this server issued that has not expired; anything else is invalid. */
  check(authorization: string | undefined): BearerCheck {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    const issued = match?.[1] === undefined ? undefined : this.tokens.get(match[1]);
    if (issued === undefined || issued.expiresAt <= this.options.now()) return { kind: 'invalid' };
    return { kind: 'valid', grant: issued.grant };
  }

  private forgetExpired(now: number): void {
    for (const [token, issued] of this.tokens) {
      // Issued in order and all with one lifetime, so the first live token ends the sweep.
      if (issued.expiresAt <= now || this.tokens.size >= MAX_TOKENS) this.tokens.delete(token);
      else break;
    }
  }
}

/** Fixed-length digests, so credentials of any length compare in constant time. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function basicCredentials(authorization: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
