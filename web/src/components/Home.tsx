import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import type { DevConfig } from '../dev-config';
import { WebEntitiesDocument, WebEntityLinkedDocument, WebEntityReconnectedDocument, WebReconnectRequiredDocument } from '../gql/graphql';
import { Dashboard } from './Dashboard';
import { LinkBank } from './LinkBank';
import { LinkOverlay, type LinkRequest, type LinkResult } from './LinkOverlay';

/**
 * The signed-in customer's page: the link form while no bank is linked (or when asked), the Link
 * page over it, and the dashboard. The live subscriptions run for as long as the page does, so
 * `entityLinked` is listened for before the Link page opens.
 */
export function Home({ customerId, devConfig }: { customerId: string; devConfig: DevConfig }) {
  const [entities, refetchEntities] = useQuery({ query: WebEntitiesDocument, variables: { customerId } });
  const reload = useCallback(() => refetchEntities({ requestPolicy: 'network-only' }), [refetchEntities]);
  const [linking, setLinking] = useState(false);
  const [overlay, setOverlay] = useState<LinkRequest | undefined>();
  const [waitingFor, setWaitingFor] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const linkedIds = useRef(new Set<string>());

  const [linked] = useSubscription({ query: WebEntityLinkedDocument, variables: { customerId } });
  const [reconnected] = useSubscription({ query: WebEntityReconnectedDocument, variables: { customerId } });
  const [reconnectRequired] = useSubscription({ query: WebReconnectRequiredDocument, variables: { customerId } });
  useEffect(() => {
    const entity = linked.data?.entityLinked;
    if (entity === undefined) return;
    linkedIds.current.add(entity.leanEntityId);
    setWaitingFor((waiting) => (waiting === entity.leanEntityId || waiting === '' ? undefined : waiting));
    setLinking(false);
    reload();
  }, [linked.data, reload]);
  useEffect(() => {
    if (reconnected.data === undefined) return;
    setNotice(undefined);
    reload();
  }, [reconnected.data, reload]);
  useEffect(() => {
    if (reconnectRequired.data !== undefined) reload();
  }, [reconnectRequired.data, reload]);

  const finished = (result: LinkResult) => {
    setOverlay(undefined);
    if (result.status === 'SUCCESS' && result.method === 'CONNECT') {
      const id = result.entityId ?? '';
      if (!linkedIds.current.has(id)) setWaitingFor(id);
    } else if (result.status === 'SUCCESS') {
      reload();
    } else if (result.status === 'ERROR') {
      setNotice(result.message ?? 'The bank could not be linked.');
    }
  };

  const list = entities.data?.customer?.entities ?? [];
  const showForm = linking || (entities.data !== undefined && list.length === 0 && waitingFor === undefined);
  return (
    <>
      {notice !== undefined && <p role="alert" className="error">{notice}</p>}
      {waitingFor !== undefined && (
        <p role="status" className="progress">
          Linked. Waiting for your bank’s data…
        </p>
      )}
      {showForm ? (
        <LinkBank customerId={customerId} onPrepared={(options) => setOverlay({ kind: 'connect', options })} onCancel={list.length > 0 ? () => setLinking(false) : undefined} />
      ) : (
        <button type="button" className="secondary" onClick={() => setLinking(true)}>
          Link a bank
        </button>
      )}
      {entities.error !== undefined && <p role="alert" className="error">{entities.error.message}</p>}
      {list.length > 0 && (
        <Dashboard
          entities={list}
          onReload={reload}
          onReconnect={(reconnectId) => setOverlay({ kind: 'reconnect', reconnectId })}
          onLinkAgain={() => setLinking(true)}
        />
      )}
      {overlay !== undefined && <LinkOverlay request={overlay} sandboxUrl={devConfig.sandboxUrl} onFinished={finished} />}
    </>
  );
}
