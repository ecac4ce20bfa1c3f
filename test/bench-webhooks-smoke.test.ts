import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl, usingPostgres } from './kit/database.js';
import { runBench } from './kit/bench.js';

/** The figures `npm run bench:webhooks` writes (the fields this test relies on). */
interface WebhooksBenchReport {
  s: number;
  subscriptionErrors: number;
  phases: {
    phase: 'burst' | 'paced';
    n: number;
    offeredRate: number | null;
    acked: number;
    delivered: number;
    allDelivered: boolean;
    ackP50Ms: number;
    ackP99Ms: number;
    deliveryP50Ms: number;
    deliveryP99Ms: number;
    unexpectedEvents: number;
    appliedPerInstance: Record<'receiver' | 'subscriber', { rows: number | null; perSecond: number | null }>;
    inbox: Record<string, { count: number }>;
    targets: Record<string, { target: number; met: boolean }>;
  }[];
}

// The benchmark needs the Postgres server (it creates its own database there): CI's Postgres pass runs it.
describe.runIf(usingPostgres)('npm run bench:webhooks, with tiny numbers', () => {
  it('sends a burst and a paced run, delivers every event on the other instance and prints both against their targets', { timeout: 180_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'bench-webhooks-smoke-'));
    try {
      const { code, output } = await runBench('bench:webhooks', {
        BENCH_DATABASE_URL: adminDatabaseUrl,
        BENCH_DATABASE_NAME: `bench_webhooks_smoke_${randomBytes(4).toString('hex')}`,
        BENCH_OUT_DIR: outDir,
        BENCH_N: '30',
        BENCH_C: '5',
        BENCH_S: '3',
        BENCH_RATE: '20',
        BENCH_PACED_SECONDS: '1',
      });
      expect(code, output).toBe(0);
      expect(output).toContain('| phase | N | C | offered/s | acks/s | ack p50 ms | ack p99 ms | delivery p50 ms | delivery p99 ms | delivered/N | applied/s receiver | applied/s subscriber |');
      expect(output).toMatch(/\| burst \| delivery p99 ≤ 2000 ms \| [\d.]+ \| (met|\*\*missed\*\*) \|/);
      expect(output).toMatch(/\| paced \| delivery p99 ≤ 250 ms \| [\d.]+ \| (met|\*\*missed\*\*) \|/);

      const report = JSON.parse(await readFile(join(outDir, 'webhooks.json'), 'utf8')) as WebhooksBenchReport;
      expect(report).toMatchObject({ s: 3, subscriptionErrors: 0 });
      expect(report.phases.map((phase) => [phase.phase, phase.n, phase.offeredRate])).toEqual([
        ['burst', 30, null],
        ['paced', 20, 20],
      ]);
      for (const phase of report.phases) {
        expect(phase, phase.phase).toMatchObject({ acked: phase.n, delivered: phase.n, allDelivered: true, unexpectedEvents: 0 });
        expect(phase.inbox, phase.phase).toEqual({ APPLIED: { count: phase.n, maxAttempts: 1 } });
        expect(phase.ackP99Ms).toBeGreaterThanOrEqual(phase.ackP50Ms);
        expect(phase.deliveryP99Ms).toBeGreaterThanOrEqual(phase.deliveryP50Ms);
        // Every row was applied by one of the two instances, and counted there.
        const { receiver, subscriber } = phase.appliedPerInstance;
        expect((receiver.rows ?? 0) + (subscriber.rows ?? 0), phase.phase).toBe(phase.n);
        expect(receiver.perSecond).not.toBeNull();
      }
      expect(Object.keys(report.phases[0]?.targets ?? {}).sort()).toEqual(['ackP99Ms', 'acksPerSecond', 'deliveryP99Ms', 'lastDeliveryAfterLastAckSeconds']);
      expect(report.phases[1]?.targets['deliveryP99Ms']?.target).toBe(250);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
