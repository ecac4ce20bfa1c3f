import { pino, type Logger, type DestinationStream } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Paths that may carry secrets or personal data. pino removes them before a line is written, so a
 * header or field added later to a log call cannot leak by accident.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["lean-app-token"]',
  'req.headers["lean-signature"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'token',
  'apiKey',
  'secret',
  'password',
  'databaseUrl',
  '*.authorization',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.databaseUrl',
];

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'lean-gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
