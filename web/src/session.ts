/** The signed-in end user: the gateway's development JWT, kept for this tab only. */
export interface Session {
  readonly appUserId: string;
  readonly token: string;
  readonly expiresAt: string;
}

const KEY = 'lean-gateway.session';

export function loadSession(): Session | undefined {
  const text = sessionStorage.getItem(KEY);
  if (text === null) return undefined;
  try {
    const session = JSON.parse(text) as Session;
    return Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session === undefined) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, JSON.stringify(session));
}

/** `POST /dev/sign-in` (development only): a JWT for this app user id. */
export async function signIn(appUserId: string): Promise<Session> {
  const response = await fetch('/dev/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appUserId }),
  });
  if (response.status === 404) throw new Error('This gateway offers no development sign-in (POST /dev/sign-in): run it with NODE_ENV=development.');
  if (!response.ok) throw new Error(`Sign-in failed (${response.status}).`);
  const body = (await response.json()) as { token?: unknown; expiresAt?: unknown };
  if (typeof body.token !== 'string' || typeof body.expiresAt !== 'string') throw new Error('Sign-in answered without a token.');
  return { appUserId, token: body.token, expiresAt: body.expiresAt };
}
