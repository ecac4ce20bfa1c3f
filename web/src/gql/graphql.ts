/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Whether the linked bank account is a personal (retail) or a business (corporate) one. */
export type AccountType =
  /** A business (corporate) account; identity is not available for it in the UAE. */
  | 'BUSINESS'
  /** A personal (retail) account. */
  | 'PERSONAL';

/** How long a consent lasts, by SAMA rules: from when it is given to its `access_to` (its expiry). */
export type ConsentKind =
  /** Expires more than 24 hours (and at most a year) after it was given. */
  | 'LONG_LIVED'
  /** Has no expiry. */
  | 'OPEN_ENDED'
  /** Expires at most 24 hours after it was given. */
  | 'SINGLE_USE';

/** Whether the link to the bank works. */
export type EntityStatus =
  /** Linked: data can be read. */
  | 'ACTIVE'
  /** Unlinked (by the user, or Lean no longer lists it); its bank data was deleted. */
  | 'DISCONNECTED'
  /** The bank session ended: the user must run `Lean.reconnect` with `reconnectId`. */
  | 'RECONNECT_REQUIRED';

/** A data permission a user grants when linking a bank. The UAE offers the first four; KSA (SAMA open banking) all. */
export type LeanPermission =
  /** The list of accounts. */
  | 'ACCOUNTS'
  /** The balance of each account. */
  | 'BALANCE'
  /** Beneficiaries (KSA only). */
  | 'BENEFICIARIES'
  /** Direct debits (KSA only). */
  | 'DIRECT_DEBITS'
  /** The identities of every party to the accounts (KSA only). */
  | 'IDENTITIES'
  /** The account holder's identity (not for BUSINESS accounts in the UAE). */
  | 'IDENTITY'
  /** Scheduled payments (KSA only). */
  | 'SCHEDULED_PAYMENTS'
  /** Standing orders (KSA only). */
  | 'STANDING_ORDERS'
  /** The transactions of each account. */
  | 'TRANSACTIONS';

/** The kind of caller an operation runs as. */
export type PrincipalKind =
  /** An end user authenticated with a JWT; they may see only their own customer's data. */
  | 'END_USER'
  /** A backend service authenticated with an API key; it may see every customer. */
  | 'SERVICE';

/** Where a bank is: Lean serves the United Arab Emirates and Saudi Arabia. */
export type Region =
  /** Kingdom of Saudi Arabia (SAMA open banking). */
  | 'KSA'
  /** United Arab Emirates. */
  | 'UAE';

/** Lean's spending category of a transaction. A category this gateway does not know yet reads as OTHER, never as an error. */
export type TransactionCategory =
  /** Bank fees and charges. */
  | 'BANK_FEES_AND_CHARGES'
  /** Donations. */
  | 'CHARITY'
  /** Schools, courses, books. */
  | 'EDUCATION'
  /** Leisure and subscriptions. */
  | 'ENTERTAINMENT'
  /** Government fees and fines. */
  | 'GOVERNMENT'
  /** Supermarkets and groceries. */
  | 'GROCERIES'
  /** Health care, pharmacies, fitness. */
  | 'HEALTH_AND_WELLBEING'
  /** Loan repayments and investments (Lean also spells it LOANS_AND_INVESTMENT). */
  | 'LOANS_AND_INVESTMENTS'
  /** Anything else — and the fallback for any category Lean adds later (its text is in `categoryCode`). */
  | 'OTHER'
  /** Rent, utilities and services. */
  | 'RENT_AND_SERVICES'
  /** Restaurants and dining. */
  | 'RESTAURANTS_DINING'
  /** Shopping. */
  | 'RETAIL'
  /** Salary and other income. */
  | 'SALARY_AND_REVENUE'
  /** Transfers between accounts or people. */
  | 'TRANSFER'
  /** Fuel, taxis, public transport. */
  | 'TRANSPORT'
  /** Flights, hotels, travel. */
  | 'TRAVEL';

/** Whether money came in or went out. */
export type TransactionDirection =
  /** Money in (a positive amount, or zero). */
  | 'CREDIT'
  /** Money out (a negative amount). */
  | 'DEBIT';

export type WebBanksQueryVariables = Exact<{
  region?: Region | null | undefined;
}>;


export type WebBanksQuery = { banks: Array<{ identifier: string, name: string | null, logo: string | null, mainColor: string | null, backgroundColor: string | null, region: Region, accountTypes: Array<AccountType>, availability: { data: boolean } }> };

export type WebCreateCustomerMutationVariables = Exact<{
  appUserId: string;
}>;


export type WebCreateCustomerMutation = { createCustomer: { id: string, appUserId: string, leanCustomerId: string } };

export type WebDisconnectEntityMutationVariables = Exact<{
  entityId: string | number;
}>;


export type WebDisconnectEntityMutation = { disconnectEntity: { id: string, status: EntityStatus } };

export type WebEntitiesQueryVariables = Exact<{
  customerId: string | number;
}>;


export type WebEntitiesQuery = { customer: { id: string, entities: Array<{ id: string, leanEntityId: string, status: EntityStatus, reconnectId: string | null, permissions: Array<LeanPermission>, accounts:
        | { __typename: 'AccountList', accounts: Array<{ id: string, name: string | null, type: string | null, currency: string, balance:
              | { __typename: 'Balance', amount: string, currency: string, fetchedAt: string, stale: boolean }
              | { __typename: 'BankUnavailable', message: string }
              | { __typename: 'ConsentExpired', entityId: string, message: string }
              | { __typename: 'ReconnectRequired', entityId: string, reconnectId: string, resultsId: string, message: string }
              | { __typename: 'ResultsPending', resultsId: string, message: string }
             | null }> }
        | { __typename: 'BankUnavailable', message: string }
        | { __typename: 'ConsentExpired', entityId: string, message: string }
        | { __typename: 'ReconnectRequired', entityId: string, reconnectId: string, resultsId: string, message: string }
        | { __typename: 'ResultsPending', resultsId: string, message: string }
       | null, bank: { identifier: string, name: string | null, logo: string | null, mainColor: string | null, backgroundColor: string | null, region: Region } }> | null } | null };

type WebOutcome_BankUnavailable_Fragment = { __typename: 'BankUnavailable', message: string };

type WebOutcome_ConsentExpired_Fragment = { __typename: 'ConsentExpired', entityId: string, message: string };

type WebOutcome_DatasetNotOffered_Fragment = { __typename: 'DatasetNotOffered', message: string };

type WebOutcome_PermissionNotGranted_Fragment = { __typename: 'PermissionNotGranted', message: string };

type WebOutcome_ReconnectRequired_Fragment = { __typename: 'ReconnectRequired', entityId: string, reconnectId: string, resultsId: string, message: string };

type WebOutcome_ResultsPending_Fragment = { __typename: 'ResultsPending', resultsId: string, message: string };

export type WebOutcomeFragment =
  | WebOutcome_BankUnavailable_Fragment
  | WebOutcome_ConsentExpired_Fragment
  | WebOutcome_DatasetNotOffered_Fragment
  | WebOutcome_PermissionNotGranted_Fragment
  | WebOutcome_ReconnectRequired_Fragment
  | WebOutcome_ResultsPending_Fragment
;

export type WebBankFragment = { identifier: string, name: string | null, logo: string | null, mainColor: string | null, backgroundColor: string | null, region: Region };

export type WebEntityFragment = { id: string, leanEntityId: string, status: EntityStatus, reconnectId: string | null, permissions: Array<LeanPermission>, bank: { identifier: string, name: string | null, logo: string | null, mainColor: string | null, backgroundColor: string | null, region: Region } };

export type WebTransactionFragment = { id: string, timestamp: string, amount: string, currency: string, direction: TransactionDirection, description: string | null, pending: boolean, insights: { category: TransactionCategory, descriptionCleansed: string | null } | null };

export type WebPrepareLinkMutationVariables = Exact<{
  customerId: string | number;
  permissions: Array<LeanPermission> | LeanPermission;
  bankIdentifier?: string | null | undefined;
  accessFrom?: string | null | undefined;
  accessTo?: string | null | undefined;
}>;


export type WebPrepareLinkMutation = { prepareLink: { options: Record<string, unknown>, consentKind: ConsentKind, permissions: Array<LeanPermission>, bankIdentifier: string | null } };

export type WebRefreshEntityMutationVariables = Exact<{
  entityId: string | number;
}>;


export type WebRefreshEntityMutation = { refreshEntity: { id: string, status: EntityStatus, reconnectId: string | null } };

export type WebEntityLinkedSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type WebEntityLinkedSubscription = { entityLinked: { id: string, leanEntityId: string, status: EntityStatus, reconnectId: string | null, permissions: Array<LeanPermission>, bank: { identifier: string, name: string | null, logo: string | null, mainColor: string | null, backgroundColor: string | null, region: Region } } };

export type WebEntityReconnectedSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type WebEntityReconnectedSubscription = { entityReconnected: { id: string, leanEntityId: string, status: EntityStatus, reconnectId: string | null, permissions: Array<LeanPermission>, bank: { identifier: string, name: string | null, logo: string | null, mainColor: string | null, backgroundColor: string | null, region: Region } } };

export type WebReconnectRequiredSubscriptionVariables = Exact<{
  customerId: string | number;
}>;


export type WebReconnectRequiredSubscription = { reconnectRequired: { reconnectId: string, resultsId: string, entity: { id: string } } };

export type WebResultsReadySubscriptionVariables = Exact<{
  resultsId: string;
}>;


export type WebResultsReadySubscription = { resultsReady:
    | { __typename: 'AccountDatasetReady' }
    | { __typename: 'AccountsReady', resultsId: string }
    | { __typename: 'BalanceReady', resultsId: string }
    | { __typename: 'IdentityReady', resultsId: string }
    | { __typename: 'TransactionsReady', resultsId: string }
   };

export type WebTransactionsQueryVariables = Exact<{
  accountId: string | number;
  from?: string | null | undefined;
  to?: string | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  categories?: Array<TransactionCategory> | TransactionCategory | null | undefined;
  direction?: TransactionDirection | null | undefined;
}>;


export type WebTransactionsQuery = { node:
    | { __typename: 'Account', id: string, transactions:
        | { __typename: 'BankUnavailable', message: string }
        | { __typename: 'ConsentExpired', entityId: string, message: string }
        | { __typename: 'ReconnectRequired', entityId: string, reconnectId: string, resultsId: string, message: string }
        | { __typename: 'ResultsPending', resultsId: string, message: string }
        | { __typename: 'TransactionConnection', edges: Array<{ cursor: string, node: { id: string, timestamp: string, amount: string, currency: string, direction: TransactionDirection, description: string | null, pending: boolean, insights: { category: TransactionCategory, descriptionCleansed: string | null } | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } }
       | null }
    | { __typename: 'Customer' }
    | { __typename: 'Entity' }
    | { __typename: 'Transaction' }
   | null };

export type WebViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type WebViewerQuery = { viewer: { kind: PrincipalKind, appUserId: string | null, customer: { id: string, appUserId: string, leanCustomerId: string } | null } };

export const WebOutcomeFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeanOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ResultsPending"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ReconnectRequired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityId"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConsentExpired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityId"}}]}}]}}]} as unknown as DocumentNode<WebOutcomeFragment, unknown>;
export const WebBankFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebBank"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Bank"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identifier"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"logo"}},{"kind":"Field","name":{"kind":"Name","value":"mainColor"}},{"kind":"Field","name":{"kind":"Name","value":"backgroundColor"}},{"kind":"Field","name":{"kind":"Name","value":"region"}}]}}]} as unknown as DocumentNode<WebBankFragment, unknown>;
export const WebEntityFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebEntity"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Entity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"leanEntityId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"bank"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebBank"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebBank"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Bank"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identifier"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"logo"}},{"kind":"Field","name":{"kind":"Name","value":"mainColor"}},{"kind":"Field","name":{"kind":"Name","value":"backgroundColor"}},{"kind":"Field","name":{"kind":"Name","value":"region"}}]}}]} as unknown as DocumentNode<WebEntityFragment, unknown>;
export const WebTransactionFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebTransaction"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Transaction"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"insights"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"descriptionCleansed"}}]}}]}}]} as unknown as DocumentNode<WebTransactionFragment, unknown>;
export const WebBanksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebBanks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"region"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Region"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"banks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"region"},"value":{"kind":"Variable","name":{"kind":"Name","value":"region"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identifier"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"logo"}},{"kind":"Field","name":{"kind":"Name","value":"mainColor"}},{"kind":"Field","name":{"kind":"Name","value":"backgroundColor"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"accountTypes"}},{"kind":"Field","name":{"kind":"Name","value":"availability"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"data"}}]}}]}}]}}]} as unknown as DocumentNode<WebBanksQuery, WebBanksQueryVariables>;
export const WebCreateCustomerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebCreateCustomer"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"appUserId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCustomer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"appUserId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"appUserId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"appUserId"}},{"kind":"Field","name":{"kind":"Name","value":"leanCustomerId"}}]}}]}}]} as unknown as DocumentNode<WebCreateCustomerMutation, WebCreateCustomerMutationVariables>;
export const WebDisconnectEntityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebDisconnectEntity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"entityId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disconnectEntity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"entityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"entityId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<WebDisconnectEntityMutation, WebDisconnectEntityMutationVariables>;
export const WebEntitiesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebEntities"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"customer"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"entities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebEntity"}},{"kind":"Field","name":{"kind":"Name","value":"accounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Balance"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"fetchedAt"}},{"kind":"Field","name":{"kind":"Name","value":"stale"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebOutcome"}}]}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebOutcome"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebBank"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Bank"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identifier"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"logo"}},{"kind":"Field","name":{"kind":"Name","value":"mainColor"}},{"kind":"Field","name":{"kind":"Name","value":"backgroundColor"}},{"kind":"Field","name":{"kind":"Name","value":"region"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebEntity"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Entity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"leanEntityId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"bank"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebBank"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeanOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ResultsPending"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ReconnectRequired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityId"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConsentExpired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityId"}}]}}]}}]} as unknown as DocumentNode<WebEntitiesQuery, WebEntitiesQueryVariables>;
export const WebPrepareLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebPrepareLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"permissions"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LeanPermission"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"bankIdentifier"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accessFrom"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accessTo"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"prepareLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}},{"kind":"Argument","name":{"kind":"Name","value":"permissions"},"value":{"kind":"Variable","name":{"kind":"Name","value":"permissions"}}},{"kind":"Argument","name":{"kind":"Name","value":"bankIdentifier"},"value":{"kind":"Variable","name":{"kind":"Name","value":"bankIdentifier"}}},{"kind":"Argument","name":{"kind":"Name","value":"accessFrom"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accessFrom"}}},{"kind":"Argument","name":{"kind":"Name","value":"accessTo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accessTo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"options"}},{"kind":"Field","name":{"kind":"Name","value":"consentKind"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"bankIdentifier"}}]}}]}}]} as unknown as DocumentNode<WebPrepareLinkMutation, WebPrepareLinkMutationVariables>;
export const WebRefreshEntityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"WebRefreshEntity"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"entityId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshEntity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"entityId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"entityId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}}]}}]}}]} as unknown as DocumentNode<WebRefreshEntityMutation, WebRefreshEntityMutationVariables>;
export const WebEntityLinkedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WebEntityLinked"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityLinked"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebEntity"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebBank"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Bank"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identifier"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"logo"}},{"kind":"Field","name":{"kind":"Name","value":"mainColor"}},{"kind":"Field","name":{"kind":"Name","value":"backgroundColor"}},{"kind":"Field","name":{"kind":"Name","value":"region"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebEntity"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Entity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"leanEntityId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"bank"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebBank"}}]}}]}}]} as unknown as DocumentNode<WebEntityLinkedSubscription, WebEntityLinkedSubscriptionVariables>;
export const WebEntityReconnectedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WebEntityReconnected"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityReconnected"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebEntity"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebBank"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Bank"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"identifier"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"logo"}},{"kind":"Field","name":{"kind":"Name","value":"mainColor"}},{"kind":"Field","name":{"kind":"Name","value":"backgroundColor"}},{"kind":"Field","name":{"kind":"Name","value":"region"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebEntity"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Entity"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"leanEntityId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"bank"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebBank"}}]}}]}}]} as unknown as DocumentNode<WebEntityReconnectedSubscription, WebEntityReconnectedSubscriptionVariables>;
export const WebReconnectRequiredDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WebReconnectRequired"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reconnectRequired"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"customerId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"customerId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}}]}}]} as unknown as DocumentNode<WebReconnectRequiredSubscription, WebReconnectRequiredSubscriptionVariables>;
export const WebResultsReadyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WebResultsReady"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"resultsId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsReady"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"resultsId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"resultsId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"AccountsReady"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"BalanceReady"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TransactionsReady"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"IdentityReady"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}}]}}]}}]} as unknown as DocumentNode<WebResultsReadySubscription, WebResultsReadySubscriptionVariables>;
export const WebTransactionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebTransactions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"categories"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TransactionCategory"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"direction"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"TransactionDirection"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"accountId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Account"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"transactions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"categories"},"value":{"kind":"Variable","name":{"kind":"Name","value":"categories"}}},{"kind":"Argument","name":{"kind":"Name","value":"direction"},"value":{"kind":"Variable","name":{"kind":"Name","value":"direction"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TransactionConnection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebTransaction"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"WebOutcome"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebTransaction"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Transaction"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"insights"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"category"}},{"kind":"Field","name":{"kind":"Name","value":"descriptionCleansed"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"WebOutcome"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeanOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ResultsPending"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ReconnectRequired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityId"}},{"kind":"Field","name":{"kind":"Name","value":"reconnectId"}},{"kind":"Field","name":{"kind":"Name","value":"resultsId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ConsentExpired"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"entityId"}}]}}]}}]} as unknown as DocumentNode<WebTransactionsQuery, WebTransactionsQueryVariables>;
export const WebViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"WebViewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"appUserId"}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"appUserId"}},{"kind":"Field","name":{"kind":"Name","value":"leanCustomerId"}}]}}]}}]}}]} as unknown as DocumentNode<WebViewerQuery, WebViewerQueryVariables>;