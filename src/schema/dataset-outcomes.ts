import type { GraphQLResolveInfo } from 'graphql';
import type { DatasetRead } from '../data/rows.js';
import type { Outcome } from '../data/outcome.js';
import type { PersonalDataUnreadable } from '../crypto/personal-data.js';
import type { Principal } from '../auth/principal.js';
import { builder } from './builder.js';
import type { GatewayContext } from './context.js';
import { personalDataForbidden } from './errors.js';
import { AsyncOutcome, LEAN_OUTCOMES, unwrapOutcome } from './outcomes.js';
import { revealed } from './personal-data.js';

/** The bank or region does not offer the dataset (Lean's UNSUPPORTED; the UAE, and Lean's v1 API, offer none of SAMA's). */
export class DatasetNotOffered extends Error {
  constructor(readonly dataset: string) {
    super(`The bank does not offer ${dataset} for this account`);
    this.name = 'DatasetNotOffered';
  }
}

/** The entity was linked without the permission the dataset needs. */
export class PermissionNotGranted extends Error {
  constructor(readonly permission: string) {
    super(`The entity was not linked with the ${permission} permission`);
    this.name = 'PermissionNotGranted';
  }
}

builder.objectType(DatasetNotOffered, {
  name: 'DatasetNotOffered',
  description: "The bank or its region does not offer this dataset (Lean's UNSUPPORTED: the UAE offers none of SAMA's per-account datasets). Nothing to do: do not show it.",
  interfaces: [AsyncOutcome],
  fields: (t) => ({
    dataset: t.exposeString('dataset', { description: "Lean's name of the dataset (`beneficiaries`, `direct_debits`, `scheduled_payments`, `standing_orders`, `identities`)." }),
  }),
});

builder.objectType(PermissionNotGranted, {
  name: 'PermissionNotGranted',
  description: 'The entity was linked without the permission this dataset needs. To read it, link the bank again asking for the permission (`prepareLink`).',
  interfaces: [AsyncOutcome],
  fields: (t) => ({
    permission: t.exposeString('permission', { description: 'The permission Lean needs for it (e.g. `beneficiaries`).' }),
  }),
});

/** What a SAMA dataset field answers besides its data. */
export const DATASET_OUTCOMES = [...LEAN_OUTCOMES, DatasetNotOffered, PermissionNotGranted];

/** The dataset read, with `stale`, or its typed outcome thrown for the field's union. */
export function unwrapDataset<D, P>(outcome: Outcome<DatasetRead<D, P>>, dataset: string, context: GatewayContext, info: GraphQLResolveInfo): DatasetRead<D, P> & { stale: boolean } {
  if (outcome.kind === 'refused' && outcome.code === 'PERMISSION_NOT_GRANTED') throw new PermissionNotGranted(dataset);
  const read = unwrapOutcome(outcome, context, info);
  if (!read.offered) throw new DatasetNotOffered(dataset);
  return { ...read, stale: outcome.kind === 'ok' && outcome.stale };
}

/** An item's personal part, for a principal that may read personal data (else FORBIDDEN at this field). */
export function personalOf<P>(personal: P | PersonalDataUnreadable | null, principal: Principal): P | null {
  personalDataForbidden(principal);
  return revealed(personal);
}
