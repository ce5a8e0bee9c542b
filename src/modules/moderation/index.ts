import type { Deps } from '../../platform/context.ts';
import { moderationRoutes } from './moderation.routes.ts';

/** The moderation module: rules run after ingest (the inbox's post-ingest job), dry runs, the action log and undo. */
export const moderationModule = {
  routes: (deps: Deps) => [moderationRoutes(deps)],
  jobs: [],
};
export { runRulesOnMessages } from './rule.engine.ts';
export { moderateMessage, undoAction } from './action.service.ts';
