/**
 * Whether an error means the database server could not be reached or went away (connection refused
 * or reset, the server shutting down, a connection exception, a pool that could not connect in
 * time), as opposed to a fault of the statement itself. Such errors are worth retrying later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof AggregateError && current.errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_GONE.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (CONNECTION_LOST.test(current.message)) return true;
  }
  return false;
}

/** Socket errors of the connection to the server. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
/** SQLSTATEs of a server that is shutting down or not accepting connections (class 08 is matched apart). */
const SERVER_GONE = new Set(['57P01', '57P02', '57P03']);
/** What pg and pg-pool say when a connection ends or cannot be made in time (they set no code). */
const CONNECTION_LOST = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly|connection is closed/i;

/** The message clients get: no host, port, database name or connection string. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is not answering; try again shortly';
