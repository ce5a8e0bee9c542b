import { AppError } from './errors.ts';

/** Workspace roles, most powerful first. */
export const ROLES = ['owner', 'admin', 'editor', 'contributor', 'moderator', 'analyst', 'client'] as const;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const MANAGERS: readonly Role[] = ['owner', 'admin'];

/**
 * Who may do what: one line per permission. Services call {@link authorize}; the UI only mirrors this.
 * contributor = drafts only; moderator = inbox and moderation; analyst = read-only; client = approve and comment.
 */
export const PERMISSIONS = {
  'workspace.read': ALL,
  'workspace.update': MANAGERS,
  'member.read': ALL,
  'member.manage': MANAGERS,
  'token.create': ALL,
  'token.manage_all': MANAGERS,
  'audit.read': MANAGERS,
  'notification.read': ALL,
  'channel.read': ALL,
  'channel.manage': MANAGERS,
  'post.read': ALL,
  'post.draft': ['owner', 'admin', 'editor', 'contributor'],
  'post.publish': ['owner', 'admin', 'editor'],
  'post.approve': ['owner', 'admin', 'editor', 'client'],
  'post.comment': ['owner', 'admin', 'editor', 'contributor', 'client'],
  'charter.manage': ['owner', 'admin', 'editor'],
  'inbox.read': ['owner', 'admin', 'editor', 'moderator', 'analyst'],
  'inbox.reply': ['owner', 'admin', 'editor', 'moderator'],
  'inbox.manage': MANAGERS,
  'moderation.manage': ['owner', 'admin', 'moderator'],
  'listening.read': ['owner', 'admin', 'editor', 'moderator', 'analyst', 'client'],
  'listening.manage': ['owner', 'admin', 'editor'],
  'analytics.read': ALL,
  'relay.manage': MANAGERS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Whether `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Throws `forbidden` unless every role given holds `permission` (a token acts with its role AND its owner's). */
export function authorize(roles: readonly Role[], permission: Permission): void {
  if (roles.length === 0 || !roles.every((r) => can(r, permission))) {
    throw new AppError('forbidden', `Your role does not allow this (${permission}).`);
  }
}

/** Whether `inner` can do nothing that `outer` cannot: used to cap an API token's role by its creator's. */
export function roleWithin(inner: Role, outer: Role): boolean {
  // Owner and admin hold the same permissions, but only an owner manages owners (see isOwner): an admin
  // must not mint an owner token.
  if (inner === 'owner' && outer !== 'owner') return false;
  return (Object.keys(PERMISSIONS) as Permission[]).every((p) => !can(inner, p) || can(outer, p));
}

/**
 * Whether the caller acts as an owner: every bounding role is `owner`. A token carries its own role and
 * its creator's; `roles.includes('owner')` let an owner-role token of a (since demoted) admin manage owners.
 */
export function isOwner(roles: readonly Role[]): boolean {
  return roles.length > 0 && roles.every((r) => r === 'owner');
}

/** Narrows an untrusted string to a {@link Role}. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
