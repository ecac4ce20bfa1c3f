/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query WebBanks($region: Region) {\n  banks(region: $region) {\n    identifier\n    name\n    logo\n    mainColor\n    backgroundColor\n    region\n    accountTypes\n    availability {\n      data\n    }\n  }\n}": typeof types.WebBanksDocument,
    "mutation WebCreateCustomer($appUserId: String!) {\n  createCustomer(appUserId: $appUserId) {\n    id\n    appUserId\n    leanCustomerId\n  }\n}": typeof types.WebCreateCustomerDocument,
    "mutation WebDisconnectEntity($entityId: ID!) {\n  disconnectEntity(entityId: $entityId) {\n    id\n    status\n  }\n}": typeof types.WebDisconnectEntityDocument,
    "query WebEntities($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    entities {\n      ...WebEntity\n      accounts {\n        __typename\n        ... on AccountList {\n          accounts {\n            id\n            name\n            type\n            currency\n            balance {\n              __typename\n              ... on Balance {\n                amount\n                currency\n                fetchedAt\n                stale\n              }\n              ...WebOutcome\n            }\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}": typeof types.WebEntitiesDocument,
    "fragment WebOutcome on LeanOutcome {\n  __typename\n  message\n  ... on ResultsPending {\n    resultsId\n  }\n  ... on ReconnectRequired {\n    entityId\n    reconnectId\n    resultsId\n  }\n  ... on ConsentExpired {\n    entityId\n  }\n}\n\nfragment WebBank on Bank {\n  identifier\n  name\n  logo\n  mainColor\n  backgroundColor\n  region\n}\n\nfragment WebEntity on Entity {\n  id\n  leanEntityId\n  status\n  reconnectId\n  permissions\n  bank {\n    ...WebBank\n  }\n}\n\nfragment WebTransaction on Transaction {\n  id\n  timestamp\n  amount\n  currency\n  direction\n  description\n  pending\n  insights {\n    category\n    descriptionCleansed\n  }\n}": typeof types.WebOutcomeFragmentDoc,
    "mutation WebPrepareLink($customerId: ID!, $permissions: [LeanPermission!]!, $bankIdentifier: String, $accessFrom: String, $accessTo: String) {\n  prepareLink(\n    customerId: $customerId\n    permissions: $permissions\n    bankIdentifier: $bankIdentifier\n    accessFrom: $accessFrom\n    accessTo: $accessTo\n  ) {\n    options\n    consentKind\n    permissions\n    bankIdentifier\n  }\n}": typeof types.WebPrepareLinkDocument,
    "mutation WebRefreshEntity($entityId: ID!) {\n  refreshEntity(entityId: $entityId) {\n    id\n    status\n    reconnectId\n  }\n}": typeof types.WebRefreshEntityDocument,
    "subscription WebEntityLinked($customerId: ID!) {\n  entityLinked(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebEntityReconnected($customerId: ID!) {\n  entityReconnected(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebReconnectRequired($customerId: ID!) {\n  reconnectRequired(customerId: $customerId) {\n    entity {\n      id\n    }\n    reconnectId\n    resultsId\n  }\n}\n\nsubscription WebResultsReady($resultsId: String!) {\n  resultsReady(resultsId: $resultsId) {\n    __typename\n    ... on AccountsReady {\n      resultsId\n    }\n    ... on BalanceReady {\n      resultsId\n    }\n    ... on TransactionsReady {\n      resultsId\n    }\n    ... on IdentityReady {\n      resultsId\n    }\n  }\n}": typeof types.WebEntityLinkedDocument,
    "query WebTransactions($accountId: ID!, $from: Date, $to: Date, $first: Int, $after: String, $categories: [TransactionCategory!], $direction: TransactionDirection) {\n  node(id: $accountId) {\n    __typename\n    ... on Account {\n      id\n      transactions(\n        from: $from\n        to: $to\n        first: $first\n        after: $after\n        categories: $categories\n        direction: $direction\n      ) {\n        __typename\n        ... on TransactionConnection {\n          edges {\n            cursor\n            node {\n              ...WebTransaction\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}": typeof types.WebTransactionsDocument,
    "query WebViewer {\n  viewer {\n    kind\n    appUserId\n    customer {\n      id\n      appUserId\n      leanCustomerId\n    }\n  }\n}": typeof types.WebViewerDocument,
};
const documents: Documents = {
    "query WebBanks($region: Region) {\n  banks(region: $region) {\n    identifier\n    name\n    logo\n    mainColor\n    backgroundColor\n    region\n    accountTypes\n    availability {\n      data\n    }\n  }\n}": types.WebBanksDocument,
    "mutation WebCreateCustomer($appUserId: String!) {\n  createCustomer(appUserId: $appUserId) {\n    id\n    appUserId\n    leanCustomerId\n  }\n}": types.WebCreateCustomerDocument,
    "mutation WebDisconnectEntity($entityId: ID!) {\n  disconnectEntity(entityId: $entityId) {\n    id\n    status\n  }\n}": types.WebDisconnectEntityDocument,
    "query WebEntities($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    entities {\n      ...WebEntity\n      accounts {\n        __typename\n        ... on AccountList {\n          accounts {\n            id\n            name\n            type\n            currency\n            balance {\n              __typename\n              ... on Balance {\n                amount\n                currency\n                fetchedAt\n                stale\n              }\n              ...WebOutcome\n            }\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}": types.WebEntitiesDocument,
    "fragment WebOutcome on LeanOutcome {\n  __typename\n  message\n  ... on ResultsPending {\n    resultsId\n  }\n  ... on ReconnectRequired {\n    entityId\n    reconnectId\n    resultsId\n  }\n  ... on ConsentExpired {\n    entityId\n  }\n}\n\nfragment WebBank on Bank {\n  identifier\n  name\n  logo\n  mainColor\n  backgroundColor\n  region\n}\n\nfragment WebEntity on Entity {\n  id\n  leanEntityId\n  status\n  reconnectId\n  permissions\n  bank {\n    ...WebBank\n  }\n}\n\nfragment WebTransaction on Transaction {\n  id\n  timestamp\n  amount\n  currency\n  direction\n  description\n  pending\n  insights {\n    category\n    descriptionCleansed\n  }\n}": types.WebOutcomeFragmentDoc,
    "mutation WebPrepareLink($customerId: ID!, $permissions: [LeanPermission!]!, $bankIdentifier: String, $accessFrom: String, $accessTo: String) {\n  prepareLink(\n    customerId: $customerId\n    permissions: $permissions\n    bankIdentifier: $bankIdentifier\n    accessFrom: $accessFrom\n    accessTo: $accessTo\n  ) {\n    options\n    consentKind\n    permissions\n    bankIdentifier\n  }\n}": types.WebPrepareLinkDocument,
    "mutation WebRefreshEntity($entityId: ID!) {\n  refreshEntity(entityId: $entityId) {\n    id\n    status\n    reconnectId\n  }\n}": types.WebRefreshEntityDocument,
    "subscription WebEntityLinked($customerId: ID!) {\n  entityLinked(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebEntityReconnected($customerId: ID!) {\n  entityReconnected(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebReconnectRequired($customerId: ID!) {\n  reconnectRequired(customerId: $customerId) {\n    entity {\n      id\n    }\n    reconnectId\n    resultsId\n  }\n}\n\nsubscription WebResultsReady($resultsId: String!) {\n  resultsReady(resultsId: $resultsId) {\n    __typename\n    ... on AccountsReady {\n      resultsId\n    }\n    ... on BalanceReady {\n      resultsId\n    }\n    ... on TransactionsReady {\n      resultsId\n    }\n    ... on IdentityReady {\n      resultsId\n    }\n  }\n}": types.WebEntityLinkedDocument,
    "query WebTransactions($accountId: ID!, $from: Date, $to: Date, $first: Int, $after: String, $categories: [TransactionCategory!], $direction: TransactionDirection) {\n  node(id: $accountId) {\n    __typename\n    ... on Account {\n      id\n      transactions(\n        from: $from\n        to: $to\n        first: $first\n        after: $after\n        categories: $categories\n        direction: $direction\n      ) {\n        __typename\n        ... on TransactionConnection {\n          edges {\n            cursor\n            node {\n              ...WebTransaction\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}": types.WebTransactionsDocument,
    "query WebViewer {\n  viewer {\n    kind\n    appUserId\n    customer {\n      id\n      appUserId\n      leanCustomerId\n    }\n  }\n}": types.WebViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WebBanks($region: Region) {\n  banks(region: $region) {\n    identifier\n    name\n    logo\n    mainColor\n    backgroundColor\n    region\n    accountTypes\n    availability {\n      data\n    }\n  }\n}"): (typeof documents)["query WebBanks($region: Region) {\n  banks(region: $region) {\n    identifier\n    name\n    logo\n    mainColor\n    backgroundColor\n    region\n    accountTypes\n    availability {\n      data\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation WebCreateCustomer($appUserId: String!) {\n  createCustomer(appUserId: $appUserId) {\n    id\n    appUserId\n    leanCustomerId\n  }\n}"): (typeof documents)["mutation WebCreateCustomer($appUserId: String!) {\n  createCustomer(appUserId: $appUserId) {\n    id\n    appUserId\n    leanCustomerId\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation WebDisconnectEntity($entityId: ID!) {\n  disconnectEntity(entityId: $entityId) {\n    id\n    status\n  }\n}"): (typeof documents)["mutation WebDisconnectEntity($entityId: ID!) {\n  disconnectEntity(entityId: $entityId) {\n    id\n    status\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WebEntities($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    entities {\n      ...WebEntity\n      accounts {\n        __typename\n        ... on AccountList {\n          accounts {\n            id\n            name\n            type\n            currency\n            balance {\n              __typename\n              ... on Balance {\n                amount\n                currency\n                fetchedAt\n                stale\n              }\n              ...WebOutcome\n            }\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}"): (typeof documents)["query WebEntities($customerId: ID!) {\n  customer(id: $customerId) {\n    id\n    entities {\n      ...WebEntity\n      accounts {\n        __typename\n        ... on AccountList {\n          accounts {\n            id\n            name\n            type\n            currency\n            balance {\n              __typename\n              ... on Balance {\n                amount\n                currency\n                fetchedAt\n                stale\n              }\n              ...WebOutcome\n            }\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment WebOutcome on LeanOutcome {\n  __typename\n  message\n  ... on ResultsPending {\n    resultsId\n  }\n  ... on ReconnectRequired {\n    entityId\n    reconnectId\n    resultsId\n  }\n  ... on ConsentExpired {\n    entityId\n  }\n}\n\nfragment WebBank on Bank {\n  identifier\n  name\n  logo\n  mainColor\n  backgroundColor\n  region\n}\n\nfragment WebEntity on Entity {\n  id\n  leanEntityId\n  status\n  reconnectId\n  permissions\n  bank {\n    ...WebBank\n  }\n}\n\nfragment WebTransaction on Transaction {\n  id\n  timestamp\n  amount\n  currency\n  direction\n  description\n  pending\n  insights {\n    category\n    descriptionCleansed\n  }\n}"): (typeof documents)["fragment WebOutcome on LeanOutcome {\n  __typename\n  message\n  ... on ResultsPending {\n    resultsId\n  }\n  ... on ReconnectRequired {\n    entityId\n    reconnectId\n    resultsId\n  }\n  ... on ConsentExpired {\n    entityId\n  }\n}\n\nfragment WebBank on Bank {\n  identifier\n  name\n  logo\n  mainColor\n  backgroundColor\n  region\n}\n\nfragment WebEntity on Entity {\n  id\n  leanEntityId\n  status\n  reconnectId\n  permissions\n  bank {\n    ...WebBank\n  }\n}\n\nfragment WebTransaction on Transaction {\n  id\n  timestamp\n  amount\n  currency\n  direction\n  description\n  pending\n  insights {\n    category\n    descriptionCleansed\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation WebPrepareLink($customerId: ID!, $permissions: [LeanPermission!]!, $bankIdentifier: String, $accessFrom: String, $accessTo: String) {\n  prepareLink(\n    customerId: $customerId\n    permissions: $permissions\n    bankIdentifier: $bankIdentifier\n    accessFrom: $accessFrom\n    accessTo: $accessTo\n  ) {\n    options\n    consentKind\n    permissions\n    bankIdentifier\n  }\n}"): (typeof documents)["mutation WebPrepareLink($customerId: ID!, $permissions: [LeanPermission!]!, $bankIdentifier: String, $accessFrom: String, $accessTo: String) {\n  prepareLink(\n    customerId: $customerId\n    permissions: $permissions\n    bankIdentifier: $bankIdentifier\n    accessFrom: $accessFrom\n    accessTo: $accessTo\n  ) {\n    options\n    consentKind\n    permissions\n    bankIdentifier\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation WebRefreshEntity($entityId: ID!) {\n  refreshEntity(entityId: $entityId) {\n    id\n    status\n    reconnectId\n  }\n}"): (typeof documents)["mutation WebRefreshEntity($entityId: ID!) {\n  refreshEntity(entityId: $entityId) {\n    id\n    status\n    reconnectId\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription WebEntityLinked($customerId: ID!) {\n  entityLinked(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebEntityReconnected($customerId: ID!) {\n  entityReconnected(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebReconnectRequired($customerId: ID!) {\n  reconnectRequired(customerId: $customerId) {\n    entity {\n      id\n    }\n    reconnectId\n    resultsId\n  }\n}\n\nsubscription WebResultsReady($resultsId: String!) {\n  resultsReady(resultsId: $resultsId) {\n    __typename\n    ... on AccountsReady {\n      resultsId\n    }\n    ... on BalanceReady {\n      resultsId\n    }\n    ... on TransactionsReady {\n      resultsId\n    }\n    ... on IdentityReady {\n      resultsId\n    }\n  }\n}"): (typeof documents)["subscription WebEntityLinked($customerId: ID!) {\n  entityLinked(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebEntityReconnected($customerId: ID!) {\n  entityReconnected(customerId: $customerId) {\n    ...WebEntity\n  }\n}\n\nsubscription WebReconnectRequired($customerId: ID!) {\n  reconnectRequired(customerId: $customerId) {\n    entity {\n      id\n    }\n    reconnectId\n    resultsId\n  }\n}\n\nsubscription WebResultsReady($resultsId: String!) {\n  resultsReady(resultsId: $resultsId) {\n    __typename\n    ... on AccountsReady {\n      resultsId\n    }\n    ... on BalanceReady {\n      resultsId\n    }\n    ... on TransactionsReady {\n      resultsId\n    }\n    ... on IdentityReady {\n      resultsId\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WebTransactions($accountId: ID!, $from: Date, $to: Date, $first: Int, $after: String, $categories: [TransactionCategory!], $direction: TransactionDirection) {\n  node(id: $accountId) {\n    __typename\n    ... on Account {\n      id\n      transactions(\n        from: $from\n        to: $to\n        first: $first\n        after: $after\n        categories: $categories\n        direction: $direction\n      ) {\n        __typename\n        ... on TransactionConnection {\n          edges {\n            cursor\n            node {\n              ...WebTransaction\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}"): (typeof documents)["query WebTransactions($accountId: ID!, $from: Date, $to: Date, $first: Int, $after: String, $categories: [TransactionCategory!], $direction: TransactionDirection) {\n  node(id: $accountId) {\n    __typename\n    ... on Account {\n      id\n      transactions(\n        from: $from\n        to: $to\n        first: $first\n        after: $after\n        categories: $categories\n        direction: $direction\n      ) {\n        __typename\n        ... on TransactionConnection {\n          edges {\n            cursor\n            node {\n              ...WebTransaction\n            }\n          }\n          pageInfo {\n            hasNextPage\n            endCursor\n          }\n        }\n        ...WebOutcome\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query WebViewer {\n  viewer {\n    kind\n    appUserId\n    customer {\n      id\n      appUserId\n      leanCustomerId\n    }\n  }\n}"): (typeof documents)["query WebViewer {\n  viewer {\n    kind\n    appUserId\n    customer {\n      id\n      appUserId\n      leanCustomerId\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;