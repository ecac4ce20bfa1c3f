import type DataLoader from 'dataloader';
import type { Balance } from '../../model/balance.js';
import { balancesOfAccounts, saveBalance, type AccountBalance } from '../../store/balances-store.js';
import type { KindContext } from '../context.js';
import { answerFromLean } from '../lean-answer.js';
import { fresh, type Outcome } from '../outcome.js';
import { isFresh, readThroughLoader } from '../read-through.js';
import { bankDataDown, refusal } from '../refusals.js';
import type { KindModule } from './kind.js';

/** An account's balance as read (amounts exact decimal text, the v2 breakdown beside), and when it was read from Lean. */
export interface BalanceRow extends Balance {
  readonly accountId: string;
  readonly fetchedAt: Date;
}

/** Balance: one per account, served from the store for CACHE_TTL_BALANCE. */
export const balanceKind: KindModule<'balance'> = {
  kind: 'balance',
  ask: (lean, { entityId, accountId }) => lean.balance(entityId, accountId),
  requestOf: (pending) => (pending.account_id === null ? undefined : { entityId: pending.entity_id, accountId: pending.account_id }),
  write: (db, _settings, { accountId }, balance, fetchedAt) => saveBalance(db, accountId, balance, fetchedAt),
};

/** The balance of each account: from the store while fresh, else from Lean. */
export function balanceByAccountLoader(context: KindContext): DataLoader<string, Outcome<BalanceRow> | undefined, string> {
  const { db, cache } = context;
  return readThroughLoader<string, AccountBalance, BalanceRow>(
    {
      kind: 'balance',
      id: (accountId) => accountId,
      read: (ids) => balancesOfAccounts(db, ids),
      settle: (stored, _key, now) => {
        if (stored === undefined) return undefined;
        const refused = refusal(stored, 'balance');
        if (refused !== undefined) return refused;
        const { balance } = stored;
        return balance !== null && isFresh(balance.fetchedAt, cache.balanceMs, now) ? fresh({ accountId: stored.account_id, ...balance }) : 'fetch';
      },
      fetch: (accountId, stored) =>
        answerFromLean(context, balanceKind, { entityId: stored.entity_id, accountId }, stored, (balance, fetchedAt) => Promise.resolve({ ...balance, accountId, fetchedAt })),
      staleCopy: (stored) => (stored.balance === null ? undefined : { accountId: stored.account_id, ...stored.balance }),
      bankDown: bankDataDown,
    },
    context,
  );
}
