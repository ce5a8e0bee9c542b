import type { Deps } from '../../platform/context.ts';
import { relayJobs } from './relay.jobs.ts';
import { relayRoutesPlugin } from './relay.routes.ts';

/** The relay module: routes messages by intent or tag to a company team (email digest or webhook) and tracks them. */
export const relayModule = {
  routes: (deps: Deps) => [relayRoutesPlugin(deps)],
  jobs: relayJobs,
};
export { relayMessages, relayTagged } from './relay.service.ts';
