import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node resolves `graphql` (no "exports" map) to its CommonJS entry for yoga in node_modules; Vite
  // would pick the "module" entry for our sources, giving two GraphQLError classes. One copy only.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  test: {
    include: ['test/**/*.test.ts'],
    // Each file runs in its own process with its own database; two at a time on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/kit/global-setup.ts'],
  },
});
