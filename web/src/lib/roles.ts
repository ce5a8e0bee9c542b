import type { Role } from '../api/types.ts';
import { ROLES } from '../api/types.ts';

// The UI only hides what a role cannot do; the API decides. Ranks follow the contract's order.
const rank = (role: Role) => ROLES.length - ROLES.indexOf(role);

/** True when the role may manage the workspace: settings, members, invitations, API tokens, audit log. */
export function canAdminister(role: Role | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** Roles that a member with `own` may hand out (to an invitation, a member or an API token). */
export function grantableRoles(own: Role | undefined): Role[] {
  if (!own) return [];
  return ROLES.filter((role) => rank(role) <= rank(own));
}
