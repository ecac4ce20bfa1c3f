import { isLocalUrl } from '../local-url';

interface BankLook {
  readonly identifier: string;
  readonly name: string | null;
  readonly logo: string | null;
  readonly mainColor: string | null;
  readonly backgroundColor: string | null;
}

/**
 * The bank's logo on its background colour. A logo on another host is not loaded (the app asks
 * nothing of the internet): the bank's initials in its colours stand in for it.
 */
export function BankBadge({ bank }: { bank: BankLook }) {
  const style = { background: bank.backgroundColor ?? '#e8ecef', color: bank.mainColor ?? '#1a2b34' };
  if (bank.logo !== null && isLocalUrl(bank.logo)) {
    return <img className="bank-badge" src={bank.logo} alt="" style={style} />;
  }
  const initials = (bank.name ?? bank.identifier)
    .split(/\s+/)
    .map((word) => word.charAt(0))
    .join('')
    .slice(0, 3)
    .toUpperCase();
  return (
    <span className="bank-badge" style={style} aria-hidden="true">
      {initials}
    </span>
  );
}
