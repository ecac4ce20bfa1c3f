import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl, usingPostgres } from './kit/database.js';
import { runBench } from './kit/bench.js';

/** The figures `npm run bench:subscriptions` writes (the fields this test relies on). */
interface SubscriptionsBenchReport {
  subscribers: number;
  delivered: number;
  errors: number;
  unexpectedEvents: number;
  before: { rssBytes: number; heapUsedBytes: number; openFiles: number };
  after: { rssBytes: number; heapUsedBytes: number; openFiles: number };
  kbPerSubscriber: number;
  heapKbPerSubscriber: number;
  publishAfterTriggerMs: number;
  lastDeliveryFromTriggerMs: number;
  lastDeliveryFromPublishMs: number;
  deliveryFromPublishP50Ms: number;
  deliveryFromPublishP99Ms: number;
  targets: Record<'kbPerSubscriber' | 'lastDeliveryMs', { target: number; met: boolean }>;
}

// The benchmark needs the Postgres server (it creates its own database there): CI's Postgres pass runs it.
describe.runIf(usingPostgres)('npm run bench:subscriptions, with tiny numbers', () => {
  it('subscribes, delivers one event to every subscriber and writes the figures as JSON and Markdown', { timeout: 120_000 }, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'bench-subscriptions-smoke-'));
    try {
      const { code, output } = await runBench('bench:subscriptions', { BENCH_DATABASE_URL: adminDatabaseUrl, BENCH_OUT_DIR: outDir, BENCH_SUBSCRIBERS: '20', BENCH_CONNECT_CONCURRENCY: '5' });
      expect(code, output).toBe(0);
      expect(output).toContain('| subscribers | RSS before MiB | RSS after MiB | KB/subscriber |');

      const report = JSON.parse(await readFile(join(outDir, 'subscriptions.json'), 'utf8')) as SubscriptionsBenchReport;
      expect(report).toMatchObject({ subscribers: 20, delivered: 20, errors: 0, unexpectedEvents: 0 });
      // One socket per subscriber, open on the gateway's side while it was measured.
      expect(report.after.openFiles - report.before.openFiles).toBeGreaterThanOrEqual(20);
      expect(report.before.rssBytes).toBeGreaterThan(0);
      expect(report.before.heapUsedBytes).toBeGreaterThan(0);
      expect(Number.isFinite(report.kbPerSubscriber)).toBe(true);
      expect(Number.isFinite(report.heapKbPerSubscriber)).toBe(true);
      // The NOTIFY comes after the trigger, and every delivery after the NOTIFY.
      expect(report.publishAfterTriggerMs).toBeGreaterThan(0);
      expect(report.deliveryFromPublishP50Ms).toBeGreaterThan(0);
      expect(report.deliveryFromPublishP99Ms).toBeGreaterThanOrEqual(report.deliveryFromPublishP50Ms);
      expect(report.lastDeliveryFromTriggerMs).toBeCloseTo(report.publishAfterTriggerMs + report.lastDeliveryFromPublishMs, 6);
      expect(report.targets.kbPerSubscriber.target).toBe(50);
      expect(report.targets.lastDeliveryMs).toEqual({ target: 1_000, met: report.lastDeliveryFromTriggerMs <= 1_000 });
      expect(await readFile(join(outDir, 'subscriptions.md'), 'utf8')).toContain('| target | value | |');
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
