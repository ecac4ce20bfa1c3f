import type { Authenticate } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';

/** Who is asking, once per request: the rate limit, trusted documents and the context share it. */
export type PrincipalOf = (request: Request) => Promise<Principal>;

export function principalsByRequest(authenticate: Authenticate): PrincipalOf {
  const known = new WeakMap<Request, Promise<Principal>>();
  return (request) => {
    let principal = known.get(request);
    if (principal === undefined) {
      principal = authenticate(request.headers.get('authorization'));
      known.set(request, principal);
    }
    return principal;
  };
}
