import { useMutation, useQuery } from 'urql';
import type { DevConfig } from '../dev-config';
import { WebCreateCustomerDocument, WebViewerDocument } from '../gql/graphql';
import { Home } from './Home';

/** An end user creates (or adopts) their own customer once; `viewer.customer` finds it afterwards. */
export function CustomerGate({ devConfig }: { devConfig: DevConfig }) {
  const [viewer, refetch] = useQuery({ query: WebViewerDocument });
  const [created, createCustomer] = useMutation(WebCreateCustomerDocument);
  if (viewer.fetching && viewer.data === undefined) return <p role="status">Loading…</p>;
  if (viewer.error !== undefined) return <p role="alert" className="error">{viewer.error.message}</p>;
  const customer = viewer.data?.viewer.customer ?? created.data?.createCustomer;
  const appUserId = viewer.data?.viewer.appUserId;
  if (customer !== undefined && customer !== null) return <Home customerId={customer.id} devConfig={devConfig} />;
  return (
    <section className="card">
      <h2>Your customer</h2>
      <p>Lean knows you as a customer of this app before you link a bank.</p>
      {appUserId === null || appUserId === undefined ? (
        <p role="alert" className="error">This sign-in is not an end user: it has no customer of its own.</p>
      ) : (
        <button
          type="button"
          disabled={created.fetching}
          onClick={() => void createCustomer({ appUserId }).then(() => refetch({ requestPolicy: 'network-only' }))}
        >
          Create customer
        </button>
      )}
      {created.error !== undefined && <p role="alert" className="error">{created.error.message}</p>}
    </section>
  );
}
