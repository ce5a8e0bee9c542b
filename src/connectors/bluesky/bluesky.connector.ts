/**
 * Bluesky connector (AT Protocol), every call through the account's PDS with `ctx.fetch`. The PDS
 * forwards `app.bsky.*` reads to its AppView. It is assembled here from one file per concern:
 * bluesky.publish.ts (limits, publishing, reconciliation, deletion), bluesky.interactions.ts
 * (notifications and DMs behind one cursor, replies), bluesky.moderation.ts (threadgate, blocks),
 * bluesky.metrics.ts (counts, search), bluesky.chat.ts (DMs), bluesky.records.ts (shared shapes and reads).
 * How a publish stays exactly-once is told in bluesky.publish.ts.
 */
import type { Capabilities, Connector, ConnectorContext } from '../connector.ts';
import { createBlueskyInteractions } from './bluesky.interactions.ts';
import { createBlueskyMetrics } from './bluesky.metrics.ts';
import { blueskyModeration } from './bluesky.moderation.ts';
import { blueskyLimits, createBlueskyPublishing, validatePost } from './bluesky.publish.ts';
import { blueskyLinks, type ProfileView } from './bluesky.records.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc } from './bluesky.xrpc.ts';
import { streamJetstream } from './jetstream.ts';

export { blueskyLimits } from './bluesky.publish.ts';
export { decodeBlueskyCursor, encodeBlueskyCursor } from './bluesky.interactions.ts';

export const blueskyCapabilities: Capabilities = {
  auth: 'app-password',
  credentials: { expire: true, refreshable: true },
  publish: { text: true, images: true, video: false, thread: true, reply: true, contentWarning: false },
  deleteOwn: true,
  interactions: ['reply', 'mention', 'quote', 'dm', 'like', 'repost', 'follow'],
  moderation: ['hide', 'unhide', 'block', 'unblock'],
  metrics: ['likes', 'reposts', 'replies', 'quotes'],
  search: true,
  reconciliation: 'record-key',
  stream: 'network',
};

export interface BlueskyOptions {
  /** Web app used for post URLs (default https://bsky.app). */
  appUrl?: string;
}

/** Creates the Bluesky connector. */
export function createBlueskyConnector(options: BlueskyOptions = {}): Connector<BlueskyCredentials> {
  const appUrl = options.appUrl ?? 'https://bsky.app';
  const links = blueskyLinks(appUrl);

  const connector: Connector<BlueskyCredentials> = {
    network: 'bluesky',
    capabilities: blueskyCapabilities,

    async limits() {
      return blueskyLimits;
    },

    validate(variant, limits) {
      return validatePost(variant, limits);
    },

    async verify(ctx) {
      const x = new BlueskyXrpc(ctx);
      const res = await x.call('app.bsky.actor.getProfile', { method: 'GET', params: { actor: x.did }, what: 'read the profile' });
      const p = res.json<ProfileView>();
      if (p.handle !== ctx.credentials.handle) await ctx.saveCredentials({ ...ctx.credentials, handle: p.handle });
      return { remoteId: p.did, handle: p.handle, displayName: p.displayName || null, avatarUrl: p.avatar ?? null, url: `${appUrl}/profile/${p.handle}` };
    },

    async refreshCredentials(ctx) {
      await new BlueskyXrpc(ctx).refresh();
    },

    async disconnect(ctx) {
      const x = new BlueskyXrpc(ctx);
      await x.call('com.atproto.server.deleteSession', { method: 'POST', auth: 'refresh', what: 'close the session', allow: [400, 401] });
    },

    ...createBlueskyPublishing(links),
    ...createBlueskyInteractions(links),
    ...blueskyModeration,
    ...createBlueskyMetrics(links),

    streamNetwork(ctx, sink, signal) {
      // Jetstream: one connection for every Bluesky channel; matching posts trigger a poll (jetstream.ts).
      return streamJetstream(ctx, sink, signal);
    },
  };
  return connector;
}

/** The interface is generic over credentials; this alias names the Bluesky one. */
export type BlueskyConnector = Connector<BlueskyCredentials>;
export type { BlueskyCredentials, ConnectorContext };
