import { sql, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.js';
import type { BankAvailability } from '../model/bank.js';

/** The availability recorded for each bank asked for (a bank never said of has none). */
export async function bankAvailabilities(db: Kysely<Tables>, identifiers: readonly string[]): Promise<BankAvailability[]> {
  if (identifiers.length === 0) return [];
  const rows = await db
    .selectFrom('bank_availability')
    .select(['identifier', 'data_available', 'payments_available', 'as_of', 'source'])
    .where('identifier', 'in', identifiers)
    .execute();
  return rows.map((row) => ({ identifier: row.identifier, dataAvailable: row.data_available, paymentsAvailable: row.payments_available, asOf: row.as_of, source: row.source }));
}

/**
 * Records what Lean said of each bank, unless a statement as new or newer is recorded already (a
 * late, redelivered or duplicate webhook, a catalogue read before the webhook): the identifiers
 * recorded. A bank named twice: the first statement stands.
 */
export async function recordBankAvailability(db: Kysely<Tables>, statements: readonly BankAvailability[]): Promise<string[]> {
  const byBank = new Map<string, BankAvailability>();
  for (const statement of statements) if (!byBank.has(statement.identifier)) byBank.set(statement.identifier, statement);
  if (byBank.size === 0) return [];
  const recorded = await db
    .insertInto('bank_availability')
    .values(
      [...byBank.values()].map((statement) => ({
        identifier: statement.identifier,
        data_available: statement.dataAvailable,
        payments_available: statement.paymentsAvailable,
        as_of: statement.asOf,
        source: statement.source,
      })),
    )
    .onConflict((oc) =>
      oc
        .column('identifier')
        .doUpdateSet((eb) => ({
          data_available: eb.ref('excluded.data_available'),
          payments_available: eb.ref('excluded.payments_available'),
          as_of: eb.ref('excluded.as_of'),
          source: eb.ref('excluded.source'),
        }))
        .where(sql<boolean>`bank_availability.as_of < excluded.as_of`),
    )
    .returning('identifier')
    .execute();
  return recorded.map((row) => row.identifier);
}
