import { z } from 'zod';

/**
 * Lean's body on a non-2xx answer, in both generations: `{status, message, results_id?, timestamp,
 * metadata}`. Only `status` is relied on; the rest is for operators.
 */
export const leanErrorBody = z.object({
  status: z.string(),
  message: z.string().nullish(),
  results_id: z.string().nullish(),
  timestamp: z.string().nullish(),
  metadata: z.unknown().optional(),
});
export type LeanErrorBody = z.output<typeof leanErrorBody>;

/**
 * 429 statuses that answer this one call (v2 `POST /data/v2/refreshes`: "Data refresh is already
 * pending"), not Lean limiting the application: they pause nothing and are not retried.
 */
export const CALL_SCOPED_429_STATUSES: ReadonlySet<string> = new Set(['DUPLICATED_REQUEST']);
