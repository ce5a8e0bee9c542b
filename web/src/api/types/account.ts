// Shapes of the Passerelle HTTP API (/api): accounts, workspaces, members, invitations, tokens, audit log, notifications, events.

export type Locale = 'fr' | 'en';
export type Role = 'owner' | 'admin' | 'editor' | 'contributor' | 'moderator' | 'analyst' | 'client';

export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'contributor', 'moderator', 'analyst', 'client'];

export interface User {
  id: string;
  email: string;
  name: string;
  locale: Locale | null;
  totpEnabled: boolean;
  createdAt: string;
}

export interface Workspace {
  id: string;
  name: string;
  timezone: string;
  language: Locale;
  createdAt: string;
}

export interface Membership {
  workspace: Workspace;
  role: Role;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface SetupState {
  needsOwner: boolean;
}

export interface UserResponse {
  user: User;
}

export interface MeResponse {
  user: User;
  memberships: Membership[];
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
}

export interface WorkspaceResponse {
  workspace: Workspace;
  role: Role;
}

export interface UserRef {
  id: string;
  name: string;
}

export interface Member {
  user: { id: string; email: string; name: string };
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  invitedBy: UserRef;
  createdAt: string;
  expiresAt: string;
  link: string;
}

export interface InvitationPreview {
  workspace: { id: string; name: string };
  email: string;
  role: Role;
  userExists: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  createdBy: UserRef;
}

export interface CreatedToken {
  token: ApiToken;
  secret: string;
}

export type ActorType = 'user' | 'token' | 'system';

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: ActorType; id: string | null; name: string | null };
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
  actions: string[];
}

export interface AuditFilters {
  q?: string;
  action?: string;
  from?: string;
  to?: string;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationList {
  notifications: Notification[];
  unread: number;
}

/** One message of the workspace's Server-Sent Events stream. */
export interface ServerEvent {
  type: 'notification.created' | 'member.changed' | 'audit.created' | (string & {});
  payload: Record<string, unknown>;
}
