import type {
  ApiErrorBody,
  ApiToken,
  AuditFilters,
  AuditPage,
  CreatedToken,
  Invitation,
  InvitationPreview,
  Locale,
  Member,
  MeResponse,
  NotificationList,
  Role,
  SetupState,
  TotpSetup,
  UserResponse,
  Workspace,
  WorkspaceResponse,
} from './types.ts';

/** An error answered by the API (or a network failure, with status 0 and code `network_error`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** Sends one JSON request to the API with the session cookie; resolves to the parsed body (undefined for 204). */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    if (isErrorBody(parsed)) {
      throw new ApiError(response.status, parsed.error.code, parsed.error.message, parsed.error.field);
    }
    throw new ApiError(response.status, `http_${response.status}`, response.statusText || `HTTP ${response.status}`);
  }
  return parsed as T;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const enc = encodeURIComponent;
const ws = (wid: string) => `/api/workspaces/${enc(wid)}`;

/** Typed calls to every endpoint the web app uses. */
export const api = {
  setup: () => request<SetupState>('GET', '/api/setup'),

  signup: (input: { name: string; email: string; password: string; locale?: Locale }) =>
    request<UserResponse>('POST', '/api/auth/signup', input),
  signin: (input: { email: string; password: string; totp?: string }) =>
    request<UserResponse>('POST', '/api/auth/signin', input),
  signout: () => request<void>('POST', '/api/auth/signout'),
  requestPasswordReset: (email: string) => request<object>('POST', '/api/auth/password-reset', { email }),
  confirmPasswordReset: (token: string, password: string) =>
    request<void>('POST', '/api/auth/password-reset/confirm', { token, password }),

  me: () => request<MeResponse>('GET', '/api/me'),
  updateMe: (input: { name?: string; locale?: Locale | null }) => request<UserResponse>('PATCH', '/api/me', input),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<void>('POST', '/api/me/password', { currentPassword, newPassword }),
  totpSetup: () => request<TotpSetup>('POST', '/api/me/totp/setup'),
  totpEnable: (code: string) => request<void>('POST', '/api/me/totp/enable', { code }),
  totpDisable: (password: string) => request<void>('POST', '/api/me/totp/disable', { password }),

  createWorkspace: (input: { name: string; timezone: string; language: Locale }) =>
    request<WorkspaceResponse>('POST', '/api/workspaces', input),
  workspace: (wid: string) => request<WorkspaceResponse>('GET', ws(wid)),
  updateWorkspace: (wid: string, input: { name?: string; timezone?: string; language?: Locale }) =>
    request<{ workspace: Workspace }>('PATCH', ws(wid), input),

  members: (wid: string) => request<{ members: Member[] }>('GET', `${ws(wid)}/members`),
  changeRole: (wid: string, userId: string, role: Role) =>
    request<{ member: Member }>('PATCH', `${ws(wid)}/members/${enc(userId)}`, { role }),
  removeMember: (wid: string, userId: string) => request<void>('DELETE', `${ws(wid)}/members/${enc(userId)}`),

  invitations: (wid: string) => request<{ invitations: Invitation[] }>('GET', `${ws(wid)}/invitations`),
  invite: (wid: string, email: string, role: Role) =>
    request<{ invitation: Invitation }>('POST', `${ws(wid)}/invitations`, { email, role }),
  revokeInvitation: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/invitations/${enc(id)}`),
  invitation: (token: string) => request<InvitationPreview>('GET', `/api/invitations/${enc(token)}`),
  acceptInvitation: (token: string, account?: { name: string; password: string }) =>
    request<WorkspaceResponse>('POST', `/api/invitations/${enc(token)}/accept`, account),

  tokens: (wid: string) => request<{ tokens: ApiToken[] }>('GET', `${ws(wid)}/tokens`),
  createToken: (wid: string, input: { name: string; role: Role; expiresAt?: string }) =>
    request<CreatedToken>('POST', `${ws(wid)}/tokens`, input),
  revokeToken: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/tokens/${enc(id)}`),

  audit: (wid: string, filters: AuditFilters, cursor?: string | null, limit = 50) =>
    request<AuditPage>('GET', `${ws(wid)}/audit${query({ ...filters, cursor, limit })}`),
  auditCsvUrl: (wid: string, filters: AuditFilters) => `${ws(wid)}/audit.csv${query({ ...filters })}`,

  notifications: (wid: string) => request<NotificationList>('GET', `${ws(wid)}/notifications`),
  markNotificationRead: (wid: string, id: string) =>
    request<void>('POST', `${ws(wid)}/notifications/${enc(id)}/read`),
  markAllNotificationsRead: (wid: string) => request<void>('POST', `${ws(wid)}/notifications/read-all`),
  eventsUrl: (wid: string) => `${ws(wid)}/events`,
};
