import type { ColumnType } from 'kysely';

/** Every gateway process that started against this database, and whether it stopped cleanly. */
export interface GatewayInstancesTable {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  database_kind: string;
  started_at: ColumnType<Date, Date | undefined, never>;
  stopped_at: ColumnType<Date | null, never, Date | null>;
}

export interface Tables {
  gateway_instances: GatewayInstancesTable;
}
