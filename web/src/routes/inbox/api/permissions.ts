import type { Role } from '../../../api/types.ts';

// Mirrors src/platform/policy.ts for what these screens show; the API decides.
const PERMISSIONS = {
  'inbox.read': ['owner', 'admin', 'editor', 'moderator', 'analyst'],
  'inbox.reply': ['owner', 'admin', 'editor', 'moderator'],
  'inbox.manage': ['owner', 'admin'],
  'moderation.manage': ['owner', 'admin', 'moderator'],
  'relay.manage': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type InboxPermission = keyof typeof PERMISSIONS;

/** Whether `role` may do `permission` (to hide what the API would refuse). */
export function can(role: Role, permission: InboxPermission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
