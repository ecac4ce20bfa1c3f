import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl, usingPostgres } from './kit/database.js';
import { runBench } from './kit/bench.js';

// The benchmarks without a smoke test of their own (bench:query, bench:subscriptions and bench:webhooks have theirs).
describe('the other benchmarks run and print their figures', () => {
  // It needs no database: run once, in the Postgres pass.
  it.runIf(usingPostgres)('npm run bench:sandbox', { timeout: 120_000 }, async () => {
    const { code, output } = await runBench('bench:sandbox');
    expect(code, output).toBe(0);
    expect(output).toMatch(/UAE Checkings +3 years: +\d+ transactions, first run +[\d.]+ ms, median of 20 +[\d.]+ ms/);
    expect(output).toMatch(/HTTP POST \/v1\/transactions, 3 years of one Checkings account \(warm\): \d+ transactions, \d+ KiB, [\d.]+ ms/);
  });

  // It spawns `npm start` on a fixed port and, with DATABASE_URL, on the Postgres server too: run once, in the Postgres pass.
  it.runIf(usingPostgres)('npm run bench:start', { timeout: 180_000 }, async () => {
    const { code, output } = await runBench('bench:start');
    expect(code, output).toBe(0);
    expect(output).toMatch(/npm start, fresh PGLITE_DIR \(first start\) +\d+ ms to \/readyz 200/);
    expect(output).toMatch(/npm start, DATABASE_URL \(start 3\) +\d+ ms to \/readyz 200/);
  });

  it.runIf(usingPostgres)('npm run bench:transactions', { timeout: 180_000 }, async () => {
    const { code, output } = await runBench('bench:transactions', {
      BENCH_DATABASE_URL: adminDatabaseUrl ?? '',
      BENCH_DATABASE_NAME: `bench_transactions_smoke_${randomBytes(4).toString('hex')}`,
    });
    expect(code, output).toBe(0);
    expect(output).toMatch(/Seeded 100,000 \+ 50,000 transactions/);
    expect(output).toContain('| case | rows | p50 ms | p95 ms | max ms |');
    expect(output).toContain('Execution Time:');
  });
});
