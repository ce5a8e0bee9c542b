import { and, eq, gte, inArray, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { channels, metricPoints, postVariants } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import { defineJob } from '../../platform/jobs.ts';
import { callChannel } from '../channels/index.ts';

/**
 * Metrics of recently published variants, fetched through the channel gateway and stored as metric
 * points with their provenance (the network's field and when it was read): the base of the best-time
 * hint and, later, of analytics.
 */

const RECENT_DAYS = 7;
const CHUNK = 50;

/** Fetches current counts of variants published in the last week; returns how many points were stored. */
export async function collectMetrics(deps: Deps): Promise<number> {
  const since = new Date(deps.clock().getTime() - RECENT_DAYS * 86_400_000);
  const rows = await deps.db.select({ id: postVariants.id, workspaceId: postVariants.workspaceId, channelId: postVariants.channelId, remoteId: postVariants.remoteId })
    .from(postVariants).where(and(eq(postVariants.state, 'published'), isNotNull(postVariants.remoteId), gte(postVariants.publishedAt, since)));
  const byChannel = new Map<string, typeof rows>();
  for (const r of rows) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
  let stored = 0;
  if (byChannel.size === 0) return 0;
  const chans = await deps.db.select().from(channels).where(inArray(channels.id, [...byChannel.keys()]));
  for (const ch of chans) {
    if (ch.health === 'reconnect_needed') continue;
    const variants = byChannel.get(ch.id) ?? [];
    for (let i = 0; i < variants.length; i += CHUNK) {
      const chunk = variants.slice(i, i + CHUNK);
      const byRemote = new Map(chunk.map((v) => [v.remoteId!, v]));
      try {
        const snapshots = await callChannel(deps, ch, (connector, ctx) => connector.fetchMetrics(ctx, [...byRemote.keys()]));
        const values = snapshots.flatMap((s) => {
          const v = byRemote.get(s.remoteId);
          if (!v) return [];
          return Object.entries(s.values).map(([metric, value]) => ({
            workspaceId: v.workspaceId, entityType: 'variant', entityId: v.id, channelId: ch.id, metric, value: Number(value), at: s.fetchedAt,
            networkField: s.fields[metric as keyof typeof s.fields] ?? null, fetchedAt: s.fetchedAt,
          }));
        });
        if (values.length) await deps.db.insert(metricPoints).values(values);
        stored += values.length;
      } catch (err) {
        deps.log.warn({ channel: ch.id, err: (err as Error).message }, 'could not fetch post metrics');
        break;
      }
    }
  }
  return stored;
}

export const collectMetricsJob = defineJob({
  name: 'publishing.metrics',
  payload: z.unknown(),
  retry: { limit: 2, delaySeconds: 60, backoff: true },
  expireInSeconds: 900,
  async handler(_data, deps) {
    await collectMetrics(deps);
  },
});

/** How often metrics are collected (pg-boss schedules it once across processes). */
export const METRICS_CRON = '*/30 * * * *';
