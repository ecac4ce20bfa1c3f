/** The media types yoga writes a whole (non-streamed) result as, in its order of preference. */
const WHOLE_RESULT_TYPES = ['application/graphql-response+json', 'application/json'] as const;
export type WholeResultType = (typeof WHOLE_RESULT_TYPES)[number];

/**
 * The media type yoga answers a query's result with for this `Accept`, or undefined when it would
 * not answer it whole (only a stream, or nothing acceptable). It follows yoga's own negotiation
 * (`useResultProcessors`): the whole-result processor comes last and so wins over the streaming ones
 * whenever it matches; among the listed types, the first one that matches decides, and within it
 * `application/json` wins over `application/graphql-response+json` (so does a wildcard). Only
 * UTF-8 is spoken. Requests whose `Accept` lists differ but negotiate the same type get one answer.
 */
export function negotiatedMediaType(accept: string | undefined): WholeResultType | undefined {
  const asked = (accept === undefined || accept === '' ? '*/*' : accept).replace(/\s/g, '').toLowerCase().split(',');
  for (const entry of asked) {
    const [mediaType, ...params] = entry.split(';');
    if (mediaType === undefined) continue;
    const charset = params.find((param) => param.includes('charset=')) ?? 'charset=utf-8';
    if (charset !== 'charset=utf-8') continue;
    let chosen: WholeResultType | undefined;
    for (const type of WHOLE_RESULT_TYPES) if (matches(type, mediaType)) chosen = type;
    if (chosen !== undefined) return chosen;
  }
  return undefined;
}

function matches(offered: string, asked: string): boolean {
  const [offeredType, offeredSubtype] = offered.split('/');
  const [askedType, askedSubtype] = asked.split('/');
  return (askedType === '*' || askedType === offeredType) && (askedSubtype === '*' || askedSubtype === offeredSubtype);
}
