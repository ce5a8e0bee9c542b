/**
 * Typed errors every connector throws. The scheduler and the channels module decide what to do from
 * the class alone (see docs/connectors.md, "Error semantics"):
 *
 * - `RateLimited`    → postpone the work until `retryAt`; mark the channel rate-limited until then.
 * - `AuthExpired`    → the credentials no longer work and could not be renewed: channel health
 *                      becomes "reconnect needed", notify the workspace, keep the work waiting.
 * - `Rejected`       → the network (or the connector before calling it) refused this input for good;
 *                      retrying the same input fails again. Show `reason` to the user.
 * - `Transient`      → the call certainly had no effect (connection refused, 5xx on a read…);
 *                      retry with backoff.
 * - `OutcomeUnknown` → a write may or may not have happened (timeout, connection reset, 5xx after the
 *                      request was sent). Never retry blindly: reconcile with `findPublished`.
 *
 * Messages never contain credentials, tokens or app passwords.
 */

import type { ValidationIssue } from './connector.ts';

/** Stable codes for `Rejected`; the UI translates them, `reason` carries the network's own words. */
export type RejectCode =
  | 'invalid_credentials'
  | 'invalid_input'
  | 'too_long'
  | 'too_many_media'
  | 'media_too_large'
  | 'media_type_unsupported'
  | 'not_found'
  | 'forbidden'
  | 'unsupported'
  | 'duplicate'
  | 'unreachable'
  | 'blocked_address'
  | 'not_an_instance'
  /** The network's API is not open to this installation yet (Google Business Profile: quota 0 until Google approves access). */
  | 'api_not_approved';

/** Base class: `code` is stable and safe to show or store. */
export class ConnectorError extends Error {
  readonly code: string;
  /** Network id that raised it, when known. */
  network: string | undefined;

  constructor(code: string, message: string, options?: { cause?: unknown; network?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.network = options?.network;
  }
}

/** The channel (or the whole account) must wait until `retryAt` before calling the network again. */
export class RateLimited extends ConnectorError {
  readonly retryAt: Date;

  constructor(retryAt: Date, message?: string, options?: { cause?: unknown; network?: string }) {
    super('rate_limited', message ?? `Rate-limited until ${retryAt.toISOString()}`, options);
    this.retryAt = retryAt;
  }
}

/** Credentials expired or were revoked and could not be renewed: the user must reconnect the channel. */
export class AuthExpired extends ConnectorError {
  constructor(message = 'The network no longer accepts this channel\'s credentials; reconnect it', options?: { cause?: unknown; network?: string }) {
    super('auth_expired', message, options);
  }
}

/** The network refused the input for good (or the connector knows it would). */
export class Rejected extends ConnectorError {
  readonly reason: string;
  readonly rejectCode: RejectCode;
  /** HTTP status from the network when there was one. */
  readonly status: number | undefined;
  /** The validation issues, when the connector refused the variant before calling the network. */
  readonly issues: ValidationIssue[];

  constructor(reason: string, code: RejectCode, options?: { cause?: unknown; network?: string; status?: number; issues?: ValidationIssue[] }) {
    super(`rejected:${code}`, reason, options);
    this.reason = reason;
    this.rejectCode = code;
    this.status = options?.status;
    this.issues = options?.issues ?? [];
  }
}

/** The call had no effect and may be retried later with backoff. */
export class Transient extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown; network?: string }) {
    super('transient', message, options);
  }
}

/**
 * A write was sent and its outcome is unknown (timeout, reset, server error after sending).
 * Parts of a thread that were confirmed before the unknown step were already reported through
 * `PublishRequest.onPart`.
 */
export class OutcomeUnknown extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown; network?: string }) {
    super('outcome_unknown', message, options);
  }
}

/** `Rejected` for a variant that fails validation: the first issue's message, every issue attached. */
export function rejectedByValidation(issues: ValidationIssue[], network: string): Rejected {
  const first = issues[0];
  const code: RejectCode =
    first?.code === 'text_too_long' || first?.code === 'text_too_many_bytes' ? 'too_long'
    : first?.code === 'too_many_media' ? 'too_many_media'
    : first?.code === 'media_too_large' ? 'media_too_large'
    : first?.code === 'media_type_unsupported' ? 'media_type_unsupported'
    : 'invalid_input';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  return new Rejected(`${first?.message ?? 'The post is not valid'}${more}`, code, { network, issues });
}

/** True for errors that mean "try again later, the same call may succeed". */
export function isRetryable(error: unknown): error is RateLimited | Transient {
  return error instanceof RateLimited || error instanceof Transient;
}
