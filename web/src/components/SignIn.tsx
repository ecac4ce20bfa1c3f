import { useState, type FormEvent } from 'react';
import { signIn, type Session } from '../session';

/** Development sign-in: any app user id gets a token from the gateway (`POST /dev/sign-in`). */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [appUserId, setAppUserId] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    signIn(appUserId.trim())
      .then(onSignedIn)
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : 'Sign-in failed.'))
      .finally(() => setBusy(false));
  };
  return (
    <main className="sign-in">
      <h1>Open banking</h1>
      <form onSubmit={submit} className="card">
        <h2>Sign in</h2>
        <p className="hint">Development sign-in: the gateway issues a token for the app user id you type.</p>
        <label>
          App user id
          <input value={appUserId} onChange={(event) => setAppUserId(event.target.value)} required maxLength={255} autoFocus />
        </label>
        {error !== undefined && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy || appUserId.trim() === ''}>
          Sign in
        </button>
      </form>
    </main>
  );
}
