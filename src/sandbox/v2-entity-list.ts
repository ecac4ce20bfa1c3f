// `GET /customers/v1/entities`: the entities created in a date range, paged, as Lean's v2 collections show it.
import { isCalendarDate } from './calendar.js';
import { invalidParameters, leanError, type SandboxAnswer } from './records.js';
import { route, type Route } from './routes.js';
import type { SandboxState } from './state.js';
import { V2_MAX_PAGE_SIZE } from './v2.js';

/** Lean's sample asks for 100 a page; it states no default, this is the emulator's. */
const DEFAULT_PAGE_SIZE = 100;

/** Before `GET /customers/v1/{customer_id}`, whose pattern would also take `entities` for a customer id. */
export function entityListRoutes(state: SandboxState): Route[] {
  return [route('GET', /^\/customers\/v1\/entities\/?$/, 'GET /customers/v1/entities', 'appOrApiToken', ({ query }) => listEntitiesCreated(state, query))];
}

/**
 * `page_number` (from 0), `page_size`, `start_date` and `end_date` (`YYYY-MM-DD`, UTC, inclusive);
 * a date in the future, or an end before the start, answers 400 with Lean's documented texts.
 */
function listEntitiesCreated(state: SandboxState, query: URLSearchParams): SandboxAnswer {
  const pageNumber = query.get('page_number') ?? '0';
  const pageSize = query.get('page_size') ?? String(DEFAULT_PAGE_SIZE);
  const start = query.get('start_date');
  const end = query.get('end_date');
  if (!/^\d{1,9}$/.test(pageNumber)) return invalidParameters('page_number', pageNumber);
  if (!/^\d{1,9}$/.test(pageSize) || Number(pageSize) < 1 || Number(pageSize) > V2_MAX_PAGE_SIZE) return invalidParameters('page_size', pageSize);
  if (!isCalendarDate(start)) return invalidParameters('start_date', start ?? undefined);
  if (!isCalendarDate(end)) return invalidParameters('end_date', end ?? undefined);
  const today = new Date(state.now()).toISOString().slice(0, 10);
  if (start > today) return leanError(400, 'INVALID_PARAMETERS', 'The start date must be in the past or present.');
  if (end < start || end > today) return leanError(400, 'INVALID_PARAMETERS', 'The end date must be after the start date and in the past or present.');
  const entities = state.entitiesCreatedBetween(start, end);
  const [number, size] = [Number(pageNumber), Number(pageSize)];
  return {
    status: 200,
    body: {
      data: entities.slice(number * size, number * size + size),
      page: { number, size, total_elements: entities.length, total_pages: Math.ceil(entities.length / size), sort: null },
    },
  };
}
