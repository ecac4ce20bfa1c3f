import { useMutation } from 'urql';
import { WebDisconnectEntityDocument, WebRefreshEntityDocument, type WebEntitiesQuery } from '../gql/graphql';
import { formatMoney } from '../money';
import { BankBadge } from './BankBadge';
import { Outcome, type OutcomeActions } from './Outcome';

export type Entity = NonNullable<NonNullable<WebEntitiesQuery['customer']>['entities']>[number];
type Account = Extract<NonNullable<Entity['accounts']>, { __typename: 'AccountList' }>['accounts'][number];

/** One linked bank in its colours: its status, its accounts with their balances, and Disconnect. */
export function EntityCard({
  entity,
  chosenAccountId,
  onChooseAccount,
  actions,
}: {
  entity: Entity;
  chosenAccountId: string | undefined;
  onChooseAccount: (accountId: string) => void;
  actions: OutcomeActions;
}) {
  const [disconnecting, disconnect] = useMutation(WebDisconnectEntityDocument);
  const [refreshing, refresh] = useMutation(WebRefreshEntityDocument);
  const bankName = entity.bank.name ?? entity.bank.identifier;
  return (
    <article className="entity" aria-label={bankName} data-testid={`entity-${entity.bank.identifier}`} style={{ borderTopColor: entity.bank.mainColor ?? undefined }}>
      <header className="entity-head" style={{ background: entity.bank.backgroundColor ?? undefined, color: entity.bank.mainColor ?? undefined }}>
        <BankBadge bank={entity.bank} />
        <h2>{bankName}</h2>
        <span className="region">{entity.bank.region}</span>
        <button type="button" className="secondary" disabled={refreshing.fetching} onClick={() => void refresh({ entityId: entity.id }).then(() => actions.onReady())}>
          Refresh
        </button>
        <button
          type="button"
          className="secondary"
          disabled={disconnecting.fetching}
          onClick={() => void disconnect({ entityId: entity.id }).then(() => actions.onReady())}
        >
          Disconnect
        </button>
      </header>
      {entity.status === 'RECONNECT_REQUIRED' && entity.reconnectId !== null && (
        <div role="alert" className="banner warning">
          Your bank session ended.
          <button type="button" onClick={() => actions.onReconnect(entity.reconnectId ?? '')}>
            Reconnect
          </button>
        </div>
      )}
      {disconnecting.error !== undefined && <p role="alert" className="error">{disconnecting.error.message}</p>}
      {refreshing.error !== undefined && <p role="alert" className="error">{refreshing.error.message}</p>}
      {entity.accounts === null ? (
        <p className="error">The accounts cannot be read now.</p>
      ) : entity.accounts.__typename === 'AccountList' ? (
        <ul className="accounts">
          {entity.accounts.accounts.map((account) => (
            <AccountRow key={account.id} account={account} chosen={account.id === chosenAccountId} onChoose={() => onChooseAccount(account.id)} actions={actions} />
          ))}
        </ul>
      ) : (
        <Outcome outcome={entity.accounts} what="your accounts" actions={actions} />
      )}
    </article>
  );
}

function AccountRow({ account, chosen, onChoose, actions }: { account: Account; chosen: boolean; onChoose: () => void; actions: OutcomeActions }) {
  const balance = account.balance;
  return (
    <li className={chosen ? 'account chosen' : 'account'} data-testid="account">
      <button type="button" className="account-name" aria-pressed={chosen} onClick={onChoose}>
        {account.name ?? 'Account'} <small>{account.type}</small>
      </button>
      <span className="balance" data-testid="balance">
        {balance === null ? (
          '—'
        ) : balance.__typename === 'Balance' ? (
          <>
            {formatMoney(balance.amount, balance.currency)}
            {balance.stale && (
              <span className="stale" title={`Read ${balance.fetchedAt}; the bank could not be asked again`}>
                stale
              </span>
            )}
          </>
        ) : (
          <Outcome outcome={balance} what="the balance" actions={actions} />
        )}
      </span>
    </li>
  );
}
