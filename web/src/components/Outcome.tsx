import { useEffect } from 'react';
import { useSubscription } from 'urql';
import { WebResultsReadyDocument, type WebOutcomeFragment } from '../gql/graphql';

export interface OutcomeActions {
  /** The data asked for arrived (`resultsReady`): read it again. */
  readonly onReady: () => void;
  /** Open the Link page to reconnect the bank. */
  readonly onReconnect: (reconnectId: string) => void;
  /** Link the bank again (its consent ended). */
  readonly onLinkAgain: () => void;
}

/**
 * What to show while Lean cannot answer with data: progress until `resultsReady` delivers it, a
 * reconnect banner, or an offer to link again.
 */
export function Outcome({ outcome, what, actions }: { outcome: WebOutcomeFragment; what: string; actions: OutcomeActions }) {
  switch (outcome.__typename) {
    case 'ResultsPending':
      return (
        <AwaitResults resultsId={outcome.resultsId} onReady={actions.onReady}>
          <span role="status" className="progress" data-testid="results-pending">
            <span className="spinner" aria-hidden="true" /> Fetching {what} from your bank…
          </span>
        </AwaitResults>
      );
    case 'ReconnectRequired':
      return (
        <AwaitResults resultsId={outcome.resultsId} onReady={actions.onReady}>
          <div role="alert" className="banner warning">
            Your bank asks you to sign in again to show {what}.
            <button type="button" onClick={() => actions.onReconnect(outcome.reconnectId)}>
              Reconnect
            </button>
          </div>
        </AwaitResults>
      );
    case 'ConsentExpired':
      return (
        <div role="alert" className="banner warning">
          {outcome.message}
          <button type="button" onClick={actions.onLinkAgain}>
            Link again
          </button>
        </div>
      );
  }
}

function AwaitResults({ resultsId, onReady, children }: { resultsId: string; onReady: () => void; children: React.ReactNode }) {
  const [ready] = useSubscription({ query: WebResultsReadyDocument, variables: { resultsId } });
  useEffect(() => {
    if (ready.data !== undefined) onReady();
  }, [ready.data, onReady]);
  return <>{children}</>;
}
