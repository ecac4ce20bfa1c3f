import { useEffect, useMemo } from 'react';

export type LinkRequest = { readonly kind: 'connect'; readonly options: Record<string, unknown> } | { readonly kind: 'reconnect'; readonly reconnectId: string };

export interface LinkResult {
  readonly status: 'SUCCESS' | 'CANCELLED' | 'ERROR';
  readonly method: 'CONNECT' | 'RECONNECT';
  readonly entityId?: string | undefined;
  readonly message?: string | undefined;
}

interface LinkPageMessage {
  source: 'lean-sandbox-link';
  status: LinkResult['status'];
  method: LinkResult['method'];
  entity_id?: string;
  message?: string;
}

/**
 * Lean's Link SDK, as the emulator stands in for it: its Link page in an iframe over the app, which
 * posts the outcome back (as `Lean.connect`'s callback would). With a real Lean, this is the one
 * place to change: call `Lean.connect({ ...options, callback })` or
 * `Lean.reconnect({ app_token, reconnect_id, callback })` here instead (see the README).
 */
export function LinkOverlay({ request, sandboxUrl, onFinished }: { request: LinkRequest; sandboxUrl: string | null; onFinished: (result: LinkResult) => void }) {
  const source = useMemo(() => (sandboxUrl === null ? undefined : linkPageUrl(sandboxUrl, request)), [sandboxUrl, request]);
  useEffect(() => {
    if (sandboxUrl === null) return undefined;
    const expectedOrigin = new URL(sandboxUrl).origin;
    const listen = (event: MessageEvent<unknown>) => {
      if (event.origin !== expectedOrigin || !isLinkPageMessage(event.data)) return;
      onFinished({ status: event.data.status, method: event.data.method, entityId: event.data.entity_id, message: event.data.message });
    };
    window.addEventListener('message', listen);
    return () => window.removeEventListener('message', listen);
  }, [sandboxUrl, onFinished]);
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-label="Link your bank">
      {source === undefined ? (
        <div className="card">
          <p role="alert" className="error">No Link page: this gateway runs without the Lean emulator. With a real Lean, the Link SDK opens here.</p>
          <button type="button" onClick={() => onFinished({ status: 'CANCELLED', method: request.kind === 'connect' ? 'CONNECT' : 'RECONNECT' })}>
            Close
          </button>
        </div>
      ) : (
        <iframe title="Lean Link" src={source} className="link-frame" />
      )}
    </div>
  );
}

function linkPageUrl(sandboxUrl: string, request: LinkRequest): string {
  const url = new URL('/sandbox/link', sandboxUrl);
  if (request.kind === 'connect') url.searchParams.set('options', JSON.stringify(request.options));
  else url.searchParams.set('reconnect_id', request.reconnectId);
  url.searchParams.set('origin', window.location.origin);
  return url.toString();
}

function isLinkPageMessage(data: unknown): data is LinkPageMessage {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as Record<string, unknown>;
  return (
    message['source'] === 'lean-sandbox-link' &&
    (message['status'] === 'SUCCESS' || message['status'] === 'CANCELLED' || message['status'] === 'ERROR') &&
    (message['method'] === 'CONNECT' || message['method'] === 'RECONNECT')
  );
}
