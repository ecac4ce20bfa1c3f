import type { Kysely } from 'kysely';
import type { CacheConfig } from '../config.js';
import type { PersonalDataVault } from '../crypto/personal-data.js';
import type { Tables } from '../db/tables.js';
import type { LeanApi } from '../lean/api.js';
import type { Logger } from '../log.js';
import type { FetchSharing } from './fetch-sharing.js';
import type { InFlight } from './in-flight.js';
import type { WriteSettings } from './kinds/kind.js';
import type { CacheReadObserver } from './read-through.js';

/** What the data layer needs, shared by every request of the process. */
export interface DataDependencies {
  readonly db: Kysely<Tables>;
  /** Seals and opens identities and IBANs at rest. */
  readonly vault: PersonalDataVault;
  readonly lean: LeanApi;
  readonly cache: CacheConfig;
  readonly inFlight: InFlight;
  /** Keeps each key's fetch to one across instances (PGlite: `processOnly`). */
  readonly fetchSharing: FetchSharing;
  /** Told of each cache hit, miss and stale serve (metrics). */
  readonly cacheReads?: CacheReadObserver | undefined;
  readonly log: Logger;
  readonly now?: () => Date;
}

/** What the loaders of one request share: the process's dependencies, and how to drop what the request loaded. */
export interface KindContext extends WriteSettings {
  readonly db: Kysely<Tables>;
  readonly lean: LeanApi;
  readonly inFlight: InFlight;
  readonly fetchSharing: FetchSharing;
  readonly cacheReads: CacheReadObserver | undefined;
  readonly now: () => Date;
  /** The entity's status changed here (RECONNECT_REQUIRED): its loaded row is out of date. */
  readonly entityChanged: (entityId: string) => void;
  /** The entity was disconnected here: everything loaded of it is out of date. */
  readonly entityGone: (entityId: string) => void;
}
