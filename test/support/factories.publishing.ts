import { randomUUID } from 'node:crypto';
import { postVariants, posts } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/platform/context.ts';

/** Publishing test data: channels on a fake Mastodon instance, posts with variants in a given state. */

export { makeMastodonChannel, mastodonLimits } from './factories.channels.ts';

/** A post with one variant per channel, straight into the database (state, due time and text given). */
export async function makeScheduledPost(deps: Deps, workspaceId: string, channelIds: string[], opts: { text?: string; dueAt: Date; state?: string; authorId?: string | null }) {
  const [post] = await deps.db.insert(posts).values({ workspaceId, authorId: opts.authorId ?? null, title: (opts.text ?? 'post').slice(0, 40) }).returning();
  const variants = await deps.db.insert(postVariants).values(channelIds.map((channelId) => ({
    workspaceId, postId: post!.id, channelId, text: opts.text ?? `Bonjour ${randomUUID()}`, state: opts.state ?? 'scheduled', dueAt: opts.dueAt, scheduleVersion: 1,
  }))).returning();
  return { post: post!, variants };
}
