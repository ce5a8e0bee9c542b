import { eq } from 'drizzle-orm';
import type pg from 'pg';
import { z } from 'zod';
import { channels } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import { defineJob } from '../../platform/jobs.ts';
import { runRulesOnMessages } from '../moderation/rule.engine.ts';
import { relayMessages } from '../relay/relay.service.ts';
import { compactStatusCountsSql } from './conversation.queries.ts';
import { wakeSnoozed } from './conversation.service.ts';
import { fillConversationContext } from './context.service.ts';
import { afterIngestJobRef, contextJobRef, pollChannel } from './ingest.service.ts';
import { reconcileReply, replyJobs, sendDueReplies } from './reply.service.ts';
import { checkSlaBreaches } from './sla.service.ts';

/** Seconds between two polls of a connected channel. */
export const POLL_SECONDS = 30;

/** Delay before a skipped "check now" poll runs again (the running poll has usually finished by then). */
export const BUSY_RETRY_SECONDS = 5;
/** Times a "check now" waits for a busy channel before the next tick is left to it. */
const MAX_BUSY_RETRIES = 12;

/**
 * Polls one channel. Singleton per channel across workers: a session advisory lock on the channel id
 * (a second poll of the same channel returns at once). A tick's poll that finds the channel busy is
 * simply dropped (the running poll reads the same pages). A "check now" — from a person or from a
 * stream saying something new is there — may have been asked *because* of an item the running poll
 * already went past, so it comes back a few seconds later (up to about a minute) instead of being lost.
 */
export const pollChannelJob = defineJob({
  name: 'inbox.poll',
  payload: z.object({ channelId: z.uuid(), again: z.boolean().optional(), busyRetries: z.number().int().min(0).optional() }),
  retry: { limit: 2, delaySeconds: 20, backoff: true },
  expireInSeconds: 600,
  batchSize: 5,
  concurrency: 2,
  async handler({ channelId, again, busyRetries = 0 }, deps) {
    const ran = await withChannelLock(deps, channelId, () => pollChannel(deps, channelId).catch((err: unknown) => {
      // Rate limits and expired credentials are recorded on the channel by the gateway; the next tick tries again.
      deps.log.warn({ channelId, err: (err as Error).message }, 'inbox poll failed');
    }));
    // Busy again when it comes back (a slow poll): wait once more, up to about a minute in all.
    if (!ran && again && busyRetries < MAX_BUSY_RETRIES) {
      await deps.jobs.send(pollChannelJob, { channelId, again, busyRetries: busyRetries + 1 }, { startAfter: new Date(Date.now() + BUSY_RETRY_SECONDS * 1000) });
    }
  },
});

/** Runs `fn` holding the channel's poll lock; false when another poll holds it (nothing ran). */
async function withChannelLock(deps: Deps, channelId: string, fn: () => Promise<unknown>): Promise<boolean> {
  const client = await (deps.db as unknown as { $client: pg.Pool }).$client.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`inbox.poll:${channelId}`]);
    if (!rows[0]?.ok) return false;
    try {
      await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`inbox.poll:${channelId}`]);
    }
    return true;
  } finally {
    client.release();
  }
}

/** Right after a page is ingested: moderation rules, then relay routes, on the new messages. Idempotent. */
export const afterIngestJob = defineJob({
  name: 'inbox.after_ingest',
  payload: z.object({ workspaceId: z.uuid(), messageIds: z.array(z.uuid()).max(1000) }),
  retry: { limit: 5, delaySeconds: 5, backoff: true },
  batchSize: 20,
  concurrency: 2,
  async handler({ workspaceId, messageIds }, deps) {
    await runRulesOnMessages(deps, workspaceId, messageIds);
    await relayMessages(deps, workspaceId, messageIds);
  },
});
afterIngestJobRef.job = afterIngestJob;

/** After a page created threads under posts Passerelle did not publish: read those posts as context. */
export const contextJob = defineJob({
  name: 'inbox.context',
  payload: z.object({ channelId: z.uuid(), conversationIds: z.array(z.uuid()).max(1000) }),
  retry: { limit: 2, delaySeconds: 30, backoff: true },
  batchSize: 10,
  async handler({ channelId, conversationIds }, deps) {
    await fillConversationContext(deps, channelId, conversationIds);
  },
});
contextJobRef.job = contextJob;

/** Sends a delayed reply once its undo window has passed, unless it was cancelled. */
export const sendReplyJob = defineJob({
  name: 'inbox.reply.send',
  payload: z.object({ replyId: z.uuid() }),
  retry: { limit: 3, delaySeconds: 10, backoff: true },
  async handler({ replyId }, deps) {
    await sendDueReplies(deps, replyId);
  },
});

/** Asks the network whether a reply that timed out exists (never resends blindly). */
export const reconcileReplyJob = defineJob({
  name: 'inbox.reply.reconcile',
  payload: z.object({ replyId: z.uuid() }),
  retry: { limit: 5, delaySeconds: 60, backoff: true },
  async handler({ replyId }, deps) {
    await reconcileReply(deps, replyId);
  },
});
replyJobs.send = sendReplyJob;
replyJobs.reconcile = reconcileReplyJob;

/**
 * Every minute: schedule the polls of connected channels (every POLL_SECONDS), check SLA breaches,
 * wake snoozed conversations, send delayed replies that are due (safety net for their own job).
 */
export const inboxTickJob = defineJob({
  name: 'inbox.tick',
  payload: z.object({}).passthrough(),
  retry: { limit: 0, delaySeconds: 5 },
  cron: '* * * * *',
  async handler(_data, deps) {
    await scheduleChannelPolls(deps);
    await checkSlaBreaches(deps);
    await wakeSnoozed(deps);
    await sendDueReplies(deps);
    await deps.db.execute(compactStatusCountsSql);
  },
});

export async function scheduleChannelPolls(deps: Deps): Promise<number> {
  const rows = await deps.db.select({ id: channels.id }).from(channels).where(eq(channels.health, 'connected'));
  const now = Date.now();
  for (const { id } of rows) {
    for (let offset = 0; offset < 60; offset += POLL_SECONDS) {
      await deps.jobs.send(pollChannelJob, { channelId: id }, { startAfter: new Date(now + offset * 1000) });
    }
  }
  return rows.length;
}

export const inboxJobs = [pollChannelJob, afterIngestJob, contextJob, sendReplyJob, reconcileReplyJob, inboxTickJob];
