import { PgBoss } from 'pg-boss';
import type { z } from 'zod';
import type { Deps } from './context.ts';
import type { Logger } from './logger.ts';

/**
 * A typed background job: its queue name, payload schema, retry policy and handler sit together.
 * Handlers call the same services as HTTP does, through a system context.
 */
export type JobDefinition<P> = {
  name: string;
  payload: z.ZodType<P>;
  retry?: { limit: number; delaySeconds: number; backoff?: boolean };
  /** Seconds a job may run before pg-boss considers its worker dead and retries it. */
  expireInSeconds?: number;
  /** Jobs fetched per poll; >1 avoids pg-boss's ~16 jobs/s ceiling with batchSize 1. */
  batchSize?: number;
  /** Parallel pollers per process. */
  concurrency?: number;
  /** A cron expression (minute precision): pg-boss then enqueues the job on that schedule, once across processes. */
  cron?: string;
  handler(data: P, deps: Deps, meta: { id: string; retryCount: number }): Promise<void>;
};

/** Declares a job with its types inferred from the payload schema. */
export function defineJob<P>(def: JobDefinition<P>): JobDefinition<P> {
  return def;
}

type AnyJob = JobDefinition<any>;

/** The job registry and the pg-boss instance behind it. */
export class Jobs {
  readonly boss: PgBoss;
  readonly #defs = new Map<string, AnyJob>();
  readonly #log: Logger;
  #stopping = false;

  constructor(url: string, log: Logger, defs: AnyJob[]) {
    this.boss = new PgBoss({ connectionString: url, application_name: 'passerelle-jobs', max: 5 } as ConstructorParameters<typeof PgBoss>[0]);
    this.boss.on('error', (err: Error) => log.error({ err: err.message }, 'job queue error'));
    this.#log = log;
    for (const d of defs) {
      if (this.#defs.has(d.name)) throw new Error(`Duplicate job name ${d.name}`);
      this.#defs.set(d.name, d);
    }
  }

  /** Starts pg-boss (creating its schema on first run) and makes sure every queue exists. */
  async start(): Promise<void> {
    await this.boss.start();
    const existing = new Set((await this.boss.getQueues()).map((q: { name: string }) => q.name));
    for (const def of this.#defs.values()) {
      if (existing.has(def.name)) continue;
      await this.boss.createQueue(def.name, {
        retryLimit: def.retry?.limit ?? 3,
        retryDelay: def.retry?.delaySeconds ?? 5,
        retryBackoff: def.retry?.backoff ?? true,
        expireInSeconds: def.expireInSeconds ?? 300,
        notify: true,
      } as Parameters<PgBoss['createQueue']>[1]).catch((err: Error) => {
        // Another process created it between our read and our create.
        if (!/exists/i.test(err.message)) throw err;
      });
    }
    for (const def of this.#defs.values()) {
      if (def.cron) await this.boss.schedule(def.name, def.cron, {});
    }
  }

  /**
   * Validates the payload and enqueues it; returns the job id, or null when it was not queued. On our
   * (standard) queues a `singletonKey` alone deduplicates nothing: pair it with `singletonSeconds`
   * (at most one job per key in each window of that many seconds).
   */
  async send<P>(def: JobDefinition<P>, data: P, opts: { startAfter?: Date; singletonKey?: string; singletonSeconds?: number } = {}): Promise<string | null> {
    if (!this.#defs.has(def.name)) throw new Error(`Job ${def.name} is not registered`);
    const payload = def.payload.parse(data);
    return this.boss.send(def.name, payload as object, opts);
  }

  /** Subscribes this process to every registered queue. */
  async work(deps: Deps): Promise<void> {
    for (const def of this.#defs.values()) {
      await this.boss.work(def.name, {
        batchSize: def.batchSize ?? 10,
        localConcurrency: def.concurrency ?? 1,
        pollingIntervalSeconds: 1,
      } as Parameters<PgBoss['work']>[1], async (jobs: { id: string; data: unknown; retryCount?: number }[]) => {
        for (const job of jobs) {
          if (this.#stopping) throw new Error('Shutting down; job released for another worker.');
          const parsed = def.payload.safeParse(job.data);
          if (!parsed.success) {
            this.#log.error({ job: def.name, id: job.id, issues: parsed.error.issues }, 'job payload invalid; dropped');
            continue;
          }
          await def.handler(parsed.data, deps, { id: job.id, retryCount: job.retryCount ?? 0 });
        }
      });
    }
  }

  /** Stops fetching, lets running handlers finish (up to `timeoutMs`), then closes. */
  async stop(timeoutMs = 20_000): Promise<void> {
    this.#stopping = true;
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: true });
  }
}
