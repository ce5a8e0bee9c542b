import type { JobDefinition } from '../platform/jobs.ts';
import type { Deps } from '../platform/context.ts';
import type { RoutePlugin } from '../platform/http.ts';
import { channelsModule } from './channels/index.ts';
import { workspacesModule } from './workspaces/index.ts';

/** Every domain module's routes and jobs, in one list: add a module here to wire it into every role. */
export type Module = { routes(deps: Deps): RoutePlugin[]; jobs: JobDefinition<any>[] };

export const MODULES: Module[] = [workspacesModule, channelsModule];

export const allJobs = (): JobDefinition<any>[] => MODULES.flatMap((m) => m.jobs);
export const allRoutes = (deps: Deps): RoutePlugin[] => MODULES.flatMap((m) => m.routes(deps));
