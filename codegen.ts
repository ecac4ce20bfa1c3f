import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator over the committed schema.graphql. Front-end teams copy this setup and
 * point `documents` at their own operations; here it types the operations the tests send and emits
 * the persisted-documents manifest (hash → operation) used for trusted-documents mode.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/gql/': {
      preset: 'client',
      config: { scalars: { Decimal: 'string', DateTime: 'string', Date: 'string', JSONObject: 'Record<string, unknown>' }, enumsAsTypes: true, useTypeImports: true },
      presetConfig: { persistedDocuments: true, fragmentMasking: false },
    },
  },
};

export default config;
