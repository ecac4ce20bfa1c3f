import type { BankAgent as BankAgentShape, CounterpartyAccount as CounterpartyAccountShape } from '../model/counterparty-account.js';
import { builder } from './builder.js';
import { PERSONAL_DATA_NOTE } from './personal-data.js';

export const CounterpartyAccount = builder.objectRef<CounterpartyAccountShape>('CounterpartyAccount').implement({
  description: `The account money goes to, as the bank names it in a SAMA dataset. ${PERSONAL_DATA_NOTE}`,
  fields: (t) => ({
    schemeName: t.exposeString('schemeName', { nullable: true, description: 'What `identification` is, as the bank says it: IBAN, PAN …' }),
    identification: t.exposeString('identification', { nullable: true, description: 'The account: an IBAN, a masked card number …' }),
    name: t.exposeString('name', { nullable: true, description: "The account holder's name as the bank gives it." }),
  }),
});

export const BankAgent = builder.objectRef<BankAgentShape>('BankAgent').implement({
  description: "The bank that holds a counterparty's account (Lean's `creditor_agent`).",
  fields: (t) => ({
    schemeName: t.exposeString('schemeName', { nullable: true, description: 'What `identification` is: BICFI …' }),
    identification: t.exposeString('identification', { nullable: true, description: "The bank's code, e.g. a SAMA participant code `KSAOB.SASABB`." }),
    name: t.exposeString('name', { nullable: true, description: "The bank's name, where the bank gives it." }),
  }),
});
