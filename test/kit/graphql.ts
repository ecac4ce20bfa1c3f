import { SignJWT } from 'jose';

export interface GraphQLResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

/** POSTs one operation to the gateway's /graphql, as a front end would. */
export async function postGraphQL(
  baseUrl: string,
  query: string,
  options: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

export const errorCodes = (response: GraphQLResponse): (string | undefined)[] =>
  (response.body.errors ?? []).map((error) => error.extensions?.code);

export const TEST_ISSUER = 'https://auth.example.test/';
export const TEST_AUDIENCE = 'lean-gateway';

/** An HS256 end-user token; claims and lifetime can be bent to test each rejection. */
export async function signEndUserJwt(
  secret: string,
  claims: { sub?: string; iss?: string; aud?: string; scope?: string; expiresIn?: string | number; notBefore?: string | number } = {},
): Promise<string> {
  const jwt = new SignJWT({ ...(claims.scope !== undefined && { scope: claims.scope }) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setIssuer(claims.iss ?? TEST_ISSUER)
    .setAudience(claims.aud ?? TEST_AUDIENCE)
    .setExpirationTime(claims.expiresIn ?? '5m');
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.notBefore !== undefined) jwt.setNotBefore(claims.notBefore);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** A token with `alg: none` and no signature, which a verifier must refuse. */
export function unsignedJwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}
