import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { errorCodes, postGraphQL } from './kit/graphql.js';

const SERVICE_KEY = 'svc_shared_rate_0123456789abcdef01234';
const OTHER_SERVICE_KEY = 'svc_shared_rate_other_0123456789abcdef';
// 20/s with a burst of 20: one window of 1 s holding 20 requests, counted by every instance together.
const limitEnv = { GATEWAY_API_KEYS: `${SERVICE_KEY},${OTHER_SERVICE_KEY}`, GATEWAY_RATE_LIMIT_PER_SECOND: '20', GATEWAY_RATE_LIMIT_BURST: '20' };

const ask = (gateway: TestGateway, token: string) => postGraphQL(gateway.url, '{ __typename }', { token });

/** Sends requests as `token` for `ms`, `lanes` at a time, taking turns between the gateways; counts the answers by status. */
async function hammer(gateways: TestGateway[], token: string, ms: number, lanes: number): Promise<{ admitted: number; refused: number; other: number; admittedBy: number[] }> {
  const counts = { admitted: 0, refused: 0, other: 0, admittedBy: gateways.map(() => 0) };
  const until = performance.now() + ms;
  let turn = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < until) {
        const index = turn++ % gateways.length;
        const answer = await ask(gateways[index] as TestGateway, token);
        if (answer.status === 200) {
          counts.admitted++;
          counts.admittedBy[index] = (counts.admittedBy[index] ?? 0) + 1;
        } else if (answer.status === 429) counts.refused++;
        else counts.other++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }),
  );
  return counts;
}

describe.skipIf(!usingPostgres)('rate limit shared by two instances on one Postgres (PGlite is one instance by construction: its count is in memory)', () => {
  let database: TestDatabase;
  let first: TestGateway;
  let second: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('shared_rate_limit');
    first = await startTestGateway({ ...database.env, ...limitEnv });
    second = await startTestGateway({ ...database.env, ...limitEnv });
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
    await database?.drop();
  });

  it('a window used up on one instance is refused on the other, with a Retry-After within the window', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => ask(first, OTHER_SERVICE_KEY)));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const refused = await ask(second, OTHER_SERVICE_KEY);
    expect(refused.status).toBe(429);
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.headers.get('retry-after')).toBe('1');
  });

  it('two instances with 20/s together admit about 20/s, not 40/s', async () => {
    const seconds = 4;
    const counts = await hammer([first, second], SERVICE_KEY, seconds * 1_000, 6);
    // Fixed windows of 1 s, the first beginning with the first request: `seconds` windows, plus the
    // one still open at the end. Two separate counts would admit twice that.
    expect(counts.other).toBe(0);
    expect(counts.refused).toBeGreaterThan(counts.admitted);
    expect(counts.admitted).toBeGreaterThanOrEqual(20 * (seconds - 1));
    expect(counts.admitted).toBeLessThanOrEqual(20 * (seconds + 1));
    // Both instances admitted a share: the load was spread, and the total is still one limit's.
    for (const admitted of counts.admittedBy) expect(admitted).toBeGreaterThan(0);
  });
});

describe.skipIf(!usingPostgres)('rate limit when its table fails (Postgres only: PGlite counts in memory)', () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase('shared_rate_limit_outage');
    gateway = await startTestGateway({ ...database.env, ...limitEnv });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('requests are still answered and counted per instance, with one warning', async () => {
    await sql`drop table rate_limit_buckets`.execute(gateway.database.db);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await ask(gateway, SERVICE_KEY)).status);
    expect(statuses.slice(0, 20)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(statuses[20]).toBe(429);
    const warnings = gateway.logs.filter((line) => line.includes('the shared rate limit (Postgres) failed'));
    expect(warnings).toHaveLength(1);
    expect(warnings.join('\n')).not.toContain(SERVICE_KEY);
  });
});
