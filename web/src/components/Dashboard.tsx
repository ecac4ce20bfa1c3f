import { useState } from 'react';
import type { WebEntitiesQuery } from '../gql/graphql';
import { EntityCard, type Entity } from './EntityCard';
import type { OutcomeActions } from './Outcome';
import { Transactions } from './Transactions';

type Entities = NonNullable<NonNullable<WebEntitiesQuery['customer']>['entities']>;

/** Every linked bank with its accounts, and the transactions of the account chosen. */
export function Dashboard({
  entities,
  onReload,
  onReconnect,
  onLinkAgain,
}: {
  entities: Entities;
  onReload: () => void;
  onReconnect: (reconnectId: string) => void;
  onLinkAgain: () => void;
}) {
  const accounts = entities.flatMap((entity: Entity) => (entity.accounts?.__typename === 'AccountList' ? entity.accounts.accounts : []));
  const [chosen, setChosen] = useState<string | undefined>();
  const accountId = accounts.some((account) => account.id === chosen) ? chosen : accounts[0]?.id;
  const account = accounts.find((candidate) => candidate.id === accountId);
  const actions: OutcomeActions = { onReady: onReload, onReconnect, onLinkAgain };
  return (
    <div className="dashboard" data-testid="dashboard">
      <section className="entities" aria-label="Linked banks">
        {entities.map((entity) => (
          <EntityCard key={entity.id} entity={entity} chosenAccountId={accountId} onChooseAccount={setChosen} actions={actions} />
        ))}
      </section>
      {account !== undefined && accountId !== undefined && (
        <Transactions key={accountId} accountId={accountId} accountName={account.name ?? 'Account'} actions={actions} />
      )}
    </div>
  );
}
