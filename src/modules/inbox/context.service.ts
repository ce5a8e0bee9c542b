import { eq, sql } from 'drizzle-orm';
import type { NetworkId } from '../../connectors/connector.ts';
import { getConnector } from '../../connectors/registry.ts';
import { channels } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import { callChannel } from '../channels/index.ts';

/**
 * The original post as a conversation's context (docs/inbox.md). A thread under a post published from
 * Passerelle gets its context at ingest, from the publishing module's variants. Any other thread (a
 * post the brand wrote in the network's own app, someone else's post the brand was mentioned under)
 * starts with only the root's id; this reads the root posts from the network (`fetchPosts`), after
 * the page committed, in the `inbox.context` job — ingest itself never waits on the network.
 */

/** Root posts read per job at most (one request each on Mastodon); the rest keep their id only. */
export const CONTEXT_BATCH = 40;

/** Fills the context of these conversations of one channel whose root post is not known yet. Returns how many got one. */
export async function fillConversationContext(deps: Deps, channelId: string, conversationIds: string[]): Promise<number> {
  const [row] = await deps.db.select().from(channels).where(eq(channels.id, channelId));
  if (!row || row.health === 'reconnect_needed') return 0;
  const connector = getConnector(row.network as NetworkId);
  if (!connector.fetchPosts) return 0;
  const pending = await deps.db.execute<{ root: string }>(sql`
    SELECT DISTINCT root_remote_id AS root FROM conversations
    WHERE workspace_id = ${row.workspaceId} AND channel_id = ${channelId} AND id = ANY(${sql.param(conversationIds)}::uuid[])
      AND kind = 'thread' AND root_remote_id IS NOT NULL AND context->>'text' IS NULL
    LIMIT ${CONTEXT_BATCH}`);
  const roots = pending.rows.map((r) => r.root);
  if (roots.length === 0) return 0;
  const posts = await callChannel(deps, row, (c, ctx) => c.fetchPosts!(ctx, roots));
  const found = posts.filter((p) => roots.includes(p.remoteId));
  if (found.length === 0) return 0;
  const p = <T>(f: (x: (typeof found)[number]) => T) => sql.param(found.map(f));
  // Remote text is stored as text (never HTML); the UI renders it as text.
  return deps.db.transaction(async (tx) => {
    const updated = await tx.execute<{ id: string }>(sql`
      UPDATE conversations c SET context = jsonb_build_object('remoteId', t.rid, 'url', t.url, 'text', t.txt, 'authorHandle', t.handle,
          'authorName', t.name, 'createdAt', t.at),
        updated_at = ${deps.clock()}
      FROM unnest(${p((x) => x.remoteId)}::text[], ${p((x) => x.url)}::text[], ${p((x) => x.text)}::text[], ${p((x) => x.author.handle)}::text[],
        ${p((x) => x.author.displayName)}::text[], ${p((x) => x.createdAt.toISOString())}::text[]) AS t(rid, url, txt, handle, name, at)
      WHERE c.workspace_id = ${row.workspaceId} AND c.channel_id = ${channelId} AND c.root_remote_id = t.rid AND c.kind = 'thread'
        AND c.context->>'text' IS NULL
      RETURNING c.id`);
    const ids = updated.rows.map((r) => r.id);
    if (ids.length > 0) {
      await deps.realtime.publish(tx, {
        workspaceId: row.workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: ids.slice(0, 100), change: ['context'] },
      });
    }
    return ids.length;
  });
}
