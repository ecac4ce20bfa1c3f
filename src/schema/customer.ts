import { z } from 'zod';
import { builder } from './builder.js';
import { answeringLeanErrors, forbidden, notFound } from './errors.js';
import { unwrapOutcome } from './outcomes.js';
import { Customer, Entity } from './refs.js';

const appUserIdSchema = z
  .string()
  .trim()
  .min(1, 'appUserId must not be empty')
  .max(255, 'appUserId may be at most 255 characters')
  // Refused before Lean is called: Postgres text cannot hold NUL, and control characters are never an id.
  .regex(/^[^\p{Cc}]*$/u, 'appUserId must not contain control characters');

builder.node(Customer, {
  description: 'A user of your application, known to Lean by your `app_user_id`. Their linked banks are entities.',
  id: { resolve: (customer) => customer.id },
  loadMany: (ids, { data }) => Promise.all(ids.map((id) => answeringLeanErrors(() => data.customer(id)).then((row) => row ?? null))),
  fields: (t) => ({
    leanCustomerId: t.exposeString('id', { description: "Lean's `customer_id`: what `Lean.connect` and Lean's API call this customer." }),
    appUserId: t.exposeString('app_user_id', { description: 'Your own id of the user, unique per customer (`app_user_id`).' }),
    createdAt: t.field({ type: 'DateTime', description: 'When the gateway first recorded this customer.', resolve: (customer) => customer.created_at }),
    entities: t.field({
      type: [Entity],
      nullable: true,
      description:
        'The banks this customer linked (entities), oldest first. Disconnected ones are left out unless asked for. Null, with an error, when Lean cannot list them and no earlier copy exists.',
      args: {
        includeDisconnected: t.arg.boolean({ defaultValue: false, description: 'Also list entities that were disconnected.' }),
      },
      resolve: async (customer, { includeDisconnected }, context, info) => {
        const outcome = await answeringLeanErrors(() => context.data.entitiesOf(customer.id));
        const entities = unwrapOutcome(outcome, context, info);
        return includeDisconnected === true ? entities : entities.filter((entity) => entity.status !== 'DISCONNECTED');
      },
    }),
  }),
});

builder.queryFields((t) => ({
  customer: t.field({
    type: Customer,
    nullable: true,
    description: "A customer by global id; null when there is none or it is not the caller's.",
    args: { id: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }) },
    resolve: (_root, { id }, { data }) => answeringLeanErrors(() => data.customer(id.id)),
  }),
  customerByAppUserId: t.field({
    type: Customer,
    nullable: true,
    description: "A customer by your `app_user_id`; null when Lean knows none or it is not the caller's.",
    args: { appUserId: t.arg.string({ required: true, validate: appUserIdSchema, description: 'Your own id of the user.' }) },
    resolve: (_root, { appUserId }, { data }) => answeringLeanErrors(() => data.customerByAppUser(appUserId)),
  }),
}));

builder.mutationFields((t) => ({
  createCustomer: t.field({
    type: Customer,
    description:
      'Creates the customer at Lean for your `app_user_id`, or adopts the one Lean already has: calling it again returns the same customer. An end user may create only their own.',
    args: { appUserId: t.arg.string({ required: true, validate: appUserIdSchema, description: 'Your own id of the user (at most 255 characters).' }) },
    resolve: (_root, { appUserId }, { data, principal }) => {
      if (principal.kind === 'endUser' && principal.appUserId !== appUserId) throw forbidden('An end user may create only their own customer');
      return answeringLeanErrors(() => data.createCustomer(appUserId));
    },
  }),
  refreshCustomer: t.field({
    type: Customer,
    description: "Reads the customer's entity list from Lean now (for example right after a bank was linked).",
    args: { customerId: t.arg.globalID({ for: Customer, required: true, description: 'The global id of the customer.' }) },
    resolve: async (_root, { customerId }, { data }) => {
      const customer = await answeringLeanErrors(() => data.customer(customerId.id));
      if (customer === undefined) throw notFound('customer');
      await answeringLeanErrors(() => data.refreshEntities(customer.id));
      return customer;
    },
  }),
}));
