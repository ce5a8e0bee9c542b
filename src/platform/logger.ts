import { pino, type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs, whatever object they are nested in. */
export const REDACT_PATHS = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'secret', '*.secret', 'credentials', '*.credentials', 'accessJwt', '*.accessJwt',
  'refreshJwt', '*.refreshJwt', 'accessToken', '*.accessToken', 'req.headers.cookie', 'req.headers.authorization',
  'headers.cookie', 'headers.authorization',
];

/** The process logger: JSON lines, secrets redacted. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } });
}
