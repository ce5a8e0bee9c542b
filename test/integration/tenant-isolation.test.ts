import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import { apiTokens, channels, invitations, members, notifications } from '../../src/db/schema/index.ts';
import { ROLES, type Role } from '../../src/platform/policy.ts';
import { notify } from '../../src/modules/workspaces/index.ts';
import { Client, startTestApp, type TestApp } from '../support/app.ts';
import { withToken, workspaceWithEveryRole } from '../support/factories.ts';
import { authHeaders, EventStream } from '../support/sse.ts';

/**
 * A member of workspace A learns nothing about workspace B: every workspace route answers 404 (never
 * 403, never data), whether B's real ids are known or guessed. Bodies are valid so that nothing but the
 * workspace check can refuse the request. A new workspace route fails this file until it is added here.
 */
const BODIES: Record<string, unknown> = {
  'GET /api/workspaces/:wid': undefined,
  'PATCH /api/workspaces/:wid': { name: 'Taken over' },
  'GET /api/workspaces/:wid/members': undefined,
  'PATCH /api/workspaces/:wid/members/:userId': { role: 'owner' },
  'DELETE /api/workspaces/:wid/members/:userId': undefined,
  'GET /api/workspaces/:wid/invitations': undefined,
  'POST /api/workspaces/:wid/invitations': { email: 'intruder@example.com', role: 'owner' },
  'DELETE /api/workspaces/:wid/invitations/:id': undefined,
  'GET /api/workspaces/:wid/tokens': undefined,
  'POST /api/workspaces/:wid/tokens': { name: 'intruder', role: 'client' },
  'DELETE /api/workspaces/:wid/tokens/:id': undefined,
  'GET /api/workspaces/:wid/audit': undefined,
  'GET /api/workspaces/:wid/audit.csv': undefined,
  'GET /api/workspaces/:wid/notifications': undefined,
  'POST /api/workspaces/:wid/notifications/read-all': undefined,
  'POST /api/workspaces/:wid/notifications/:id/read': undefined,
  'GET /api/workspaces/:wid/events': undefined,
  'GET /api/workspaces/:wid/channels': undefined,
  'POST /api/workspaces/:wid/channels/bluesky': { handle: 'intruder.test', appPassword: 'abcd-efgh-ijkl-mnop' },
  'POST /api/workspaces/:wid/channels/mastodon/authorize': { instanceUrl: 'mastodon.example' },
  'POST /api/workspaces/:wid/channels/:id/verify': undefined,
  'DELETE /api/workspaces/:wid/channels/:id': undefined,
  'POST /api/workspaces/:wid/channels/:id/validate': { text: 'x' },
  'POST /api/workspaces/:wid/channels/:id/posts': { text: 'For B only' },
  'POST /api/workspaces/:wid/channels/:id/posts/delete': { remoteId: '1' },
  'GET /api/workspaces/:wid/channels/:id/interactions': undefined,
  'POST /api/workspaces/:wid/channels/:id/moderate': { action: 'hide', remoteId: '1' },
  'POST /api/workspaces/:wid/channels/:id/metrics': { remoteIds: ['1'] },
};

describe('tenant isolation: members of workspace A get 404 on everything of workspace B', () => {
  let t: TestApp;
  let base: string;
  let a: Awaited<ReturnType<typeof workspaceWithEveryRole>>;
  let b: Awaited<ReturnType<typeof workspaceWithEveryRole>>;
  /** B's real ids, as if leaked. */
  let leaked: { wid: string; userId: string; invitationId: string; tokenId: string; notificationId: string; channelId: string };
  let routes: string[];

  before(async () => {
    t = await startTestApp();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    a = await workspaceWithEveryRole(t);
    b = await workspaceWithEveryRole(t);
    const bOwner = b.people.owner.client;
    const inv = await bOwner.post(`/api/workspaces/${b.ws.id}/invitations`, { email: 'b-guest@example.com', role: 'editor' });
    const tok = await bOwner.post(`/api/workspaces/${b.ws.id}/tokens`, { name: 'b token', role: 'editor' });
    assert.equal(inv.statusCode, 201);
    assert.equal(tok.statusCode, 201);
    await notify(t.deps, t.deps.db, b.ws.id, [b.people.editor.user.id], { kind: 'test', title: 'For B only' });
    const [n] = await t.deps.db.select().from(notifications).where(eq(notifications.workspaceId, b.ws.id));
    const bChannelId = randomUUID();
    await t.deps.db.insert(channels).values({
      id: bChannelId, workspaceId: b.ws.id, network: 'mastodon', remoteId: '42', handle: 'b-brand@mastodon.example',
      credentialsSealed: t.deps.box.seal({ instanceUrl: 'https://mastodon.example', accessToken: 'x', accountId: '42', clientId: 'c', clientSecret: 's' }, `channel:${bChannelId}`),
      limits: {},
    });
    leaked = { wid: b.ws.id, userId: b.people.editor.user.id, invitationId: inv.data.invitation.id, tokenId: tok.data.token.id, notificationId: n!.id, channelId: bChannelId };
    routes = t.routes.filter((r) => r.auth === 'workspace').map((r) => `${r.method} ${r.url}`);
  });
  after(() => t.close());

  function urlFor(route: string, wid: string, ids: Omit<typeof leaked, 'wid'>): string {
    const path = route.split(' ')[1]!;
    const id = path.includes('/invitations/') ? ids.invitationId : path.includes('/tokens/') ? ids.tokenId : path.includes('/channels/') ? ids.channelId : ids.notificationId;
    return path.replace(':wid', wid).replace(':userId', ids.userId).replace(':id', id);
  }

  async function call(route: string, client: Client, url: string): Promise<{ status: number; body: string; code?: string }> {
    if (route.endsWith('/events')) {
      const stream = await EventStream.open(base + url, authHeaders(client));
      stream.close();
      return { status: stream.status, body: '' };
    }
    const res = await client.request(route.split(' ')[0]!, url, BODIES[route]);
    return { status: res.statusCode, body: res.body, code: res.data?.error?.code };
  }

  async function expectAllNotFound(client: Client, label: string, wid: string, ids: Omit<typeof leaked, 'wid'>) {
    for (const route of routes) {
      const got = await call(route, client, urlFor(route, wid, ids));
      assert.equal(got.status, 404, `${label} ${route}: got ${got.status} ${got.code ?? ''}`);
      if (!route.endsWith('/events')) assert.equal(got.code, 'not_found', `${label} ${route}`);
      for (const secret of [b.ws.name, b.people.owner.user.email, 'b-guest@example.com', 'For B only']) {
        assert.ok(!got.body.includes(secret), `${label} ${route} leaked ${secret}`);
      }
    }
  }

  test('every workspace route is listed here with a valid body', () => {
    assert.deepEqual(routes.filter((r) => !(r in BODIES)), []);
  });

  for (const role of ROLES) {
    test(`a ${role} of A gets 404 on B's routes with B's real ids`, async () => {
      await expectAllNotFound(a.people[role as Role].client, role, leaked.wid, leaked);
    });
  }

  test('an owner-role API token of A gets 404 on B with B’s real ids', async () => {
    const token = await withToken(t, a.ws.id, a.people.owner.user.id, 'owner');
    assert.equal((await token.get(`/api/workspaces/${a.ws.id}`)).statusCode, 200);
    await expectAllNotFound(token, 'token of A', leaked.wid, leaked);
  });

  test('a token of A gets 404 on B even when its creator is also a member of B', async () => {
    const dual = a.people.owner.user.id;
    await t.deps.db.insert(members).values({ workspaceId: b.ws.id, userId: dual, role: 'owner' });
    try {
      const token = await withToken(t, a.ws.id, dual, 'owner');
      await expectAllNotFound(token, 'token of A (creator in B)', leaked.wid, leaked);
    } finally {
      await t.deps.db.delete(members).where(and(eq(members.workspaceId, b.ws.id), eq(members.userId, dual)));
    }
  });

  test('random ids get the same 404 as real ones', async () => {
    const random = { userId: randomUUID(), invitationId: randomUUID(), tokenId: randomUUID(), notificationId: randomUUID(), channelId: randomUUID() };
    await expectAllNotFound(a.people.owner.client, 'random workspace', randomUUID(), random);
    await expectAllNotFound(a.people.owner.client, 'malformed workspace id', 'not-a-uuid', random);
  });

  test('A’s owner naming B’s member, invitation, token and notification under A’s own workspace gets 404 and changes nothing', async () => {
    const c = a.people.owner.client;
    const w = `/api/workspaces/${a.ws.id}`;
    const attempts = [
      c.patch(`${w}/members/${leaked.userId}`, { role: 'client' }),
      c.delete(`${w}/members/${leaked.userId}`),
      c.delete(`${w}/invitations/${leaked.invitationId}`),
      c.delete(`${w}/tokens/${leaked.tokenId}`),
      c.post(`${w}/notifications/${leaked.notificationId}/read`),
      c.post(`${w}/channels/${leaked.channelId}/posts`, { text: 'hijack' }),
      c.delete(`${w}/channels/${leaked.channelId}`),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.data.error.code, 'not_found');
    }
    const [member] = await t.deps.db.select().from(members).where(and(eq(members.workspaceId, b.ws.id), eq(members.userId, leaked.userId)));
    assert.equal(member?.role, 'editor');
    const [inv] = await t.deps.db.select().from(invitations).where(and(eq(invitations.id, leaked.invitationId), isNull(invitations.revokedAt)));
    assert.ok(inv, 'B’s invitation is still pending');
    const [tok] = await t.deps.db.select().from(apiTokens).where(and(eq(apiTokens.id, leaked.tokenId), isNull(apiTokens.revokedAt)));
    assert.ok(tok, 'B’s token is still valid');
    const [n] = await t.deps.db.select().from(notifications).where(eq(notifications.id, leaked.notificationId));
    assert.equal(n?.readAt, null);
    assert.equal((await t.deps.db.select().from(channels).where(eq(channels.id, leaked.channelId))).length, 1, 'B’s channel is still there');
  });

  test('A’s lists show none of B’s members, invitations, tokens or audit entries', async () => {
    const c = a.people.owner.client;
    const w = `/api/workspaces/${a.ws.id}`;
    const bodies = (await Promise.all([c.get(`${w}/members`), c.get(`${w}/invitations`), c.get(`${w}/tokens`), c.get(`${w}/audit`), c.get(`${w}/audit.csv`), c.get(`${w}/notifications`)]))
      .map((r) => { assert.equal(r.statusCode, 200); return r.body; });
    for (const body of bodies) {
      for (const secret of [leaked.userId, leaked.invitationId, leaked.tokenId, leaked.notificationId, b.ws.id, 'b-guest@example.com']) {
        assert.ok(!body.includes(secret), `A's list leaked ${secret}`);
      }
    }
  });
});
