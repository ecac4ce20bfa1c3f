// `POST /data/v2/refreshes` and the two reads of refreshes, shaped as Lean's samples (no data envelope).
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { consentExpired, consentLapsed, invalidParameters, leanError, unknownEntity, UUID, type SandboxAnswer } from './records.js';
import type { RefreshRecord } from './refreshes.js';
import { route, type Route } from './routes.js';
import type { SandboxState } from './state.js';
import { pageOf, readQuery, V2_DEFAULT_PAGE_SIZE } from './v2.js';

const refreshRequest = z.object({ entity_id: z.string().regex(UUID) });

export function v2RefreshRoutes(state: SandboxState): Route[] {
  return [
    route('POST', /^\/data\/v2\/refreshes\/?$/, 'POST /data/v2/refreshes', 'apiToken', ({ body }) => requestRefresh(state, body)),
    route('GET', /^\/data\/v2\/refreshes\/?$/, 'GET /data/v2/refreshes', 'apiToken', ({ query }) => listRefreshes(state, query)),
    route('GET', /^\/data\/v2\/refreshes\/([^/]+)\/?$/, 'GET /data/v2/refreshes/{refresh_id}', 'apiToken', ({ params: [id], query }) => getRefresh(state, id ?? '', query)),
  ];
}

/** 429 DUPLICATED_REQUEST while one is pending; 403 CONSENT_EXPIRED once the consent is gone (both without results_id, as in Lean's samples). */
function requestRefresh(state: SandboxState, body: unknown): SandboxAnswer {
  const parsed = refreshRequest.safeParse(body);
  if (!parsed.success) return invalidParameters('entity_id', typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['entity_id'] : body, randomUUID());
  const entity = state.entity(parsed.data.entity_id);
  if (entity === undefined) return unknownEntity(randomUUID());
  if (consentLapsed(entity, state.now())) return consentExpired();
  if (state.refreshes.pendingOf(entity.id) !== undefined) return leanError(429, 'DUPLICATED_REQUEST', 'Data refresh is already pending.');
  const refresh = state.refreshes.start(entity);
  return { status: 200, body: { refresh_id: refresh.refresh_id, status: 'OK', message: 'Data refresh triggered successfully', timestamp: new Date(state.now()).toISOString() } };
}

/** Newest first, under `content` with a `page`, as Lean (Spring) pages them. */
function listRefreshes(state: SandboxState, query: URLSearchParams): SandboxAnswer {
  const parsed = readQuery(query);
  if ('answer' in parsed) return parsed.answer;
  const { entity_id: entityId, page = 0, size = V2_DEFAULT_PAGE_SIZE } = parsed.query;
  if (state.entity(entityId) === undefined) return unknownEntity(randomUUID());
  const refreshes = state.refreshes.ofEntity(entityId);
  return {
    status: 200,
    body: {
      content: refreshes.slice(page * size, page * size + size).map(({ refresh_id, entity_id, customer_id, status, created_at, updated_at }) => ({
        refresh_id,
        entity_id,
        customer_id,
        status,
        created_at,
        updated_at,
      })),
      page: pageOf(page, size, refreshes.length),
    },
  };
}

/**
 * One refresh, with what it read; `entity_id` is optional here and, when given, must be the
 * refresh's. A refresh_id this Lean never issued answers 404 UNKNOWN_REFRESH_ID (the emulator's
 * choice: Lean's samples show none).
 */
function getRefresh(state: SandboxState, refreshId: string, query: URLSearchParams): SandboxAnswer {
  if (!UUID.test(refreshId)) return invalidParameters('refresh_id', refreshId, randomUUID());
  const entityId = query.get('entity_id');
  if (entityId !== null && !UUID.test(entityId)) return invalidParameters('entity_id', entityId, randomUUID());
  if (entityId !== null && state.entity(entityId) === undefined) return unknownEntity(randomUUID());
  const refresh = state.refreshes.get(refreshId);
  if (refresh === undefined || (entityId !== null && refresh.entity_id !== entityId) || state.entity(refresh.entity_id) === undefined) {
    return leanError(404, 'UNKNOWN_REFRESH_ID', 'The refresh_id provided did not match a data refresh in our records.', randomUUID());
  }
  return { status: 200, body: refreshJson(refresh) };
}

/** This endpoint spells `transactionAvailability` in camelCase, with only start and end (the webhook differs). */
function refreshJson(refresh: RefreshRecord): unknown {
  const { data_status: status } = refresh;
  return {
    refresh_id: refresh.refresh_id,
    entity_id: refresh.entity_id,
    customer_id: refresh.customer_id,
    status: refresh.status,
    data_status: {
      accounts: status.accounts,
      identity: status.identity,
      account_data: status.account_data.map(({ transaction_availability: availability, ...datasets }) => ({
        ...datasets,
        transactionAvailability: { start: availability.start, end: availability.end },
      })),
    },
    created_at: refresh.created_at,
    updated_at: refresh.updated_at,
  };
}
