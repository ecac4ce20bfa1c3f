import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_lean_cache.js';
import * as m0003 from './0003_webhook_inbox.js';
import * as m0004 from './0004_personal_data_sealed.js';
import * as m0005 from './0005_lean_v2_fields.js';
import * as m0006 from './0006_bank_catalogue.js';
import * as m0007 from './0007_event_log.js';
import * as m0008 from './0008_inbox_entity_order.js';
import * as m0009 from './0009_rate_limit.js';
import * as m0010 from './0010_lean_fetch_leases.js';
import * as m0011 from './0011_account_datasets.js';
import * as m0012 from './0012_consent_life.js';
import * as m0013 from './0013_bank_availability.js';
import * as m0014 from './0014_reconcile.js';

/**
 * Every migration, in order. Imported statically so that the same code runs under tsx, vitest and
 * a compiled build; test/migrations.test.ts fails when a file in this folder is missing here.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001_initial': m0001,
  '0002_lean_cache': m0002,
  '0003_webhook_inbox': m0003,
  '0004_personal_data_sealed': m0004,
  '0005_lean_v2_fields': m0005,
  '0006_bank_catalogue': m0006,
  '0007_event_log': m0007,
  '0008_inbox_entity_order': m0008,
  '0009_rate_limit': m0009,
  '0010_lean_fetch_leases': m0010,
  '0011_account_datasets': m0011,
  '0012_consent_life': m0012,
  '0013_bank_availability': m0013,
  '0014_reconcile': m0014,
};
