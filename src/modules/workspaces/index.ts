import type { Deps } from '../../platform/context.ts';
import { accountRoutes } from './account.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { notificationRoutes } from './notification.routes.ts';
import { tokenRoutes } from './token.routes.ts';
import { workspaceRoutes } from './workspace.routes.ts';
import { workspacesJobs } from './workspaces.jobs.ts';

/** The workspaces module's public face: its routes and jobs, and the notify() other modules use. */
export const workspacesModule = {
  routes: (deps: Deps) => [accountRoutes(deps), workspaceRoutes(deps), tokenRoutes(deps), auditRoutes(deps), notificationRoutes(deps)],
  jobs: workspacesJobs,
};
export { notify } from './notification.service.ts';
