/**
 * Reading posts on Bluesky: their counts (likes, reposts, replies, quotes), posts by id (a
 * conversation's original post), and search.
 */
import type { Connector, MetricSnapshot, RemotePost } from '../connector.ts';
import { isDmRemoteId } from './bluesky.chat.ts';
import { type BlueskyLinks, getPosts, postInteraction, type PostView } from './bluesky.records.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { BlueskyXrpc } from './bluesky.xrpc.ts';

/** `fetchMetrics`, `fetchPosts` and `search` of the Bluesky connector. */
export function createBlueskyMetrics({ postUrl }: BlueskyLinks): Pick<Connector<BlueskyCredentials>, 'fetchMetrics' | 'fetchPosts' | 'search'> {
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

    async fetchPosts(ctx, remoteIds): Promise<RemotePost[]> {
      // Only post URIs: a DM's id or another network's id is not a post here.
      const uris = remoteIds.filter((id) => id.startsWith('at://') && id.includes('/app.bsky.feed.post/'));
      const views = await getPosts(new BlueskyXrpc(ctx), uris);
      return views.map((v) => {
        const { remoteId, author, text, createdAt, url } = postInteraction(v, 'mention', postUrl);
        return { remoteId, author, text, createdAt, url };
      });
    },

    async search(ctx, query, cursor) {
      const x = new BlueskyXrpc(ctx);
      const res = await x.call('app.bsky.feed.searchPosts', { method: 'GET', params: { q: query, limit: 25, cursor: cursor ?? undefined }, what: 'search posts' });
      const body = res.json<{ posts: PostView[]; cursor?: string }>();
      return { items: body.posts.map((p) => postInteraction(p, 'mention', postUrl)), cursor: body.cursor ?? null };
    },
  };
}
