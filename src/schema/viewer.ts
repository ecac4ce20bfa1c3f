import type { Principal } from '../auth/principal.js';
import { answeringLeanErrors } from './errors.js';
import { builder } from './builder.js';
import { Customer } from './refs.js';

type AuthenticatedPrincipal = Exclude<Principal, { kind: 'anonymous' }>;

const PrincipalKind = builder.enumType('PrincipalKind', {
  description: 'The kind of caller an operation runs as.',
  values: {
    SERVICE: {
      value: 'service',
      description: 'A backend service authenticated with an API key; it may see every customer.',
    },
    END_USER: {
      value: 'endUser',
      description: "An end user authenticated with a JWT; they may see only their own customer's data.",
    },
  } as const,
});

const Viewer = builder.objectRef<AuthenticatedPrincipal>('Viewer').implement({
  description: 'The principal the current operation runs as.',
  fields: (t) => ({
    kind: t.field({
      type: PrincipalKind,
      description: 'Whether the caller is a service or an end user.',
      resolve: (principal) => principal.kind,
    }),
    appUserId: t.string({
      nullable: true,
      description: "For an end user, the customer's `app_user_id` (the JWT `sub`); null for a service.",
      resolve: (principal) => (principal.kind === 'endUser' ? principal.appUserId : null),
    }),
    customer: t.field({
      type: Customer,
      nullable: true,
      description: "For an end user, their own customer (null until it is created); null for a service.",
      resolve: async (_principal, _args, { data }) => (await answeringLeanErrors(() => data.viewerCustomer())) ?? null,
    }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    description: 'Who is asking: the principal this operation runs as.',
    resolve: (_root, _args, { principal }) => {
      // Anonymous operations are refused before execution; this guards the type, not the policy.
      if (principal.kind === 'anonymous') throw new Error('viewer resolved without a principal');
      return principal;
    },
  }),
);
