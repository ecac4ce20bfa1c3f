/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The kind of caller an operation runs as. */
export type PrincipalKind =
  /** An end user authenticated with a JWT; they may see only their own customer's data. */
  | 'END_USER'
  /** A backend service authenticated with an API key; it may see every customer. */
  | 'SERVICE';

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { kind: PrincipalKind, appUserId: string | null } };


export const ViewerDocument = {"__meta__":{"hash":"sha256:2c1e85508436b388fb273db19e1dfb359e42d5e4afd20f06052127795683a4ea"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"appUserId"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;