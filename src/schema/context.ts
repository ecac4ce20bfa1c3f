import type { Principal } from '../auth/principal.js';
import type { Logger } from '../log.js';

/** What every resolver receives: who is asking and a logger carrying the request id. */
export interface GatewayContext {
  readonly principal: Principal;
  readonly log: Logger;
  readonly requestId: string;
}
