import { randomUUID } from 'node:crypto';
import type { Limits } from '../../src/connectors/connector.ts';
import type { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { channels, postVariants, posts } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/platform/context.ts';

/** Publishing test data: channels on a fake Mastodon instance, posts with variants in a given state. */

export const mastodonLimits = (maxLength = 500): Limits => ({
  text: { maxLength, counting: 'mastodon', maxBytes: null, urlLength: 23 },
  media: { maxCount: 4, maxImageBytes: 16 * 1024 * 1024, imageMimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxAltTextLength: 1500 },
  maxThreadParts: 25,
  maxLanguages: 1,
});

/** A connected Mastodon channel whose account lives on `fake` (credentials sealed like the real flow). */
export async function makeMastodonChannel(deps: Deps, workspaceId: string, fake: FakeMastodon, username = `brand${Math.floor(Math.random() * 1e9)}`) {
  const { account, token } = fake.createAccount(username);
  const id = randomUUID();
  const credentials = { instanceUrl: fake.url, accessToken: token, accountId: account.id, clientId: 'client', clientSecret: 'secret' };
  const [row] = await deps.db.insert(channels).values({
    id, workspaceId, network: 'mastodon', remoteId: account.id, handle: `${username}@${new URL(fake.url).host}`, displayName: username,
    serverUrl: fake.url, credentialsSealed: deps.box.seal(credentials, `channel:${id}`), limits: mastodonLimits(fake.options.maxCharacters),
  }).returning();
  return { channel: row!, account };
}

/** A post with one variant per channel, straight into the database (state, due time and text given). */
export async function makeScheduledPost(deps: Deps, workspaceId: string, channelIds: string[], opts: { text?: string; dueAt: Date; state?: string; authorId?: string | null }) {
  const [post] = await deps.db.insert(posts).values({ workspaceId, authorId: opts.authorId ?? null, title: (opts.text ?? 'post').slice(0, 40) }).returning();
  const variants = await deps.db.insert(postVariants).values(channelIds.map((channelId) => ({
    workspaceId, postId: post!.id, channelId, text: opts.text ?? `Bonjour ${randomUUID()}`, state: opts.state ?? 'scheduled', dueAt: opts.dueAt, scheduleVersion: 1,
  }))).returning();
  return { post: post!, variants };
}
