import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator over the committed schema.graphql. Front-end teams copy this setup and
 * point `documents` at their own operations; here it types the operations the tests send and emits
 * the persisted-documents manifest (hash → operation) used for trusted-documents mode.
 */
const scalars = { Decimal: 'string', DateTime: 'string', Date: 'string', JSONObject: 'Record<string, unknown>' };

const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      documents: ['test/operations/**/*.graphql'],
      preset: 'client',
      config: { scalars, enumsAsTypes: true, useTypeImports: true },
      presetConfig: { persistedDocuments: true, fragmentMasking: false },
    },
    // The web app's own operations (web/src/operations), typed the same way.
    'web/src/gql/': {
      documents: ['web/src/operations/**/*.graphql'],
      preset: 'client',
      config: { scalars, enumsAsTypes: true, useTypeImports: true },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
