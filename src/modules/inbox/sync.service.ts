import { and, eq } from 'drizzle-orm';
import { channels } from '../../db/schema/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { pollChannelJob } from './inbox.jobs.ts';

/** Window in which repeated "check now" of one channel make one poll. */
export const SYNC_WINDOW_SECONDS = 2;

/**
 * "Check now": polls a channel at once instead of at the next tick. Asking again within
 * SYNC_WINDOW_SECONDS queues nothing more (`queued: false`); a poll that finds the channel busy (the
 * advisory lock) runs once more a few seconds later (inbox.jobs.ts).
 */
export async function syncChannel(ctx: Ctx, channelId: string): Promise<{ queued: boolean }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const [row] = await ctx.db.select({ id: channels.id }).from(channels).where(and(eq(channels.id, channelId), eq(channels.workspaceId, ws.id)));
  if (!row) throw new AppError('not_found', 'Channel not found.');
  const id = await ctx.deps.jobs.send(pollChannelJob, { channelId, again: true }, { singletonKey: `sync:${channelId}`, singletonSeconds: SYNC_WINDOW_SECONDS });
  return { queued: id !== null };
}
