import type { Deps } from '../../platform/context.ts';
import { channelRoutes } from './channels.routes.ts';
import { googleRoutes } from './google.routes.ts';

/** The channels module: connected accounts and the gateway every other module uses to reach a network. */
export const channelsModule = {
  routes: (deps: Deps) => [channelRoutes(deps), googleRoutes(deps)],
  jobs: [],
};
export { callChannel, openChannel, recordFailure, recordSuccess, toAppError, type ChannelRow } from './channel.gateway.ts';
