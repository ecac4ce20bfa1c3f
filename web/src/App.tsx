import { useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { createGatewayClient } from './client';
import { CustomerGate } from './components/CustomerGate';
import { SignIn } from './components/SignIn';
import { loadDevConfig, type DevConfig } from './dev-config';
import { loadSession, saveSession, type Session } from './session';

/** Sign-in first; then everything runs as that end user, over one urql client. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const signedIn = (next: Session | undefined) => {
    saveSession(next);
    setSession(next);
  };
  if (session === undefined) return <SignIn onSignedIn={signedIn} />;
  return <SignedIn key={session.token} session={session} onSignOut={() => signedIn(undefined)} />;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const gateway = useMemo(() => createGatewayClient(session.token), [session.token]);
  useEffect(() => () => gateway.dispose(), [gateway]);
  const [devConfig, setDevConfig] = useState<DevConfig | undefined>();
  useEffect(() => {
    void loadDevConfig().then(setDevConfig);
  }, []);
  return (
    <Provider value={gateway.client}>
      <header className="top">
        <h1>Open banking</h1>
        <span className="who">
          Signed in as <strong>{session.appUserId}</strong>
          <button type="button" className="link-button" onClick={onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>{devConfig === undefined ? <p role="status">Loading…</p> : <CustomerGate devConfig={devConfig} />}</main>
    </Provider>
  );
}
