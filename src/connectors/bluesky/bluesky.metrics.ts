/**
 * Reading posts' counts (likes, reposts, replies, quotes) and searching posts on Bluesky.
 */
import type { Connector, MetricSnapshot } from '../connector.ts';
import { isDmRemoteId } from './bluesky.chat.ts';
import { type BlueskyLinks, getPosts, postInteraction, type PostView } from './bluesky.records.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc } from './bluesky.xrpc.ts';

/** `fetchMetrics` and `search` of the Bluesky connector. */
export function createBlueskyMetrics({ postUrl }: BlueskyLinks): Pick<Connector<BlueskyCredentials>, 'fetchMetrics' | 'search'> {
  return {
    async fetchMetrics(ctx, remoteIds): Promise<MetricSnapshot[]> {
      const x = new BlueskyXrpc(ctx);
      // DMs have no counts: left out like deleted posts.
      const views = await getPosts(x, remoteIds.filter((id) => !isDmRemoteId(id)));
      const fetchedAt = ctx.now();
      return views.map((v) => ({
        remoteId: v.uri,
        fetchedAt,
        values: { likes: v.likeCount ?? 0, reposts: v.repostCount ?? 0, replies: v.replyCount ?? 0, quotes: v.quoteCount ?? 0 },
        fields: { likes: 'likeCount', reposts: 'repostCount', replies: 'replyCount', quotes: 'quoteCount' },
      }));
    },

    async search(ctx, query, cursor) {
      const x = new BlueskyXrpc(ctx);
      const res = await x.call('app.bsky.feed.searchPosts', { method: 'GET', params: { q: query, limit: 25, cursor: cursor ?? undefined }, what: 'search posts' });
      const body = res.json<{ posts: PostView[]; cursor?: string }>();
      return { items: body.posts.map((p) => postInteraction(p, 'mention', postUrl)), cursor: body.cursor ?? null };
    },
  };
}
