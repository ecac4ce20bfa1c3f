import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { REGION_PERMISSIONS, type ListedBank } from '../banks';
import { WebBanksDocument, WebPrepareLinkDocument, type LeanPermission, type Region } from '../gql/graphql';
import { BankBadge } from './BankBadge';

type FieldErrors = Partial<Record<'bankIdentifier' | 'permissions' | 'accessFrom' | 'accessTo' | 'form', string[]>>;

/** Pick a bank and what to share, check it with `prepareLink`, and hand its options to the Link page. */
export function LinkBank({ customerId, onPrepared, onCancel }: { customerId: string; onPrepared: (options: Record<string, unknown>) => void; onCancel?: (() => void) | undefined }) {
  const [region, setRegion] = useState<Region>('UAE');
  const [banks] = useQuery({ query: WebBanksDocument, variables: { region } });
  const [bankIdentifier, setBankIdentifier] = useState('');
  const [permissions, setPermissions] = useState<Set<LeanPermission>>(new Set());
  const [accessFrom, setAccessFrom] = useState(daysFromToday(-365));
  const [accessTo, setAccessTo] = useState(daysFromToday(90));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [prepared, prepareLink] = useMutation(WebPrepareLinkDocument);

  const offered = REGION_PERMISSIONS[region];
  const toggle = (permission: LeanPermission) =>
    setPermissions((current) => {
      const next = new Set(current);
      if (next.has(permission)) next.delete(permission);
      else next.add(permission);
      return next;
    });
  const chooseRegion = (next: Region) => {
    setRegion(next);
    setBankIdentifier('');
    setPermissions(new Set());
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    const ksa = region === 'KSA';
    void prepareLink({
      customerId,
      bankIdentifier: bankIdentifier === '' ? null : bankIdentifier,
      permissions: offered.filter((permission) => permissions.has(permission)),
      accessFrom: ksa ? `${accessFrom}T00:00:00` : null,
      accessTo: ksa ? `${accessTo}T23:59:59` : null,
    }).then((result) => {
      if (result.data?.prepareLink !== undefined) onPrepared(result.data.prepareLink.options);
      else if (result.error !== undefined) setErrors(fieldErrorsOf(result.error));
    });
  };

  return (
    <form className="card link-bank" onSubmit={submit} aria-label="Link a bank">
      <h2>Link a bank</h2>
      <fieldset className="regions">
        <legend>Region</legend>
        {(['UAE', 'KSA'] as const).map((option) => (
          <label key={option}>
            <input type="radio" name="region" checked={region === option} onChange={() => chooseRegion(option)} />
            {option === 'UAE' ? 'United Arab Emirates' : 'Saudi Arabia'}
          </label>
        ))}
      </fieldset>

      <fieldset>
        <legend>Bank</legend>
        {banks.error !== undefined || banks.data === undefined ? (
          <label>
            Bank identifier
            <input value={bankIdentifier} onChange={(event) => setBankIdentifier(event.target.value.trim())} placeholder="e.g. LEANMB1" />
            {banks.error !== undefined && <span className="hint">The gateway lists no banks here; type Lean’s identifier of the bank.</span>}
          </label>
        ) : (
          <div className="bank-grid" role="radiogroup" aria-label="Bank">
            {banks.data.banks.map((bank) => (
              <BankChoice key={bank.identifier} bank={bank} selected={bank.identifier === bankIdentifier} onSelect={() => setBankIdentifier(bank.identifier)} />
            ))}
          </div>
        )}
        <FieldError messages={errors.bankIdentifier} />
      </fieldset>

      <fieldset>
        <legend>What to share</legend>
        <div className="permissions">
          {offered.map((permission) => (
            <label key={permission}>
              <input type="checkbox" checked={permissions.has(permission)} onChange={() => toggle(permission)} />
              {permissionLabel(permission)}
            </label>
          ))}
        </div>
        <FieldError messages={errors.permissions} />
      </fieldset>

      {region === 'KSA' && (
        <fieldset className="consent-window">
          <legend>Consent window</legend>
          <label>
            Transactions from
            <input type="date" value={accessFrom} onChange={(event) => setAccessFrom(event.target.value)} />
          </label>
          <FieldError messages={errors.accessFrom} />
          <label>
            Consent until
            <input type="date" value={accessTo} onChange={(event) => setAccessTo(event.target.value)} />
          </label>
          <FieldError messages={errors.accessTo} />
        </fieldset>
      )}

      <FieldError messages={errors.form} />
      <div className="actions">
        <button type="submit" disabled={prepared.fetching}>
          Continue to your bank
        </button>
        {onCancel !== undefined && (
          <button type="button" className="secondary" onClick={onCancel}>
            Not now
          </button>
        )}
      </div>
    </form>
  );
}

function BankChoice({ bank, selected, onSelect }: { bank: ListedBank; selected: boolean; onSelect: () => void }) {
  const unavailable = !bank.availability.data;
  return (
    <button
      type="button"
      role="radio"
      aria-checked={selected}
      aria-label={bank.name ?? bank.identifier}
      data-testid={`bank-${bank.identifier}`}
      className={selected ? 'bank-choice selected' : 'bank-choice'}
      style={{ borderColor: selected ? (bank.mainColor ?? undefined) : undefined }}
      disabled={unavailable}
      onClick={onSelect}
    >
      <BankBadge bank={bank} />
      <span>{bank.name ?? bank.identifier}</span>
      <small>
        {bank.identifier} · {bank.region}
        {unavailable ? ' · unavailable' : ''}
      </small>
    </button>
  );
}

function FieldError({ messages }: { messages: string[] | undefined }) {
  if (messages === undefined || messages.length === 0) return null;
  return (
    <ul className="field-error" role="alert">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}

/** prepareLink's rule errors carry `extensions.argument`: each is shown next to the field it names. */
function fieldErrorsOf(error: CombinedError): FieldErrors {
  const fields: FieldErrors = {};
  const add = (field: keyof FieldErrors, message: string) => (fields[field] = [...(fields[field] ?? []), message]);
  if (error.networkError !== undefined) add('form', 'The gateway could not be reached.');
  for (const graphQLError of error.graphQLErrors) {
    const argument = graphQLError.extensions['argument'];
    if (argument === 'permissions' || argument === 'accessFrom' || argument === 'accessTo' || argument === 'bankIdentifier') add(argument, graphQLError.message);
    else add('form', graphQLError.message);
  }
  return fields;
}

function permissionLabel(permission: LeanPermission): string {
  const text = permission.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function daysFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}
