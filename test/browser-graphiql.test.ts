import { readFile } from 'node:fs/promises';
import { Kind, OperationTypeNode, parse } from 'graphql';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleOperationNames, pasteableOperation } from './operations/pasteable.js';
import { chromiumInstalled, launchChromium, watchedPage, type WatchedPage } from './kit/browser.js';
import { createTestDatabase, usingPostgres, type TestDatabase } from './kit/database.js';
import { createCustomer, linkBank } from './kit/flows.js';
import { projectRoot, startTestGateway, type TestGateway } from './kit/gateway.js';
import { postGraphQL, type GraphQLResponse } from './kit/graphql.js';

/**
 * GraphiQL as a developer meets it, offline: the page and everything it loads come from the gateway
 * (requests elsewhere are aborted and recorded), and each example operation, printed by
 * `npm run operation -- <Name>`, pasted into it runs without a validation error.
 */

const QUERY_EDITOR = '.graphiql-query-editor .monaco-editor';
const VARIABLES_EDITOR = '.graphiql-editor-tool .monaco-editor';
/** What a document that does not validate answers with (and what pasting one file alone used to give). */
const VALIDATION = /GRAPHQL_VALIDATION_FAILED|Unknown fragment|is never used/;

/** Pastes `text` into a Monaco editor as a user would: focus, select all, Ctrl+V. */
async function paste(watched: WatchedPage, selector: string, text: string): Promise<void> {
  await watched.page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await watched.page.click(selector);
  await watched.page.keyboard.press('Control+A');
  await watched.page.keyboard.press('Control+V');
}

/** Clicks GraphiQL's run button and answers the body of the POST it sent. */
async function runInGraphiQL(watched: WatchedPage): Promise<GraphQLResponse['body']> {
  const answered = watched.page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/graphql');
  await watched.page.click('.graphiql-execute-button');
  const response = await answered;
  return (await response.json()) as GraphQLResponse['body'];
}

const validationErrors = (body: GraphQLResponse['body']) => (body.errors ?? []).filter((error) => VALIDATION.test(`${error.extensions?.code ?? ''} ${error.message}`));

// About the browser, not the database: CI runs it once, in the Postgres pass.
describe.runIf(usingPostgres && chromiumInstalled)('GraphiQL in a browser, offline', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let browser: Browser;
  let watched: WatchedPage;
  let variables: Record<string, unknown>;

  beforeAll(async () => {
    database = await createTestDatabase('browser_graphiql');
    // No credentials configured: every caller is the development service (what `npm start` gives).
    gateway = await startTestGateway({ ...database.env, NODE_ENV: 'development' });
    const customer = await createCustomer(gateway, 'graphiql-user-0001');
    await linkBank(gateway, customer.leanCustomerId, 'LEANMB1');
    const overview = await postGraphQL(gateway.url, 'query ($id: ID!) { customer(id: $id) { entities { id accounts { ... on AccountList { accounts { id } } } } } }', {
      variables: { id: customer.id },
    });
    const entity = (overview.body.data?.['customer'] as { entities: { id: string; accounts: { accounts: { id: string }[] } }[] }).entities[0];
    variables = {
      customerId: customer.id,
      entityId: entity?.id,
      accountId: entity?.accounts.accounts[0]?.id,
      appUserId: 'graphiql-user-0002',
      permissions: ['IDENTITY', 'ACCOUNTS', 'BALANCE', 'TRANSACTIONS'],
      bankIdentifier: 'LEANMB1',
    };
    browser = await launchChromium();
    watched = await watchedPage(browser);
    await watched.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway.url });
  }, 60_000);
  afterAll(async () => {
    await watched?.close();
    await browser?.close();
    await gateway?.stop();
    await database?.drop();
  });

  it('loads at /graphql from the gateway alone, runs a query and shows its answer', async () => {
    const page = await watched.page.goto(`${gateway.url}/graphql`);
    expect(page?.status()).toBe(200);
    await watched.page.waitForSelector(QUERY_EDITOR, { timeout: 20_000 });
    await paste(watched, QUERY_EDITOR, '{ __typename }');
    expect(await runInGraphiQL(watched)).toEqual({ data: { __typename: 'Query' } });
    await expect.poll(() => watched.page.locator('.graphiql-response').innerText()).toMatch(/"__typename":\s*"Query"/);
    await watched.screenshot('graphiql');
    // Its script, stylesheet and the editor's workers came from the gateway's /graphiql/<version>/.
    const assets = watched.requests.filter((url) => new URL(url).pathname.startsWith('/graphiql/'));
    expect(assets.some((url) => url.endsWith('/yoga-graphiql.umd.js'))).toBe(true);
    expect(assets.some((url) => url.endsWith('/graphiql.css'))).toBe(true);
    expect(assets.filter((url) => url.includes('/monacoeditorwork/'))).toHaveLength(3);
    expect(watched.outside).toEqual([]);
    expect(watched.errors).toEqual([]);
  });

  it('one example file pasted alone fails validation (why `npm run operation` exists)', async () => {
    const alone = await readFile(`${projectRoot}/test/operations/customer-overview.graphql`, 'utf8');
    await paste(watched, QUERY_EDITOR, alone);
    expect(validationErrors(await runInGraphiQL(watched)).length).toBeGreaterThan(0);
    // Chromium logs the refused document's 400 as a console error: that one line is this test's, not a fault.
    const refused = 'Failed to load resource: the server responded with a status of 400 (Bad Request)';
    expect(watched.errors).toEqual([refused]);
    watched.errors.splice(0);
  });

  it('every example operation pasted into GraphiQL with its variables runs without a validation error', async () => {
    // Disconnecting goes last: the others read the entity it removes.
    const names = exampleOperationNames().sort((a, b) => Number(a === 'DisconnectEntity') - Number(b === 'DisconnectEntity'));
    await watched.page.getByRole('button', { name: 'Variables' }).click();
    for (const name of names) {
      const document = pasteableOperation(name);
      await paste(watched, QUERY_EDITOR, document);
      await paste(watched, VARIABLES_EDITOR, JSON.stringify(variablesOf(document, variables)));
      if (isSubscription(document)) {
        // A subscription's request stays open until an event; its start is what is checked.
        await watched.page.click('.graphiql-execute-button');
        await watched.page.waitForTimeout(500);
        expect(await watched.page.locator('.graphiql-response').innerText(), name).not.toMatch(VALIDATION);
        await watched.page.click('.graphiql-execute-button'); // stop it
        continue;
      }
      const body = await runInGraphiQL(watched);
      expect(validationErrors(body), `${name}: ${JSON.stringify(body.errors)}`).toEqual([]);
      expect(body.data, `${name}: ${JSON.stringify(body.errors)}`).toBeTruthy();
    }
    expect(watched.outside).toEqual([]);
    expect(watched.errors).toEqual([]);
  }, 60_000);

  it('every example operation, printed by `npm run operation`, validates over HTTP too (subscriptions over server-sent events)', async () => {
    for (const name of exampleOperationNames()) {
      const document = pasteableOperation(name);
      if (isSubscription(document)) {
        expect(await firstEvent(gateway.url, document, variablesOf(document, variables)), name).not.toMatch(VALIDATION);
        continue;
      }
      const answer = await postGraphQL(gateway.url, document, { variables: variablesOf(document, variables) });
      expect(validationErrors(answer.body), `${name}: ${JSON.stringify(answer.body.errors)}`).toEqual([]);
    }
  });
});

/** The test's values for the variables this operation declares. */
function variablesOf(document: string, values: Record<string, unknown>): Record<string, unknown> {
  const operation = parse(document).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const names = operation?.kind === Kind.OPERATION_DEFINITION ? (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value) : [];
  return Object.fromEntries(names.filter((name) => values[name] !== undefined).map((name) => [name, values[name]]));
}

/** What a subscription over server-sent events says within a second (a refused document answers at once). */
async function firstEvent(url: string, query: string, variables: Record<string, unknown>): Promise<string> {
  const stop = new AbortController();
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
    signal: stop.signal,
  });
  const reader = response.body?.getReader();
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(''), 1_000));
  const first = reader?.read().then(({ value }) => new TextDecoder().decode(value)) ?? Promise.resolve('');
  const text = await Promise.race([first, timeout]);
  stop.abort();
  await first.catch(() => undefined);
  return `${response.status} ${text}`;
}

function isSubscription(document: string): boolean {
  return parse(document).definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION);
}
