import type { JobDefinition } from '../platform/jobs.ts';
import type { Deps } from '../platform/context.ts';
import type { RoutePlugin } from '../platform/http.ts';
import { channelsModule } from './channels/index.ts';
import { inboxModule } from './inbox/index.ts';
import { moderationModule } from './moderation/index.ts';
import { publishingModule } from './publishing/index.ts';
import { relayModule } from './relay/index.ts';
import { workspacesModule } from './workspaces/index.ts';

/** A long-running loop of a module (e.g. the publishing scheduler), run by the `start` and `worker` roles. */
export type ModuleWorker = { name: string; start(): Promise<void>; stop(): Promise<void> };

/** Every domain module's routes, jobs and workers, in one list: add a module here to wire it into every role. */
export type Module = { routes(deps: Deps): RoutePlugin[]; jobs: JobDefinition<any>[]; workers?(deps: Deps): ModuleWorker[] };

export const MODULES: Module[] = [workspacesModule, channelsModule, publishingModule, inboxModule, moderationModule, relayModule];

export const allJobs = (): JobDefinition<any>[] => MODULES.flatMap((m) => m.jobs);
export const allRoutes = (deps: Deps): RoutePlugin[] => MODULES.flatMap((m) => m.routes(deps));
export const allWorkers = (deps: Deps): ModuleWorker[] => MODULES.flatMap((m) => m.workers?.(deps) ?? []);
