import type { z } from 'zod';

/** The counters' outcome label of each envelope status; any other status Lean sends counts as `failed`. */
const OUTCOME_BY_STATUS: Readonly<Record<string, string>> = {
  OK: 'ok',
  PENDING: 'pending',
  RECONNECT_REQUIRED: 'reconnect_required',
  FAILED: 'failed',
  CONSENT_EXPIRED: 'consent_expired',
};

/** Classifies a 2xx data answer for the call counters (`ok`, `pending` …), by a generation's envelope schema. */
export function dataOutcomeOf(envelope: z.ZodType<{ status: string }>): (body: unknown) => string {
  return (body) => {
    const parsed = envelope.safeParse(body);
    return parsed.success ? (OUTCOME_BY_STATUS[parsed.data.status] ?? 'failed') : 'malformed';
  };
}
