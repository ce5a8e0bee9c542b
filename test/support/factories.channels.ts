import { randomBytes, randomUUID } from 'node:crypto';
import { blueskyLimits } from '../../src/connectors/bluesky/bluesky.connector.ts';
import type { BlueskyCredentials } from '../../src/connectors/bluesky/bluesky.xrpc.ts';
import type { FakeBlueskyChat, FakeChatAccount } from '../../src/connectors/bluesky/fake-bluesky-chat.ts';
import type { Limits } from '../../src/connectors/connector.ts';
import type { MastodonCredentials } from '../../src/connectors/mastodon/mastodon.api.ts';
import type { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { channels } from '../../src/db/schema/index.ts';
import type { Deps } from '../../src/platform/context.ts';

/** The limits Passerelle reads from a Mastodon instance with default settings (and `maxLength` characters). */
export const mastodonLimits = (maxLength = 500): Limits => ({
  text: { maxLength, counting: 'mastodon', maxBytes: null, urlLength: 23 },
  media: { maxCount: 4, maxImageBytes: 16 * 1024 * 1024, imageMimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'], maxAltTextLength: 1500 },
  maxThreadParts: 25,
  maxLanguages: 1,
});

type FakeAccount = { account: { id: string; username: string; acct?: string }; token: string };

/**
 * A Mastodon channel connected to a local fake instance, inserted directly (no OAuth round trip): the
 * channel row holds the account's sealed token, as the channels module stores it. The account is a
 * fresh one unless `account` is given. The app must allow private addresses
 * (`PASSERELLE_ALLOW_PRIVATE_NETWORK: '1'`) to reach the fake.
 */
export async function makeMastodonChannel(deps: Deps, workspaceId: string, fake: FakeMastodon, opts: { username?: string; account?: FakeAccount } = {}) {
  const made = opts.account ?? fake.createAccount(opts.username ?? `brand${randomBytes(3).toString('hex')}`, 'The Brand');
  const { account, token } = made;
  const id = randomUUID();
  const credentials: MastodonCredentials = { instanceUrl: fake.url, accessToken: token, accountId: account.id, clientId: 'test', clientSecret: 'test' };
  const [row] = await deps.db.insert(channels).values({
    id, workspaceId, network: 'mastodon', remoteId: account.id, handle: `${account.username}@${new URL(fake.url).host}`, displayName: account.username,
    profileUrl: `${fake.url}/@${account.username}`, serverUrl: fake.url, credentialsSealed: deps.box.seal(credentials, `channel:${id}`),
    limits: mastodonLimits(fake.options.maxCharacters),
  }).returning();
  return { channel: row!, account: { ...account, acct: account.acct ?? account.username }, token };
}

/** Publishes a status as `token` straight on the fake instance (someone else's post, or ours). */
export async function postOnFake(fake: FakeMastodon, token: string, status: string, inReplyToId?: string): Promise<{ id: string }> {
  const res = await fetch(`${fake.url}/api/v1/statuses`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status, ...(inReplyToId ? { in_reply_to_id: inReplyToId } : {}) }),
  });
  if (res.status !== 200) throw new Error(`fake instance refused the status: ${res.status}`);
  return (await res.json()) as { id: string };
}

/**
 * A Bluesky channel whose PDS is a local fake (`FakeBlueskyChat`), inserted directly like the channels
 * module stores it after connect: the account's session sealed as credentials.
 */
export async function makeBlueskyChannel(deps: Deps, workspaceId: string, fake: FakeBlueskyChat, account: FakeChatAccount) {
  const id = randomUUID();
  const credentials: BlueskyCredentials = {
    service: fake.url, pdsUrl: fake.url, did: account.did, handle: account.handle, appPassword: 'abcd-efgh-ijkl-mnop',
    accessJwt: account.accessJwt, refreshJwt: account.refreshJwt,
  };
  const [row] = await deps.db.insert(channels).values({
    id, workspaceId, network: 'bluesky', remoteId: account.did, handle: account.handle, displayName: account.displayName,
    profileUrl: `https://bsky.app/profile/${account.handle}`, serverUrl: fake.url, credentialsSealed: deps.box.seal(credentials, `channel:${id}`),
    limits: blueskyLimits,
  }).returning();
  return row!;
}
