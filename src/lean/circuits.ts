import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { Logger } from '../log.js';
import { LeanApiError, LeanUnavailableError } from '../model/upstream-errors.js';

export interface CircuitSettings {
  /** Calls in a row that finally failed (after their retries) that open an endpoint's circuit. */
  readonly failures: number;
  /** How long an open circuit refuses calls before it lets one probe through. */
  readonly openMs: number;
}

/**
 * What counts against a circuit: Lean not reachable, not answering in time, or answering 5xx. Lean's
 * business answers (4xx such as UNKNOWN_ENTITY) show it is up; a 429 is handled by the rate-limit
 * pause instead, and calls refused by the pause or an open circuit never reached Lean.
 */
export function countsAgainstCircuit(error: unknown): boolean {
  if (error instanceof LeanUnavailableError) return error.reason === 'timeout' || error.reason === 'network';
  return error instanceof LeanApiError && error.httpStatus >= 500;
}

interface Circuit {
  readonly policy: CircuitBreakerPolicy;
  openedAt: number;
  /** Set when the breaker half-opens, taken by the call it lets through: that call is the probe. */
  probeStarting: boolean;
  /** The correlation id of the call that settled last: the one whose outcome changes the state. */
  lastCall: string | undefined;
}

/** Thrown by `EndpointCircuits.run` while an endpoint's circuit is open; `retryAfterMs` is the rest of the wait. */
export class CircuitOpen extends Error {
  constructor(
    readonly endpoint: string,
    readonly retryAfterMs: number,
  ) {
    super(`the circuit of ${endpoint} is open`);
    this.name = 'CircuitOpen';
  }
}

/**
 * One circuit breaker per Lean endpoint (its route template): a failing balance endpoint does not
 * stop transactions. Open, a circuit refuses calls at once; after `openMs` one probe call goes
 * through (the others wait for its outcome), success closes it, failure opens it again.
 */
export class EndpointCircuits {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly settings: CircuitSettings,
    private readonly log: Logger,
  ) {}

  /** Runs `call` through the endpoint's circuit; `probe` tells the call it is the half-open probe. */
  async run<T>(endpoint: string, correlationId: string, call: (probe: boolean) => Promise<T>): Promise<T> {
    const circuit = this.circuitOf(endpoint);
    try {
      return await circuit.policy.execute(async () => {
        const probe = circuit.probeStarting;
        circuit.probeStarting = false;
        try {
          return await call(probe);
        } finally {
          circuit.lastCall = correlationId;
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new CircuitOpen(endpoint, Math.max(0, circuit.openedAt + this.settings.openMs - Date.now()));
      throw error;
    }
  }

  private circuitOf(endpoint: string): Circuit {
    const existing = this.circuits.get(endpoint);
    if (existing !== undefined) return existing;
    const policy = circuitBreaker(
      handleWhen((error) => countsAgainstCircuit(error)),
      { halfOpenAfter: this.settings.openMs, breaker: new ConsecutiveBreaker(this.settings.failures) },
    );
    const circuit: Circuit = { policy, openedAt: 0, probeStarting: false, lastCall: undefined };
    // Emitted synchronously just before the breaker invokes the probe call.
    policy.onHalfOpen(() => {
      circuit.probeStarting = true;
    });
    // Logged with the call that changed the state; the half-open probe shows as the call that closes or reopens it.
    policy.onStateChange((state) => {
      if (state === CircuitState.Open) {
        circuit.openedAt = Date.now();
        const lean = { endpoint, correlationId: circuit.lastCall, outcome: 'circuit_opened', openMs: this.settings.openMs, failures: this.settings.failures };
        this.log.warn({ lean }, 'lean circuit opened: calls to this endpoint fail at once');
      } else if (state === CircuitState.Closed) {
        this.log.info({ lean: { endpoint, correlationId: circuit.lastCall, outcome: 'circuit_closed' } }, 'lean circuit closed: calls go through again');
      }
    });
    this.circuits.set(endpoint, circuit);
    return circuit;
  }
}
