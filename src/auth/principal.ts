/** Who is asking. Every GraphQL operation runs as exactly one principal. */
export type Principal =
  | {
      readonly kind: 'service';
      /** A non-secret label for logs: `api-key:<fingerprint>` or `development`. */
      readonly label: string;
    }
  | {
      readonly kind: 'endUser';
      /** The JWT `sub`: the customer's `app_user_id`; this principal sees only that customer. */
      readonly appUserId: string;
      readonly scopes: ReadonlySet<string>;
      /** The JWT `exp`, in epoch milliseconds: a subscription of this principal ends then. */
      readonly expiresAt: number;
    }
  | { readonly kind: 'anonymous' };

export const anonymous: Principal = { kind: 'anonymous' };

/** A stable key of what a principal may see: answers for equal keys may be shared (response cache, subscription events). */
export function principalKey(principal: Principal): string {
  // JSON, so that no `sub` or scope can be written to look like another principal's key.
  switch (principal.kind) {
    case 'service':
      return JSON.stringify(['service', principal.label]);
    case 'endUser':
      return JSON.stringify(['endUser', principal.appUserId, [...principal.scopes].sort()]);
    case 'anonymous':
      return '["anonymous"]';
  }
}
