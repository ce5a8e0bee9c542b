import { randomBytes, randomUUID } from 'node:crypto';
import { limitsFromInstance, type MastodonCredentials, type MastodonInstance } from '../../src/connectors/mastodon/mastodon.api.ts';
import type { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { channels } from '../../src/db/schema/index.ts';
import type { TestApp } from './app.ts';

/**
 * A Mastodon channel connected to a local fake instance, inserted directly (no OAuth round trip):
 * a fresh account on the instance and a channel row holding its sealed token.
 * The test app must allow private addresses (`PASSERELLE_ALLOW_PRIVATE_NETWORK: '1'`).
 */
export async function makeMastodonChannel(t: TestApp, workspaceId: string, fake: FakeMastodon) {
  const { account, token } = fake.createAccount(`brand${randomBytes(3).toString('hex')}`, 'The Brand');
  const instance = (await (await fetch(`${fake.url}/api/v2/instance`)).json()) as MastodonInstance;
  const id = randomUUID();
  const credentials: MastodonCredentials = { instanceUrl: fake.url, accessToken: token, accountId: account.id, clientId: 'test', clientSecret: 'test' };
  const [row] = await t.deps.db.insert(channels).values({
    id, workspaceId, network: 'mastodon', remoteId: account.id, handle: account.acct, displayName: account.display_name,
    profileUrl: account.url, serverUrl: fake.url, credentialsSealed: t.deps.box.seal(credentials, `channel:${id}`),
    limits: limitsFromInstance(instance),
  }).returning();
  return { channel: row!, account, token };
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
