import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { JwtConfig } from '../config.js';
import { PERSONAL_DATA_SCOPE } from './scopes.js';

const ISSUER = 'lean-gateway-dev-sign-in';
const AUDIENCE = 'lean-gateway';
const LIFETIME_SECONDS = 60 * 60;
const CONTROL_CHARACTERS = /\p{Cc}/u;
const MAX_APP_USER_ID = 200;

/** A development end-user token and when it expires. */
export interface DevToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/**
 * Development sign-in: end-user JWTs (HS256, an hour) signed with a secret made at start and kept
 * only in memory (never logged), verified by the real end-user path through `jwt`. Only for a
 * gateway outside production that has no JWT settings of its own.
 */
export class DevSignIn {
  private readonly secret = randomBytes(32);
  /** What the end-user verifier is configured with in this mode. */
  readonly jwt: JwtConfig = { kind: 'secret', secret: new Uint8Array(this.secret), issuer: ISSUER, audience: AUDIENCE };

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** A token whose `sub` is the app user id, with the personal-data scope (the developer is that user). */
  async issue(appUserId: string): Promise<DevToken> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    const expiresAt = new Date((issuedAt + LIFETIME_SECONDS) * 1000);
    const token = await new SignJWT({ scope: PERSONAL_DATA_SCOPE })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(appUserId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + LIFETIME_SECONDS)
      .sign(this.secret);
    return { token, expiresAt };
  }
}

/** Why an app user id cannot be signed in, or undefined when it can. */
export function appUserIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'appUserId must be a string';
  if (value.length < 1 || value.length > MAX_APP_USER_ID) return `appUserId must be 1 to ${MAX_APP_USER_ID} characters`;
  if (CONTROL_CHARACTERS.test(value)) return 'appUserId must not contain control characters';
  return undefined;
}
