import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { schedulerWorkers } from '../../db/schema/index.ts';
import { fromRow, type Claimed, type SchedulerCore } from './scheduler.core.ts';

/**
 * Claiming due variants (scheduler.ts describes the whole): one atomic `UPDATE … RETURNING` moves due
 * variants from `scheduled` to `publishing`, owned by this worker; and the liveness of workers (a
 * heartbeat row and an advisory lock) by which the others tell whether a claim is still held
 * (scheduler.sweep.ts turns the claims of a dead worker into `unknown`).
 */

/** First key of the workers' liveness advisory locks (the second is hashtext(worker id)): "PS". */
export const LIVENESS_LOCK_SPACE = 0x5053;

/**
 * Registers this worker so that other workers can tell its claims are alive: a heartbeat row, and a
 * session-level advisory lock held on a dedicated connection for the worker's whole life. When the
 * process dies (even by SIGKILL) its connection closes and PostgreSQL releases the lock at once, so
 * other workers see its claims as stale within one sweep instead of waiting for the heartbeat to age.
 */
export async function registerWorker(core: SchedulerCore): Promise<void> {
  const now = core.deps.clock();
  await core.deps.db.insert(schedulerWorkers).values({ id: core.id, startedAt: now, heartbeatAt: now })
    .onConflictDoUpdate({ target: schedulerWorkers.id, set: { heartbeatAt: now } });
  if (!core.liveness) {
    // Its own connection, outside the pool: it lives as long as the worker, and must not keep the
    // process (or a pool shutting down) waiting — hence the unref'd socket.
    const pool = (core.deps.db as unknown as { $client: pg.Pool }).$client;
    const client = new pg.Client({ ...pool.options, application_name: 'passerelle-scheduler-liveness' });
    client.on('error', () => { core.liveness = null; });
    await client.connect();
    (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
    await client.query(`SELECT pg_advisory_lock(${LIVENESS_LOCK_SPACE}, hashtext($1))`, [core.id]);
    core.liveness = client;
  }
}

/** Refreshes this worker's heartbeat. */
export async function beat(core: SchedulerCore): Promise<void> {
  await core.deps.db.update(schedulerWorkers).set({ heartbeatAt: core.deps.clock() }).where(eq(schedulerWorkers.id, core.id));
}

/** Leaves: the heartbeat row goes and the liveness lock is released. */
export async function unregisterWorker(core: SchedulerCore): Promise<void> {
  await core.deps.db.delete(schedulerWorkers).where(eq(schedulerWorkers.id, core.id)).catch(() => {});
  if (core.liveness) {
    await core.liveness.end().catch(() => {}); // closing the session releases the lock
    core.liveness = null;
  }
}

function limitedChannels(core: SchedulerCore, now: Date): string[] {
  const out: string[] = [];
  for (const [id, until] of core.limited) {
    if (until > now.getTime()) out.push(id);
    else core.limited.delete(id);
  }
  return out;
}

/** Atomically claims up to `n` due variants for this worker. */
export async function claimDue(core: SchedulerCore, n: number): Promise<Claimed[]> {
  const now = core.deps.clock();
  const graceFloor = new Date(now.getTime() - core.deps.config.publishGraceMinutes * 60_000);
  const skip = limitedChannels(core, now);
  // The pick is a MATERIALIZED CTE, run exactly once: as an `IN (subquery)` the planner may rescan
  // it in a nested loop, and every rescan with SKIP LOCKED picks *other* rows, claiming past LIMIT.
  const res = await core.deps.db.execute(sql`
    WITH picked AS MATERIALIZED (
      SELECT v2.id FROM post_variants v2 JOIN channels c ON c.id = v2.channel_id
      WHERE v2.state = 'scheduled' AND v2.due_at <= ${now}
        AND (v2.not_before IS NULL OR v2.not_before <= ${now})
        AND greatest(v2.due_at, coalesce(v2.not_before, v2.due_at)) >= ${graceFloor}
        AND (c.rate_limited_until IS NULL OR c.rate_limited_until <= ${now})
        AND c.health <> 'reconnect_needed'
        -- Channel affinity: a channel another worker is publishing to stays with that worker until
        -- its claims are done, so two workers never race into one account's rate limit.
        AND NOT EXISTS (SELECT 1 FROM post_variants busy WHERE busy.state = 'publishing'
          AND busy.channel_id = v2.channel_id AND busy.claimed_by <> ${core.id})
        ${skip.length ? sql`AND NOT (v2.channel_id = ANY(${`{${skip.join(',')}}`}::uuid[]))` : sql``}
      ORDER BY v2.due_at
      LIMIT ${n}
      FOR UPDATE OF v2 SKIP LOCKED)
    UPDATE post_variants v SET state = 'publishing', claimed_by = ${core.id}, claimed_at = ${now}, attempts = v.attempts + 1, updated_at = ${now}
    FROM picked, posts p
    WHERE v.id = picked.id AND p.id = v.post_id AND v.state = 'scheduled'
    RETURNING v.*, p.recurrence IS NOT NULL AS recurring, p.author_id`);
  return res.rows.map((r) => fromRow(r as Record<string, unknown>));
}
