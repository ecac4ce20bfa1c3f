import { tolerantEnum } from './tolerant-enum.js';

// The enum-like values of SAMA's per-account datasets; each field that uses one has its text beside it.

export const MandateStatus = tolerantEnum('MandateStatus', 'Whether a direct debit or standing order is in force (`status_code`).', {
  ACTIVE: 'In force: the bank pays it.',
  INACTIVE: 'Stopped or not yet started.',
});

export const PaymentFrequency = tolerantEnum('PaymentFrequency', 'How often a direct debit or standing order pays.', {
  DAILY: 'Every day.',
  WEEKLY: 'Every week.',
  FORTNIGHTLY: 'Every two weeks.',
  MONTHLY: 'Every month.',
  QUARTERLY: 'Every three months.',
  HALF_YEARLY: 'Every six months.',
  YEARLY: 'Every year.',
});

export const ScheduledPaymentTiming = tolerantEnum('ScheduledPaymentTiming', 'What the day of a scheduled payment means (`scheduled_type`).', {
  ARRIVAL: 'The money arrives on that day.',
  EXECUTION: 'The bank sends the money on that day.',
});

export const PartyType = tolerantEnum('PartyType', "How a party holds the account (Lean's `party_type`).", {
  SOLE: 'The one holder.',
  JOINT: 'One of several holders.',
  DELEGATE: 'Acts for the holder.',
  UNSUPPORTED: 'The bank does not say.',
});

export const AccountRole = tolerantEnum('AccountRole', "A party's role on the account (Lean's `account_role`).", {
  BENEFICIARY: 'Benefits from the account.',
  POWER_OF_ATTORNEY: 'Acts for the holder under a power of attorney.',
});
