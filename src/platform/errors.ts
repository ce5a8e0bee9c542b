/**
 * The one error type of the application. `code` is stable (documented in docs/errors.md and translated
 * in the UI under `errors.<code>`); `status` is the HTTP status; `field` names the offending input.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message?: string, field?: string) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.code = code;
    this.status = STATUS[code];
    this.field = field;
  }
}

/** Stable error codes and their HTTP status: the single table mapping codes to statuses. */
export const STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  weak_password: 400,
  reset_token_invalid: 400,
  invitation_invalid: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  totp_required: 401,
  totp_invalid: 401,
  forbidden: 403,
  not_found: 404,
  already_member: 409,
  invitation_exists: 409,
  email_taken: 409,
  setup_done: 409,
  last_owner: 409,
  conflict: 409,
  reconnect_needed: 409,
  approval_required: 409,
  invalid_state: 409,
  reply_collision: 409,
  not_undoable: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  network_rejected: 422,
  network_api_not_approved: 422,
  network_not_configured: 409,
  charter_blocked: 422,
  rate_limited: 429,
  network_rate_limited: 429,
  internal_error: 500,
  network_unavailable: 502,
  unavailable: 503,
  outcome_unknown: 504,
} as const;

export type ErrorCode = keyof typeof STATUS;

const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid.',
  invalid_json: 'The request body is not valid JSON.',
  weak_password: 'The password must have at least 10 characters.',
  reset_token_invalid: 'This password reset link is invalid, expired or already used.',
  invitation_invalid: 'This invitation is invalid, expired or already used.',
  unauthenticated: 'Sign in to continue.',
  invalid_credentials: 'Email or password is incorrect.',
  totp_required: 'Enter the code from your authenticator app.',
  totp_invalid: 'The authenticator code is not valid.',
  forbidden: 'Your role does not allow this.',
  not_found: 'Not found.',
  already_member: 'This person is already a member of the workspace.',
  invitation_exists: 'An invitation is already pending for this email.',
  email_taken: 'An account already uses this email.',
  setup_done: 'This Passerelle already has an owner; ask them for an invitation.',
  last_owner: 'A workspace must keep at least one owner.',
  conflict: 'The resource changed meanwhile; reload and try again.',
  reconnect_needed: 'This channel must be reconnected: its credentials expired or were revoked.',
  approval_required: 'This post must be approved before it can be scheduled.',
  invalid_state: 'This cannot be done in the current state of the post.',
  reply_collision: 'A teammate replied in this conversation a moment ago; confirm to send yours too.',
  not_undoable: 'This action cannot be undone (the network does not allow it, or it was already undone).',
  payload_too_large: 'The request is too large.',
  unsupported_media_type: 'Send JSON (Content-Type: application/json).',
  network_rejected: 'The network refused this.',
  network_api_not_approved: 'The network has not approved this installation\'s API access yet.',
  network_not_configured: 'This network is not configured on this Passerelle; ask the administrator.',
  charter_blocked: 'The post breaks a blocking rule of the editorial charter.',
  rate_limited: 'Too many attempts; wait a moment and try again.',
  network_rate_limited: 'The network asks us to wait before calling it again.',
  network_unavailable: 'The network could not be reached; try again later.',
  outcome_unknown: 'The network did not answer in time; whether it acted is unknown and is being checked.',
  internal_error: 'Something went wrong on our side.',
  unavailable: 'Passerelle is starting or stopping; try again shortly.',
};

/** Shorthand for the common 404 that hides whether a resource exists in another workspace. */
export const notFound = (what = 'Not found.') => new AppError('not_found', what);
