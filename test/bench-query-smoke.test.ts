import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl, usingPostgres } from './kit/database.js';
import { runBench } from './kit/bench.js';

/** The figures `npm run bench:query` writes (the fields this test relies on). */
interface QueryBenchReport {
  seeding: { customers: number; entities: number; accounts: number; transactions: number; seconds: number };
  cold: { leanCallsPerNestedQuery: number; samples: { calls: number }[] };
  scenarios: {
    scenario: string;
    requests: number;
    requestsPerSecond: number;
    latencyMs: { p50: number; p97_5: number; p99: number };
    non2xx: number;
    errorAnswers: number;
    peakRssMb: number;
    leanCalls: number | null;
  }[];
  gatewayPeakRssMb: number;
  gatewayVmHwmMb: number;
  ratios: { nestedToCeiling: number; deepToCeiling: number };
  targets: Record<'nestedShareOfCeiling' | 'nestedP99Ms' | 'deepP99Ms' | 'rssMb', { target: number; met: boolean }>;
}

// The benchmark needs the Postgres server (it creates its own database there): CI's Postgres pass runs it.
describe.runIf(usingPostgres)('npm run bench:query, with tiny numbers', () => {
  it('seeds, measures the three scenarios and writes the figures as JSON and Markdown', { timeout: 180_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'bench-query-smoke-'));
    try {
      const { code, output } = await runBench('bench:query', {
        BENCH_DATABASE_URL: adminDatabaseUrl,
        BENCH_DATABASE_NAME: `bench_query_smoke_${randomBytes(4).toString('hex')}`,
        BENCH_OUT_DIR: outDir,
        BENCH_CUSTOMERS: '2',
        BENCH_COLD: '1',
        BENCH_CONNECTIONS: '1',
        BENCH_DURATION: '1',
      });
      expect(code, output).toBe(0);
      expect(output).toContain('| scenario | req/s | p50 ms | p97.5 ms | p99 ms |');

      const report = JSON.parse(await readFile(join(outDir, 'query.json'), 'utf8')) as QueryBenchReport;
      // 2 customers × 2 banks × 3 accounts, each with a year of the emulator's history.
      expect(report.seeding).toMatchObject({ customers: 2, entities: 4, accounts: 12 });
      expect(report.seeding.transactions).toBeGreaterThan(12 * 20);
      // Cold: one entity list, one account list per entity, one balance and one transactions call per account.
      expect(report.cold.leanCallsPerNestedQuery).toBe(1 + 2 + 6 + 6);
      expect(report.scenarios.map((s) => s.scenario)).toEqual(['nested', 'deep', 'ceiling']);
      for (const scenario of report.scenarios) {
        expect(scenario.requests, scenario.scenario).toBeGreaterThan(0);
        expect(scenario.requestsPerSecond, scenario.scenario).toBeGreaterThan(0);
        expect(scenario.non2xx + scenario.errorAnswers, scenario.scenario).toBe(0);
        expect(scenario.latencyMs.p99).toBeGreaterThanOrEqual(scenario.latencyMs.p50);
        expect(scenario.peakRssMb).toBeGreaterThan(0);
      }
      // Warm means warm: the measured gateway asked Lean nothing.
      expect(report.scenarios.filter((s) => s.scenario !== 'ceiling').map((s) => s.leanCalls)).toEqual([0, 0]);
      expect(report.ratios.nestedToCeiling).toBeGreaterThan(0);
      expect(report.gatewayVmHwmMb).toBeGreaterThan(0);
      expect(Object.keys(report.targets).sort()).toEqual(['deepP99Ms', 'nestedP99Ms', 'nestedShareOfCeiling', 'rssMb']);
      expect(await readFile(join(outDir, 'query.md'), 'utf8')).toContain('| (a) p99 ≤ 50 ms |');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
