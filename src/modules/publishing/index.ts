import type { Deps } from '../../platform/context.ts';
import { collectMetricsJob, METRICS_CRON } from './metrics.jobs.ts';
import { postRoutes } from './posts.routes.ts';
import { publishingRoutes } from './publishing.routes.ts';
import { Scheduler } from './scheduler.ts';

/**
 * The publishing module: composer, charter, approvals, calendar and plan, scheduling, links, media,
 * import; its worker is the exactly-once scheduler (started by `passerelle start` and `passerelle worker`).
 */
export const publishingModule = {
  routes: (deps: Deps) => [postRoutes(deps), publishingRoutes(deps)],
  jobs: [collectMetricsJob],
  workers: (deps: Deps) => {
    let scheduler: Scheduler | null = null;
    return [{
      name: 'publishing.scheduler',
      async start() {
        scheduler = new Scheduler(deps, { concurrency: Math.max(8, deps.config.workerConcurrency * 4) });
        await scheduler.start({ listen: true });
        await deps.jobs.boss.schedule(collectMetricsJob.name, METRICS_CRON, {}).catch((err: Error) => deps.log.warn({ err: err.message }, 'could not schedule metrics collection'));
      },
      async stop() {
        await scheduler?.stop();
      },
    }];
  },
};
export { Scheduler, type SchedulerOptions } from './scheduler.ts';
export { collectMetrics } from './metrics.jobs.ts';
