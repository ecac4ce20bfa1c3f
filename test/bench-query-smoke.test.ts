import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl, usingPostgres } from './kit/database.js';
import { runBench } from './kit/bench.js';

/** The figures `npm run bench:query` writes (the fields this test relies on). */
interface QueryBenchReport {
  seeding: { customers: number; churnCustomers: number; concurrentColdCustomers: number; entities: number; accounts: number; transactions: number; seconds: number };
  cold: { leanCallsPerNestedQuery: number; samples: { calls: number }[] };
  scenarios: {
    scenario: string;
    requests: number;
    requestsPerSecond: number;
    latencyMs: { p50: number; p97_5: number; p99: number };
    non2xx: number;
    errorAnswers: number;
    socketErrors: number;
    peakRssMb: number;
    cpuMsPerRequest: number;
    leanCalls: number | null;
  }[];
  churn: {
    operations: number;
    failed: number;
    done: Record<'prepareLink' | 'requestDataRefresh' | 'entityUpdatedWebhook', number>;
    webhooks: { applied: number; other: number };
  };
  concurrentCold: { queries: number; instances: number; leanCalls: number; oneColdQueryLeanCalls: number; failed: number };
  gatewayPeakRssMb: number;
  gatewayVmHwmMb: number;
  ratios: Record<'nestedToCeiling' | 'uncachedToCeiling' | 'churnToCeiling' | 'deepToCeiling' | 'churnToNested', number>;
  targets: Record<string, { target: number; met: boolean }>;
}

// The benchmark needs the Postgres server (it creates its own database there): CI's Postgres pass runs it.
describe.runIf(usingPostgres)('npm run bench:query, with tiny numbers', () => {
  it('seeds, measures every scenario (cached, uncached, under churn, deep, ceiling, concurrent cold) and writes the figures as JSON and Markdown', { timeout: 240_000 }, async () => {
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
        // Every kind of churn operation more than once in (e)'s one second.
        BENCH_CHURN_INTERVAL_MS: '150',
      });
      expect(code, output).toBe(0);
      expect(output).toContain('| scenario | req/s | p50 ms | p97.5 ms | p99 ms |');

      const report = JSON.parse(await readFile(join(outDir, 'query.json'), 'utf8')) as QueryBenchReport;
      // 2 measured customers × 2 banks × 3 accounts, each with a year of the emulator's history; 2 churn
      // customers and 1 for (f) are linked too (their entities stored) but none of their accounts read.
      expect(report.seeding).toMatchObject({ customers: 2, churnCustomers: 2, concurrentColdCustomers: 1, entities: (2 + 2 + 1) * 2, accounts: 12 });
      expect(report.seeding.transactions).toBeGreaterThan(12 * 20);
      // Cold: one entity list, one account list per entity, one balance and one transactions call per account.
      expect(report.cold.leanCallsPerNestedQuery).toBe(1 + 2 + 6 + 6);
      expect(report.scenarios.map((s) => s.scenario)).toEqual(['nested', 'uncached', 'churn', 'deep', 'ceiling']);
      for (const scenario of report.scenarios) {
        expect(scenario.requests, scenario.scenario).toBeGreaterThan(0);
        expect(scenario.requestsPerSecond, scenario.scenario).toBeGreaterThan(0);
        expect(scenario.non2xx + scenario.errorAnswers + scenario.socketErrors, scenario.scenario).toBe(0);
        expect(scenario.latencyMs.p99).toBeGreaterThanOrEqual(scenario.latencyMs.p50);
        expect(scenario.peakRssMb).toBeGreaterThan(0);
        // Read from /proc/<pid>/stat of the answering node process: a wrong pid or field reads 0.
        expect(scenario.cpuMsPerRequest, scenario.scenario).toBeGreaterThan(0);
      }
      // Warm means warm: without churn, the gateways asked Lean nothing, the response cache off included.
      expect(report.scenarios.filter((s) => ['nested', 'uncached', 'deep'].includes(s.scenario)).map((s) => s.leanCalls)).toEqual([0, 0, 0]);
      // The churn ran beside (e), the kinds in turn, none failed, and the gateway applied every webhook.
      expect(report.churn.failed).toBe(0);
      expect(report.churn.operations).toBeGreaterThanOrEqual(3);
      expect(report.churn.done.prepareLink).toBeGreaterThan(0);
      expect(report.churn.done.requestDataRefresh).toBeGreaterThan(0);
      expect(report.churn.done.entityUpdatedWebhook).toBeGreaterThan(0);
      expect(report.churn.webhooks).toEqual({ applied: report.churn.done.entityUpdatedWebhook, other: 0 });
      // (f): 20 cold overviews on two instances, all answered; what they cost at Lean is measured, not judged here.
      expect(report.concurrentCold).toMatchObject({ queries: 20, instances: 2, failed: 0, oneColdQueryLeanCalls: 15 });
      expect(report.concurrentCold.leanCalls).toBeGreaterThanOrEqual(15);
      expect(report.ratios.nestedToCeiling).toBeGreaterThan(0);
      expect(report.ratios.churnToNested).toBeGreaterThan(0);
      expect(report.gatewayVmHwmMb).toBeGreaterThan(0);
      expect(Object.keys(report.targets).sort()).toEqual([
        'churnShareOfNested',
        'concurrentColdLeanCalls',
        'deepP99Ms',
        'nestedP99Ms',
        'nestedShareOfCeiling',
        'rssMb',
        'uncachedCpuMsPerRequest',
        'uncachedP99Ms',
        'uncachedShareOfCeiling',
      ]);
      expect(report.targets['concurrentColdLeanCalls']?.target).toBe(15);
      const markdown = await readFile(join(outDir, 'query.md'), 'utf8');
      expect(markdown).toContain('| (a) p99 ≤ 50 ms |');
      expect(markdown).toContain('| (d) p99 ≤ 150 ms at 32 connections |');
      expect(markdown).toContain('| (e) ≥ 80% of (a) req/s |');
      expect(markdown).toMatch(/Churn during \(e\): \d+ operations/);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
