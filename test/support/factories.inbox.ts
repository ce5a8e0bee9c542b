import { randomUUID } from 'node:crypto';
import type { Interaction } from '../../src/connectors/connector.ts';
import type { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { channels } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/platform/context.ts';
import { makeMastodonChannel as makeChannel } from './factories.channels.ts';

/** Inbox test data: channels (a fake Mastodon account, or an offline one) and interactions as connectors return them. */

let n = 0;

/** A channel on the fake Mastodon instance, connected as `account` (the channel row). */
export async function makeMastodonChannel(deps: Deps, workspaceId: string, fake: FakeMastodon, account: { account: { id: string; username: string }; token: string }) {
  return (await makeChannel(deps, workspaceId, fake, { account })).channel;
}

/** A channel whose network is never called (for direct ingest tests). */
export async function makeOfflineChannel(deps: Deps, workspaceId: string, network: 'bluesky' | 'mastodon' = 'bluesky') {
  const id = randomUUID();
  const [row] = await deps.db.insert(channels).values({
    id, workspaceId, network, remoteId: `acct-${id}`, handle: `brand-${n++}`, credentialsSealed: deps.box.seal({}, `channel:${id}`), limits: {},
  }).returning();
  return row!;
}

/** An interaction as a connector returns it. */
export function interaction(over: Partial<Interaction> & { remoteId?: string } = {}): Interaction {
  n += 1;
  return {
    remoteId: over.remoteId ?? `r-${n}-${Math.random().toString(36).slice(2, 8)}`,
    kind: 'reply',
    author: { remoteId: 'author-1', handle: 'alice.example', displayName: 'Alice Martin', avatarUrl: null, followers: 120 },
    text: 'Bonjour, une question sur ma commande',
    createdAt: new Date('2026-03-10T08:00:00Z'),
    inReplyTo: 'post-1',
    root: 'post-1',
    url: null,
    raw: {},
    ...over,
  };
}
