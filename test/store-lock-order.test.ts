import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PersonalDataVault } from '../src/crypto/personal-data.js';
import { createLogger } from '../src/log.js';
import type { Account } from '../src/model/account.js';
import { saveAccounts } from '../src/store/accounts-store.js';
import { saveBalance } from '../src/store/balances-store.js';
import { saveTransactionRange } from '../src/store/transactions-store.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, linkBank, type LinkedEntity } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';

// The writers of one entity's data run concurrently in production: a refresh webhook rewrites the
// account list while a read stores a balance or a range of transactions. Each takes its row locks in
// one order (the entity first, then its accounts; the account list takes the entity's update lock at
// once), so Postgres never has to break a deadlock by failing one of them (a user's read answered
// "Unexpected error" in the browser journey before). PGlite runs one connection: nothing to race.
describe.runIf(usingPostgres)('writers of one entity, at once, on the Postgres server', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let entity: LinkedEntity;
  const vault = new PersonalDataVault(loadConfig({ NODE_ENV: 'test' }).encryption, createLogger('silent'));

  beforeAll(async () => {
    database = await createTestDatabase('store_lock_order');
    gateway = await startTestGateway({ ...database.env, DATABASE_POOL_MAX: '12' });
    const customer = await createCustomer(gateway, 'lock-order');
    entity = await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('the account list, balances and transaction ranges written together: all succeed, none deadlocks', { timeout: 60_000 }, async () => {
    const { db } = gateway.database;
    const accounts: Account[] = entity.accountIds.map((id) => ({
      id, name: `account ${id.slice(0, 4)}`, type: 'CURRENT_ACCOUNT', currency: 'AED', iban: null, holderName: null, subType: 'CURRENT', status: 'ENABLED', openingDate: null, nickname: null,
    }));
    await saveAccounts(db, vault, entity.id, accounts, new Date());
    const failures: string[] = [];
    for (let round = 0; round < 40; round++) {
      const at = new Date();
      const writes = [
        saveAccounts(db, vault, entity.id, accounts, at),
        ...entity.accountIds.flatMap((accountId) => [
          saveBalance(db, accountId, { amount: `${round}.25`, currency: 'AED', type: null, breakdown: [] }, at),
          saveTransactionRange(db, vault, { accountId, startDate: '2026-01-01', endDate: '2026-01-31', settledThrough: '2026-01-31', fetchedAt: at, recentExpiresAt: at }, []),
        ]),
        saveAccounts(db, vault, entity.id, accounts, at),
      ];
      for (const outcome of await Promise.allSettled(writes)) if (outcome.status === 'rejected') failures.push(String(outcome.reason));
    }
    expect(failures).toEqual([]);
    const balances = await db.selectFrom('balances').select('amount').where('account_id', 'in', entity.accountIds).execute();
    expect(balances.map((b) => b.amount)).toEqual(entity.accountIds.map(() => '39.25'));
  });
});
