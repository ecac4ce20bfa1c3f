import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';

// The GraphQL-over-HTTP audits run as an anonymous client against a gateway configured as in
// production (credentials required): they use `{ __typename }`, which stays open.
let database: TestDatabase;
let gateway: TestGateway;
beforeAll(async () => {
  database = await createTestDatabase('audit');
  gateway = await startTestGateway({ ...database.env, GATEWAY_API_KEYS: 'svc_audit_0123456789abcdef0123456789ab' });
});
afterAll(async () => {
  await gateway?.stop();
  await database?.drop();
});

describe('graphql-http server audits', () => {
  const audits = serverAudits({ url: () => `${gateway.url}/graphql`, fetchFn: fetch });
  it.each(audits.map((audit) => [audit.name, audit] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect(result.status, 'reason' in result ? result.reason : undefined).toBe('ok');
  });
});
