import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './kit/database.js';
import { createCustomer, dataAt, linkBank, utcDay } from './kit/flows.js';
import { startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL } from './kit/graphql.js';

// Pages asked for in one request are read in one statement (one `union all` per batch): each page
// must come back exactly as it does when asked for alone — same rows, same order, same cursors.

const PAGE_FIELDS = 'edges { cursor node { id timestamp } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const range = { from: utcDay(-60), to: utcDay(0) };

const ONE = /* GraphQL */ `
  query One($id: ID!, $from: Date, $to: Date, $first: Int, $last: Int, $after: String, $before: String, $direction: TransactionDirection) {
    node(id: $id) { ... on Account { transactions(from: $from, to: $to, first: $first, last: $last, after: $after, before: $before, direction: $direction) { ... on TransactionConnection { ${PAGE_FIELDS} } } } }
  }
`;

type Page = { edges: { cursor: string; node: { id: string; timestamp: string } }[]; pageInfo: Record<string, unknown> };

describe('transaction pages read together', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let accountIds: string[];

  const alone = async (id: string, args: Record<string, unknown>): Promise<Page> => {
    const answer = await postGraphQL(gateway.url, ONE, { variables: { id, ...range, ...args } });
    expect(answer.body.errors).toBeUndefined();
    return dataAt(answer, 'node.transactions') as Page;
  };

  beforeAll(async () => {
    database = await createTestDatabase('pages_batched');
    gateway = await startTestGateway({ ...database.env });
    const customer = await createCustomer(gateway, 'pages-batched-user');
    await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    await linkBank(gateway, customer.leanCustomerId, 'LEANMB2');
    const overview = await postGraphQL(
      gateway.url,
      `query ($id: ID!) { customer(id: $id) { entities { accounts { ... on AccountList { accounts { id } } } } } }`,
      { variables: { id: customer.id } },
    );
    const entities = dataAt(overview, 'customer.entities') as { accounts: { accounts: { id: string }[] } }[];
    accountIds = entities.flatMap((entity) => entity.accounts.accounts.map((account) => account.id));
    expect(accountIds.length).toBeGreaterThan(2);
    // Fetch the range once for each account, so every page below is read from the store.
    for (const id of accountIds) await alone(id, { first: 1 });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('first, last, after, before and a filter on one account in one request equal the same pages asked alone', async () => {
    const [id] = accountIds as [string];
    const newest = await alone(id, { first: 12 });
    expect(newest.edges.length).toBe(12);
    const cursor = newest.edges[5]?.cursor;
    const args: Record<string, Record<string, unknown>> = {
      a: { first: 7 },
      b: { last: 6 },
      c: { first: 4, after: cursor },
      d: { last: 3, before: cursor },
      e: { first: 5, direction: 'DEBIT' },
    };
    const fields = Object.entries(args)
      .map(([alias, a]) => `${alias}: transactions(from: $from, to: $to${Object.keys(a).map((k) => `, ${k}: $${alias}_${k}`).join('')}) { ... on TransactionConnection { ${PAGE_FIELDS} } }`)
      .join('\n');
    const declarations = Object.entries(args)
      .flatMap(([alias, a]) => Object.keys(a).map((k) => `$${alias}_${k}: ${k === 'first' || k === 'last' ? 'Int' : k === 'direction' ? 'TransactionDirection' : 'String'}`))
      .join(', ');
    const variables = Object.fromEntries(Object.entries(args).flatMap(([alias, a]) => Object.entries(a).map(([k, v]) => [`${alias}_${k}`, v])));
    const together = await postGraphQL(gateway.url, `query ($id: ID!, $from: Date, $to: Date, ${declarations}) { node(id: $id) { ... on Account { ${fields} } } }`, {
      variables: { id, ...range, ...variables },
    });
    expect(together.body.errors).toBeUndefined();
    for (const [alias, a] of Object.entries(args)) {
      const page = dataAt(together, `node.${alias}`) as Page;
      expect(page.edges.length, alias).toBeGreaterThan(0);
      expect(page, alias).toEqual(await alone(id, a));
    }
  });

  it('the first page of every account of a customer overview equals that account’s page asked alone', async () => {
    const fields = accountIds.map((_, i) => `a${i}: node(id: $a${i}) { ... on Account { transactions(from: $from, to: $to, first: 9) { ... on TransactionConnection { ${PAGE_FIELDS} } } } }`).join('\n');
    const declarations = accountIds.map((_, i) => `$a${i}: ID!`).join(', ');
    const together = await postGraphQL(gateway.url, `query ($from: Date, $to: Date, ${declarations}) { ${fields} }`, {
      variables: { ...range, ...Object.fromEntries(accountIds.map((id, i) => [`a${i}`, id])) },
    });
    expect(together.body.errors).toBeUndefined();
    const seen = new Set<string>();
    for (const [i, id] of accountIds.entries()) {
      const page = dataAt(together, `a${i}.transactions`) as Page;
      expect(page).toEqual(await alone(id, { first: 9 }));
      for (const edge of page.edges) seen.add(edge.node.id);
    }
    // Each account's page holds its own rows: no page took another's.
    expect(seen.size).toBe(accountIds.reduce((sum, _, i) => sum + (dataAt(together, `a${i}.transactions.edges`) as unknown[]).length, 0));
  });
});
