import type { Kysely } from 'kysely';
import { isSealed, type PersonalDataVault } from '../crypto/personal-data.js';
import type { ConsentAccountJson, PersonalDataUnsealedTable, Tables } from '../db/tables.js';
import { IDENTITY_COLUMNS } from './identities-store.js';
import { CONSENT_ACCOUNT_FIELDS, consentAccountPlace } from './entities-store.js';

type UnsealedTable = PersonalDataUnsealedTable['table_name'];

/**
 * Seals the personal values written before sealing existed (the tables migration 0004 listed), once:
 * each table in its own transaction that locks its entry, so instances starting together seal it
 * once; values already sealed are left alone. Returns how many rows were rewritten.
 */
export async function sealLegacyPersonalData(db: Kysely<Tables>, vault: PersonalDataVault): Promise<number> {
  let rewritten = 0;
  for (const table of ['identities', 'accounts', 'consents'] as const satisfies readonly UnsealedTable[]) {
    rewritten += await db.transaction().execute(async (trx) => {
      const listed = await trx.selectFrom('personal_data_unsealed').select('table_name').where('table_name', '=', table).forUpdate().executeTakeFirst();
      if (listed === undefined) return 0;
      const count = await sealTable(trx, vault, table);
      await trx.deleteFrom('personal_data_unsealed').where('table_name', '=', table).execute();
      return count;
    });
  }
  return rewritten;
}

async function sealTable(trx: Kysely<Tables>, vault: PersonalDataVault, table: UnsealedTable): Promise<number> {
  const seal = (value: string | null, place: { table: string; column: string; row: string }) => (value === null || isSealed(value) ? value : vault.seal(value, place));
  let count = 0;
  switch (table) {
    case 'identities': {
      const rows = await trx.selectFrom('identities').select(['entity_id', ...IDENTITY_COLUMNS]).execute();
      for (const row of rows) {
        const sealed = Object.fromEntries(IDENTITY_COLUMNS.map((column) => [column, seal(row[column], { table: 'identities', column, row: row.entity_id })]));
        if (IDENTITY_COLUMNS.every((column) => sealed[column] === row[column])) continue;
        await trx.updateTable('identities').set(sealed).where('entity_id', '=', row.entity_id).execute();
        count += 1;
      }
      return count;
    }
    case 'accounts': {
      const rows = await trx.selectFrom('accounts').select(['id', 'iban']).where('iban', 'is not', null).execute();
      for (const row of rows) {
        const iban = seal(row.iban, { table: 'accounts', column: 'iban', row: row.id });
        if (iban === row.iban) continue;
        await trx.updateTable('accounts').set({ iban }).where('id', '=', row.id).execute();
        count += 1;
      }
      return count;
    }
    case 'consents': {
      const rows = await trx.selectFrom('consents').select(['id', 'accounts']).execute();
      for (const row of rows) {
        let changed = false;
        const accounts = row.accounts.map((account, position): ConsentAccountJson => {
          const sealed = { ...account };
          for (const field of CONSENT_ACCOUNT_FIELDS) {
            const value = seal(account[field], consentAccountPlace(row.id, position, field));
            if (value === account[field]) continue;
            changed = true;
            if (field === 'identification') sealed.identification = value ?? account.identification;
            else sealed[field] = value;
          }
          return sealed;
        });
        if (!changed) continue;
        await trx.updateTable('consents').set({ accounts: JSON.stringify(accounts) }).where('id', '=', row.id).execute();
        count += 1;
      }
      return count;
    }
  }
}
