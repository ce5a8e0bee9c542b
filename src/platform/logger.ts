import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs, whatever object they are nested in. */
export const REDACT_PATHS = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'secret', '*.secret', 'credentials', '*.credentials', 'accessJwt', '*.accessJwt',
  'refreshJwt', '*.refreshJwt', 'accessToken', '*.accessToken', 'req.headers.cookie', 'req.headers.authorization',
  'headers.cookie', 'headers.authorization',
];

/** The process logger: JSON lines, secrets redacted. `destination` defaults to stdout (tests capture lines with it). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } };
  return destination ? pino(options, destination) : pino(options);
}
