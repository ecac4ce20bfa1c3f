import type { BalanceEntry as BalanceEntryShape, CreditLine as CreditLineShape } from '../model/balance.js';
import { HEADLINE_BALANCE_TYPES } from '../model/balance.js';
import { builder } from './builder.js';
import { StaleReason } from './outcomes.js';
import { BalanceRef } from './refs.js';

const CreditDebit = builder.enumType('CreditDebit', {
  description: 'Which side of zero a balance is on, as the bank says it.',
  values: {
    CREDIT: { value: 'CREDIT', description: "In credit: the money is the holder's (the amount is positive, or zero)." },
    DEBIT: { value: 'DEBIT', description: 'In debit: the holder owes it (the amount is negative).' },
  } as const,
});

const CreditLine = builder.objectRef<CreditLineShape>('CreditLine').implement({
  description: 'Credit the bank grants on an account (an overdraft, a card limit), as it reports it beside a balance.',
  fields: (t) => ({
    type: t.exposeString('type', { nullable: true, description: "Lean's credit line type as sent: EMERGENCY, TEMPORARY, CREDIT, AVAILABLE, PRE_AGREED …" }),
    included: t.exposeBoolean('included', { nullable: true, description: "Whether the balance's amount includes this credit; null when the bank does not say." }),
    amount: t.field({ type: 'Decimal', description: 'The credit, exact.', resolve: (line) => line.amount }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code.' }),
  }),
});

const BalanceEntry = builder.objectRef<BalanceEntryShape>('BalanceEntry').implement({
  description: "One balance of an account, of one of Lean's balance types (v2 only).",
  fields: (t) => ({
    type: t.exposeString('type', {
      description: "Lean's balance type as sent: CLOSING_AVAILABLE, CLOSING_BOOKED, EXPECTED, INTERIM_AVAILABLE, INTERIM_BOOKED … (a type Lean adds later passes as it is).",
    }),
    amount: t.field({ type: 'Decimal', description: 'The balance, exact: negative when the bank says DEBIT (money owed).', resolve: (entry) => entry.amount }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code.' }),
    creditDebit: t.field({ type: CreditDebit, nullable: true, description: 'Which side of zero the bank says the balance is on; null when it does not say.', resolve: (entry) => entry.creditDebit }),
    dateTime: t.field({ type: 'DateTime', nullable: true, description: 'When the bank struck the balance; null when it does not say.', resolve: (entry) => entry.dateTime }),
    creditLines: t.field({
      type: [CreditLine],
      description: 'The credit lines the bank reports with this balance; empty when there are none.',
      resolve: (entry) => entry.creditLines,
    }),
  }),
});

BalanceRef.implement({
  description: 'The balance of an account.',
  fields: (t) => ({
    amount: t.field({
      type: 'Decimal',
      description: `The balance, exact (negative for money owed). From Lean's v1 API: Lean's current balance. From v2: the signed amount of the balance type \`type\` names, the first the bank reports of ${HEADLINE_BALANCE_TYPES.join(', ')} (else the first it lists).`,
      resolve: (balance) => balance.amount,
    }),
    currency: t.exposeString('currency', { description: 'ISO 4217 currency code.' }),
    type: t.exposeString('type', {
      nullable: true,
      description: "The balance type `amount` is (e.g. INTERIM_AVAILABLE); null from Lean's v1 API, whose one balance is Lean's current balance.",
    }),
    breakdown: t.field({
      type: [BalanceEntry],
      description:
        "Every balance the bank reported, one per balance type (CLOSING_AVAILABLE, CLOSING_BOOKED, CLOSING_CLEARED, EXPECTED, FORWARD_AVAILABLE, INFORMATION, INTERIM_AVAILABLE, INTERIM_BOOKED, INTERIM_CLEARED, OPENING_AVAILABLE, OPENING_BOOKED, OPENING_CLEARED, PREVIOUSLY_CLOSED_BOOKED …), in the bank's order, with its credit lines; empty from Lean's v1 API.",
      resolve: (balance) => balance.breakdown,
    }),
    fetchedAt: t.field({ type: 'DateTime', description: 'When the gateway read it from Lean.', resolve: (balance) => balance.fetchedAt }),
    stale: t.exposeBoolean('stale', {
      description: 'True when this is the copy fetched earlier, served because Lean failed or because the bank is down (see `staleReason`); the response `errors` then say why.',
    }),
    staleReason: t.field({
      type: StaleReason,
      nullable: true,
      description: 'Why the copy fetched earlier was served (`stale` true); null for a fresh answer.',
      resolve: (balance) => balance.staleReason ?? (balance.stale ? 'UPSTREAM_FAILED' : null),
    }),
  }),
});
