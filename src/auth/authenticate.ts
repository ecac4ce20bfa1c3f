import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config.js';
import { unauthenticated } from './errors.js';
import { anonymous, type Principal } from './principal.js';

/** Asymmetric algorithms accepted from a JWKS; `none` and HMAC-with-a-public-key are never accepted. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 30;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 8192;

export type Authenticate = (authorization: string | null | undefined) => Promise<Principal>;

/**
 * Resolves the `Authorization` header to a principal, or throws a typed UNAUTHENTICATED error when
 * credentials are present but not valid. No header means anonymous (or, in development without
 * any auth settings, the local development service).
 */
export function createAuthenticator(config: AuthConfig): Authenticate {
  const keyDigests = config.apiKeys.map((key) => ({ digest: sha256(key), label: `api-key:${sha256(key).toString('hex').slice(0, 8)}` }));
  const verifyJwt = config.jwt === undefined ? undefined : createJwtVerifier(config.jwt);

  return async (authorization) => {
    if (authorization === null || authorization === undefined || authorization.trim() === '') {
      return config.developmentPrincipal ? { kind: 'service', label: 'development' } : anonymous;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (match?.[1] === undefined) throw unauthenticated('expected `Authorization: Bearer <API key or JWT>`');
    const token = match[1];
    if (token.length > MAX_TOKEN_LENGTH) throw unauthenticated('credentials are too long');

    // Compare against every key, whatever matches, so timing tells nothing about which key is close.
    const presented = sha256(token);
    let service: string | undefined;
    for (const key of keyDigests) {
      if (timingSafeEqual(presented, key.digest)) service = key.label;
    }
    if (service !== undefined) return { kind: 'service', label: service };

    if (verifyJwt !== undefined && JWT_SHAPE.test(token)) return verifyJwt(token);
    throw unauthenticated('the API key or token is not valid');
  };
}

function createJwtVerifier(jwt: NonNullable<AuthConfig['jwt']>): (token: string) => Promise<Principal> {
  const options = {
    issuer: jwt.issuer,
    audience: jwt.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['sub', 'exp'],
  };
  const verify =
    jwt.kind === 'secret'
      ? (token: string) => jwtVerify(token, jwt.secret, { ...options, algorithms: ['HS256'] })
      : (() => {
          const keys: JWTVerifyGetKey = createRemoteJWKSet(jwt.url);
          return (token: string) => jwtVerify(token, keys, { ...options, algorithms: JWKS_ALGORITHMS });
        })();

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (error) {
      throw unauthenticated(describeJwtFailure(error));
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw unauthenticated('the token has no subject');
    const scope = typeof payload['scope'] === 'string' ? payload['scope'] : '';
    // `exp` is a required claim: jose has checked that it is a number.
    return { kind: 'endUser', appUserId: payload.sub, scopes: new Set(scope.split(' ').filter(Boolean)), expiresAt: (payload.exp ?? 0) * 1_000 };
  };
}

/** A reason a client can act on, without echoing the token or its claims. */
function describeJwtFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `the token's \`${error.claim}\` claim is not accepted`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm that is not accepted';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no known key matches the token';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) return 'the signing keys cannot be fetched right now';
  return 'the token is not valid';
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
