import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from 'urql';
import { WebTransactionsDocument, type TransactionCategory, type WebOutcomeFragment, type WebTransactionFragment } from '../gql/graphql';
import { formatMoney } from '../money';
import { Outcome, type OutcomeActions } from './Outcome';
import { TransactionFilters, type Filters } from './TransactionFilters';

const PAGE_SIZE = 20;

interface Page {
  readonly transactions: readonly WebTransactionFragment[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
  /** The filters' generation the page was read for: a later page must be read for the same. */
  readonly generation: number;
}

/** An account's transactions, newest first: pages by cursor as the list scrolls, filtered as the user asks. */
export function Transactions({ accountId, accountName, actions }: { accountId: string; accountName: string; actions: OutcomeActions }) {
  const client = useClient();
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState<Page | undefined>();
  const [outcome, setOutcome] = useState<WebOutcomeFragment | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const generation = useRef(0);

  const load = useCallback(
    (after: string | null, current: readonly WebTransactionFragment[], forGeneration = generation.current) => {
      // A "more" of the list before the filters changed (the scroll observer may still hold it) reads nothing.
      if (forGeneration !== generation.current) return;
      const asked = forGeneration;
      setLoading(true);
      void client
        .query(
          WebTransactionsDocument,
          { accountId, first: PAGE_SIZE, after, from: filters.from ?? null, to: filters.to ?? null, direction: filters.direction ?? null, categories: filters.categories ?? null },
          { requestPolicy: 'network-only' },
        )
        .toPromise()
        .then((result) => {
          if (asked !== generation.current) return; // the filters changed meanwhile
          setLoading(false);
          setError(result.error?.message);
          const node = result.data?.node;
          const answer = node?.__typename === 'Account' ? node.transactions : null;
          if (answer === null || answer === undefined) return;
          if (answer.__typename === 'TransactionConnection') {
            setOutcome(undefined);
            setPage({ transactions: [...current, ...answer.edges.map((edge) => edge.node)], endCursor: answer.pageInfo.endCursor, hasNextPage: answer.pageInfo.hasNextPage, generation: asked });
          } else {
            setOutcome(answer);
          }
        });
    },
    [client, accountId, filters],
  );

  const reload = useCallback(() => {
    generation.current += 1;
    setPage(undefined);
    load(null, []);
  }, [load]);
  useEffect(reload, [reload]);

  const more = page?.hasNextPage === true && !loading ? () => load(page.endCursor, page.transactions, page.generation) : undefined;
  const sentinel = useInfiniteScroll(more);

  return (
    <section className="card transactions" aria-label={`Transactions of ${accountName}`}>
      <h2>Transactions · {accountName}</h2>
      <TransactionFilters value={filters} onApply={setFilters} />
      {outcome !== undefined && <Outcome outcome={outcome} what="the transactions" actions={{ ...actions, onReady: reload }} />}
      {error !== undefined && <p role="alert" className="error">{error}</p>}
      {page !== undefined && page.transactions.length === 0 && <p className="hint">No transactions in this range.</p>}
      {page !== undefined && page.transactions.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Description</th>
              <th scope="col">Category</th>
              <th scope="col" className="amount">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {page.transactions.map((transaction) => (
              <tr key={transaction.id} data-testid="transaction" className={transaction.direction === 'CREDIT' ? 'credit' : 'debit'}>
                <td>{transaction.timestamp.slice(0, 10)}</td>
                <td>
                  {transaction.insights?.descriptionCleansed ?? transaction.description ?? '—'}
                  {transaction.pending && <span className="stale">pending</span>}
                </td>
                <td>{categoryLabel(transaction.insights?.category)}</td>
                <td className="amount">{formatMoney(transaction.amount, transaction.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div ref={sentinel} className="more">
        {loading && <span role="status">Loading transactions…</span>}
        {more !== undefined && (
          <button type="button" className="secondary" onClick={more}>
            Load more
          </button>
        )}
      </div>
    </section>
  );
}

/** Calls `more` when the element scrolls into view. */
function useInfiniteScroll(more: (() => void) | undefined) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = element.current;
    if (target === null || more === undefined) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) more();
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [more]);
  return element;
}

function categoryLabel(category: TransactionCategory | undefined): string {
  if (category === undefined) return '—';
  const text = category.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
