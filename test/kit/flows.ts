import { postGraphQL, type GraphQLResponse } from './graphql.js';
import type { TestGateway } from './gateway.js';

/** The story steps most data tests share: customers, banks linked through the emulator, upstream call counts. */

export interface CreatedCustomer {
  /** Global id. */
  readonly id: string;
  readonly leanCustomerId: string;
}

export async function createCustomer(gateway: TestGateway, appUserId: string, options: { token?: string } = {}): Promise<CreatedCustomer> {
  const answer = await postGraphQL(gateway.url, 'mutation ($appUserId: String!) { createCustomer(appUserId: $appUserId) { id leanCustomerId } }', {
    variables: { appUserId },
    ...options,
  });
  const created = answer.body.data?.['createCustomer'] as CreatedCustomer | undefined;
  if (created === undefined) throw new Error(`createCustomer failed: ${JSON.stringify(answer.body)}`);
  return created;
}

export interface LinkedEntity {
  readonly id: string;
  readonly accountIds: string[];
}

/** What the Link SDK does when the user finishes: the emulator creates the entity (and sends entity.created). */
export async function linkBank(
  gateway: TestGateway,
  leanCustomerId: string,
  bankIdentifier: string,
  permissions: string[] = ['identity', 'accounts', 'balance', 'transactions'],
): Promise<LinkedEntity> {
  const sandboxUrl = sandboxOf(gateway);
  const response = await fetch(`${sandboxUrl}/sandbox/connect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customer_id: leanCustomerId, bank_identifier: bankIdentifier, permissions }),
  });
  if (response.status !== 201) throw new Error(`connect answered ${response.status}: ${await response.text()}`);
  const entity = (await response.json()) as { id: string };
  // The emulator also sends entity.created; wait until the gateway applied it, so call counts start clean.
  await webhooksApplied(gateway, (row) => row.type === 'entity.created' && row.body.includes(entity.id));
  // Then Lean reads the bank into its store and says so (entity.data.refresh.updated), and the gateway reads it again: wait for that too.
  await refreshApplied(gateway, entity.id);
  const accounts = gateway.sandbox?.state.accountsOf(entity.id) ?? [];
  return { id: entity.id, accountIds: accounts.map((account) => account.account_id) };
}

/** Lean calls the emulator answered since the last reset, by endpoint. */
export async function leanCalls(gateway: TestGateway): Promise<{ calls: Record<string, number>; total: number }> {
  const response = await fetch(`${sandboxOf(gateway)}/sandbox/stats`);
  return (await response.json()) as { calls: Record<string, number>; total: number };
}

export async function resetLeanCalls(gateway: TestGateway): Promise<void> {
  await fetch(`${sandboxOf(gateway)}/sandbox/stats`, { method: 'DELETE' });
}

export async function sandboxControl(gateway: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandboxOf(gateway)}${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** A global id as the gateway builds it (relay: base64 of `Type:id`). */
export function globalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64');
}

/** The value at a dotted path of a GraphQL answer's data, e.g. `customer.entities.0.status`. */
export function dataAt(answer: GraphQLResponse, path: string): unknown {
  let value: unknown = answer.body.data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function utcDay(offsetDays = 0, from: Date = new Date()): string {
  return new Date(from.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function sandboxOf(gateway: TestGateway): string {
  if (gateway.sandbox === undefined) throw new Error('the gateway runs without the in-process emulator');
  return gateway.sandbox.url;
}

/**
 * When the emulator started a data refresh of the entity and sends its webhooks: waits until the
 * gateway applied the refresh's end (FINISHED in KSA, OK in the UAE), its re-reads included. Nothing
 * to wait for when the emulator sends no refresh webhooks (LEAN_SANDBOX_REFRESH_WEBHOOKS=false).
 */
export async function refreshApplied(gateway: TestGateway, entityId: string, options: { count?: number; timeoutMs?: number } = {}): Promise<void> {
  const { count = 1, timeoutMs = 15_000 } = options;
  const refreshWebhook = (type: string | null, body: string) => type === 'entity.data.refresh.updated' && body.includes(entityId);
  // The emulator logs the PENDING webhook as it starts the refresh, before /sandbox/connect answers.
  if (!(gateway.sandbox?.webhooks ?? []).some((delivery) => refreshWebhook(delivery.type, delivery.body))) return;
  const ended = (body: string) => /"status":"(FINISHED|OK)"/.test(body);
  const started = Date.now();
  for (;;) {
    const rows = await gateway.database.db.selectFrom('webhook_inbox').select(['type', 'body', 'status']).execute();
    const endings = rows.filter((row) => refreshWebhook(row.type, row.body) && ended(row.body)).length;
    if (endings >= count && rows.every((row) => row.status !== 'RECEIVED')) return;
    if (Date.now() - started > timeoutMs) throw new Error(`the gateway did not apply the end of refresh ${count} of ${entityId} in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Waits until the gateway holds a webhook that `matches` and has nothing left to apply. */
export async function webhooksApplied(gateway: TestGateway, matches: (row: { type: string | null; body: string }) => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = await gateway.database.db.selectFrom('webhook_inbox').select(['type', 'body', 'status']).execute();
    if (rows.some(matches) && rows.every((row) => row.status !== 'RECEIVED')) return;
    if (Date.now() - started > timeoutMs) throw new Error('the gateway did not apply the webhook in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
