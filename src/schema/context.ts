import type { GraphQLError } from 'graphql';
import type { Principal } from '../auth/principal.js';
import type { GatewayData } from '../data/gateway-data.js';
import type { EventHub } from '../events/bus.js';
import type { Logger } from '../log.js';

/** What `prepareLink` needs to know about the Lean application. */
export interface LinkSettings {
  readonly appToken: string;
  readonly sandbox: boolean;
  readonly region: 'UAE' | 'KSA';
  /** How long before a consent ends it counts as EXPIRING_SOON (GATEWAY_CONSENT_NOTICE_DAYS); 7 days when unset. */
  readonly consentNoticeMs?: number;
}

/** What every resolver receives: who is asking, the request's data loaders, and a logger carrying the request id. */
export interface GatewayContext {
  readonly principal: Principal;
  readonly log: Logger;
  readonly requestId: string;
  readonly data: GatewayData;
  readonly link: LinkSettings;
  /** This instance's subscribers' events. */
  readonly events: EventHub;
  /** SSE's `Last-Event-ID` request header: where a reconnecting EventSource resumes, unless `after` says otherwise. */
  readonly lastEventId?: string | undefined;
  /** Errors that accompany data rather than replace it (a stale copy served when Lean failed). */
  readonly warnings: GraphQLError[];
}
