import { useState, type FormEvent } from 'react';
import type { TransactionCategory, TransactionDirection } from '../gql/graphql';

/** What `Account.transactions` can filter on. */
export interface Filters {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly direction?: TransactionDirection | undefined;
  readonly categories?: TransactionCategory[] | undefined;
}

const CATEGORIES: readonly TransactionCategory[] = [
  'BANK_FEES_AND_CHARGES',
  'CHARITY',
  'EDUCATION',
  'ENTERTAINMENT',
  'GOVERNMENT',
  'GROCERIES',
  'HEALTH_AND_WELLBEING',
  'LOANS_AND_INVESTMENTS',
  'OTHER',
  'RENT_AND_SERVICES',
  'RESTAURANTS_DINING',
  'RETAIL',
  'SALARY_AND_REVENUE',
  'TRANSFER',
  'TRANSPORT',
  'TRAVEL',
];

export function TransactionFilters({ value, onApply }: { value: Filters; onApply: (filters: Filters) => void }) {
  const [from, setFrom] = useState(value.from ?? '');
  const [to, setTo] = useState(value.to ?? '');
  const [direction, setDirection] = useState<TransactionDirection | ''>(value.direction ?? '');
  const [category, setCategory] = useState<TransactionCategory | ''>(value.categories?.[0] ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({
      from: from === '' ? undefined : from,
      to: to === '' ? undefined : to,
      direction: direction === '' ? undefined : direction,
      categories: category === '' ? undefined : [category],
    });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filter transactions">
      <label>
        From
        <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
      </label>
      <label>
        To
        <input type="date" value={to} onChange={(event) => setTo(event.target.value)} />
      </label>
      <label>
        Direction
        <select value={direction} onChange={(event) => setDirection(event.target.value as TransactionDirection | '')}>
          <option value="">Both</option>
          <option value="CREDIT">Money in</option>
          <option value="DEBIT">Money out</option>
        </select>
      </label>
      <label>
        Category
        <select value={category} onChange={(event) => setCategory(event.target.value as TransactionCategory | '')}>
          <option value="">Any</option>
          {CATEGORIES.map((option) => (
            <option key={option} value={option}>
              {option.charAt(0) + option.slice(1).toLowerCase().replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}
