import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { getConnector, isNetworkId } from '../../connectors/registry.ts';
import { channels, inboxChannelState } from '../../db/schema/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { POLL_SECONDS } from './inbox.jobs.ts';
import { STREAM_SEEN_TTL_MS } from './stream.supervisor.ts';

/** How each channel of the workspace reaches the inbox: live stream or polling, last poll, last errors. */
export const channelStatusOut = z.object({
  channelId: z.uuid(),
  network: z.string(),
  handle: z.string(),
  health: z.string(),
  /** Seconds between two polls (polling runs whether or not a stream is live). */
  pollSeconds: z.number(),
  lastPolledAt: z.iso.datetime().nullable(),
  lastPollError: z.string().nullable(),
  stream: z.object({
    /** What the network offers: `none`, one stream per account, or one for the whole network. */
    mode: z.enum(['none', 'account', 'network']),
    /** Open now (and refreshed recently by the process holding the streams). */
    live: z.boolean(),
    connectedSince: z.iso.datetime().nullable(),
    lastEventAt: z.iso.datetime().nullable(),
    lastError: z.string().nullable(),
  }),
});

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Every channel of the workspace with its ingest and stream state (inbox.read). */
export async function listChannelStatus(ctx: Ctx): Promise<{ channels: z.infer<typeof channelStatusOut>[] }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const rows = await ctx.db
    .select({ channel: channels, state: inboxChannelState })
    .from(channels)
    .leftJoin(inboxChannelState, eq(inboxChannelState.channelId, channels.id))
    .where(eq(channels.workspaceId, ws.id))
    .orderBy(asc(channels.network), asc(channels.handle));
  const now = ctx.clock().getTime();
  return {
    channels: rows.map(({ channel, state }) => {
      const seen = state?.streamSeenAt?.getTime() ?? 0;
      // A holder that died leaves "connected" behind; without a recent refresh it is not live.
      const live = Boolean(state?.streamConnectedSince) && now - seen < STREAM_SEEN_TTL_MS && channel.health === 'connected';
      return {
        channelId: channel.id,
        network: channel.network,
        handle: channel.handle,
        health: channel.health,
        pollSeconds: POLL_SECONDS,
        lastPolledAt: iso(state?.lastPolledAt),
        lastPollError: state?.lastError ?? null,
        stream: {
          mode: isNetworkId(channel.network) ? getConnector(channel.network).capabilities.stream : 'none',
          live,
          connectedSince: live ? iso(state?.streamConnectedSince) : null,
          lastEventAt: iso(state?.streamLastEventAt),
          lastError: state?.streamLastError ?? null,
        },
      };
    }),
  };
}
