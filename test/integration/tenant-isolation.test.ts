import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq, isNull } from 'drizzle-orm';
import {
  apiTokens, campaigns, channels, contactIdentities, contacts, conversations, holidays, inboxReplies, invitations, linkClicks, mediaAssets, mediaBlobs, members, messages,
  moderationActions, moderationAuthorLists, moderationRules, notifications, postVariants, posts, relayItems, relayRoutes, savedReplies, savedViews, shortLinks, slaPolicies,
} from '../../src/db/schema/index.ts';
import { ingestInteractions } from '../../src/modules/inbox/index.ts';
import { ROLES, type Role } from '../../src/platform/policy.ts';
import { notify } from '../../src/modules/workspaces/index.ts';
import { savePendingConnection } from '../../src/modules/channels/google.service.ts';
import { Client, startTestApp, type TestApp } from '../support/app.ts';
import { withToken, workspaceWithEveryRole } from '../support/factories.ts';
import { interaction, makeOfflineChannel } from '../support/factories.inbox.ts';
import { authHeaders, EventStream } from '../support/sse.ts';

/**
 * A member of workspace A learns nothing about workspace B: every workspace route answers 404 (never
 * 403, never data), whether B's real ids are known or guessed. Bodies are valid so that nothing but the
 * workspace check can refuse the request. A new workspace route fails this file until it is added here.
 * A body may be built from the ids in use (B's, or random ones).
 */
const RULE = { name: 'intruder', conditions: [{ type: 'keywords', words: ['x'] }], actions: [{ type: 'hide' }] };

const BODIES: Record<string, unknown | ((ids: Ids) => unknown)> = {
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
  'GET /api/workspaces/:wid/channels/google-business': undefined,
  'POST /api/workspaces/:wid/channels/google-business/authorize': undefined,
  'GET /api/workspaces/:wid/channels/google-business/connections/:id': undefined,
  'POST /api/workspaces/:wid/channels/google-business/connections/:id': { locations: ['locations/1'] },
  'POST /api/workspaces/:wid/channels/:id/verify': undefined,
  'DELETE /api/workspaces/:wid/channels/:id': undefined,
  'POST /api/workspaces/:wid/channels/:id/validate': { text: 'x' },
  'POST /api/workspaces/:wid/channels/:id/posts': { text: 'For B only' },
  'POST /api/workspaces/:wid/channels/:id/posts/delete': { remoteId: '1' },
  'GET /api/workspaces/:wid/channels/:id/interactions': undefined,
  'POST /api/workspaces/:wid/channels/:id/moderate': { action: 'hide', remoteId: '1' },
  'POST /api/workspaces/:wid/channels/:id/metrics': { remoteIds: ['1'] },
  // publishing
  'GET /api/workspaces/:wid/posts': undefined,
  'POST /api/workspaces/:wid/posts': (i: Ids) => ({ campaignId: i.campaign, variants: [{ channelId: i.channel, text: 'For B only' }] }),
  'GET /api/workspaces/:wid/posts/:id': undefined,
  'PATCH /api/workspaces/:wid/posts/:id': { title: 'Taken over' },
  'DELETE /api/workspaces/:wid/posts/:id': undefined,
  'POST /api/workspaces/:wid/posts/:id/duplicate': undefined,
  'POST /api/workspaces/:wid/compose/validate': (i: Ids) => ({ variants: [{ channelId: i.channel, text: 'x' }] }),
  'POST /api/workspaces/:wid/posts/:id/validate': undefined,
  'POST /api/workspaces/:wid/posts/:id/schedule': { mode: 'at', at: '2030-01-01T09:00:00.000Z' },
  'POST /api/workspaces/:wid/posts/:id/unschedule': undefined,
  'GET /api/workspaces/:wid/variants/:id': undefined,
  'PATCH /api/workspaces/:wid/variants/:id/schedule': { at: '2030-01-01T09:00:00.000Z' },
  'POST /api/workspaces/:wid/variants/:id/retry': undefined,
  'POST /api/workspaces/:wid/variants/:id/resolve': { outcome: 'not_published' },
  'GET /api/workspaces/:wid/campaigns': undefined,
  'POST /api/workspaces/:wid/campaigns': { name: 'Intruder campaign' },
  'POST /api/workspaces/:wid/posts/:id/submit': undefined,
  'POST /api/workspaces/:wid/posts/:id/approve': { comment: 'ok' },
  'POST /api/workspaces/:wid/posts/:id/reject': { comment: 'no' },
  'GET /api/workspaces/:wid/posts/:id/approvals': undefined,
  'GET /api/workspaces/:wid/approvals/inbox': undefined,
  'GET /api/workspaces/:wid/approval-flow': undefined,
  'PUT /api/workspaces/:wid/approval-flow': { steps: [] },
  'GET /api/workspaces/:wid/charter': undefined,
  'PUT /api/workspaces/:wid/charter': { toneNotes: 'Taken over', rules: {} },
  'GET /api/workspaces/:wid/calendar': undefined,
  'GET /api/workspaces/:wid/plan': undefined,
  'PUT /api/workspaces/:wid/plan': { slots: [] },
  'GET /api/workspaces/:wid/best-times': undefined,
  'POST /api/workspaces/:wid/links': (i: Ids) => ({ url: 'https://intruder.example', variantId: i.variant }),
  'GET /api/workspaces/:wid/links': undefined,
  'GET /api/workspaces/:wid/links/:id/stats': undefined,
  'POST /api/workspaces/:wid/variants/:id/shorten-links': { utm: { source: 'intruder' } },
  'POST /api/workspaces/:wid/media': { dataBase64: Buffer.from('89504e470d0a1a0a00', 'hex').toString('base64'), filename: 'a.png' },
  'GET /api/workspaces/:wid/media': undefined,
  'GET /api/workspaces/:wid/media/:id/content': undefined,
  'PATCH /api/workspaces/:wid/media/:id': { altText: 'Taken over' },
  'DELETE /api/workspaces/:wid/media/:id': undefined,
  'POST /api/workspaces/:wid/imports/csv': { csv: 'time,channels,text\n2030-01-01 09:00,b,For B only\n', dryRun: true },
  // inbox
  'GET /api/workspaces/:wid/inbox/conversations': undefined,
  'POST /api/workspaces/:wid/inbox/channels/:channelId/sync': undefined,
  'GET /api/workspaces/:wid/inbox/channels': undefined,
  'GET /api/workspaces/:wid/inbox/counts': undefined,
  'GET /api/workspaces/:wid/inbox/report': undefined,
  'GET /api/workspaces/:wid/inbox/conversations/:id': undefined,
  'PATCH /api/workspaces/:wid/inbox/conversations/:id': { status: 'closed' },
  'POST /api/workspaces/:wid/inbox/conversations/bulk': (i: Ids) => ({ ids: [i.conversation], change: { status: 'closed' } }),
  'POST /api/workspaces/:wid/inbox/conversations/:id/presence': { state: 'viewing' },
  'POST /api/workspaces/:wid/inbox/conversations/:id/notes': { body: 'intruder' },
  'POST /api/workspaces/:wid/inbox/conversations/:id/replies': { text: 'hijack', acknowledgeWarnings: true, confirmCollision: true },
  'POST /api/workspaces/:wid/inbox/conversations/:id/saved-replies/:rid/render': undefined,
  'POST /api/workspaces/:wid/inbox/replies/:id/approve': undefined,
  'POST /api/workspaces/:wid/inbox/replies/:id/reject': undefined,
  'POST /api/workspaces/:wid/inbox/replies/:id/cancel': undefined,
  'POST /api/workspaces/:wid/inbox/replies/:id/retry': undefined,
  'GET /api/workspaces/:wid/inbox/saved-replies': undefined,
  'POST /api/workspaces/:wid/inbox/saved-replies': { name: 'intruder', body: 'x' },
  'PATCH /api/workspaces/:wid/inbox/saved-replies/:id': { name: 'Taken over', body: 'x' },
  'DELETE /api/workspaces/:wid/inbox/saved-replies/:id': undefined,
  'GET /api/workspaces/:wid/inbox/views': undefined,
  'POST /api/workspaces/:wid/inbox/views': { name: 'intruder', filters: { status: 'open' } },
  'PATCH /api/workspaces/:wid/inbox/views/:id': { name: 'Taken over', filters: {} },
  'DELETE /api/workspaces/:wid/inbox/views/:id': undefined,
  'GET /api/workspaces/:wid/inbox/sla-policies': undefined,
  'POST /api/workspaces/:wid/inbox/sla-policies': { name: 'intruder', firstResponseMinutes: 1 },
  'PATCH /api/workspaces/:wid/inbox/sla-policies/:id': { name: 'Taken over', firstResponseMinutes: 1 },
  'DELETE /api/workspaces/:wid/inbox/sla-policies/:id': undefined,
  'GET /api/workspaces/:wid/inbox/business-hours': undefined,
  'PUT /api/workspaces/:wid/inbox/business-hours': { week: { mon: [['00:00', '01:00']] } },
  'POST /api/workspaces/:wid/inbox/holidays': { day: '2031-01-02', name: 'intruder' },
  'DELETE /api/workspaces/:wid/inbox/holidays/:day': undefined,
  'GET /api/workspaces/:wid/inbox/guard': undefined,
  'PUT /api/workspaces/:wid/inbox/guard': { mode: 'off' },
  'POST /api/workspaces/:wid/inbox/messages/:id/moderate': { action: 'delete' },
  'POST /api/workspaces/:wid/inbox/conversations/:id/relay': (i: Ids) => ({ routeId: i.relayRoute }),
  'GET /api/workspaces/:wid/contacts': undefined,
  'GET /api/workspaces/:wid/contacts/export.csv': undefined,
  'PUT /api/workspaces/:wid/contacts/crm-webhook': { url: 'https://intruder.example/hook' },
  'GET /api/workspaces/:wid/contacts/:id': undefined,
  'PATCH /api/workspaces/:wid/contacts/:id': { tags: ['taken'] },
  'POST /api/workspaces/:wid/contacts/:id/notes': { body: 'intruder' },
  'POST /api/workspaces/:wid/contacts/:id/merge': (i: Ids) => ({ otherId: i.otherContact }),
  'POST /api/workspaces/:wid/contacts/:id/split': (i: Ids) => ({ identityIds: [i.identity] }),
  'POST /api/workspaces/:wid/contacts/:id/send-to-crm': undefined,
  // moderation
  'GET /api/workspaces/:wid/moderation/rules': undefined,
  'POST /api/workspaces/:wid/moderation/rules': RULE,
  'PATCH /api/workspaces/:wid/moderation/rules/:id': RULE,
  'DELETE /api/workspaces/:wid/moderation/rules/:id': undefined,
  'POST /api/workspaces/:wid/moderation/dry-run': RULE,
  'POST /api/workspaces/:wid/moderation/rules/:id/dry-run': undefined,
  'GET /api/workspaces/:wid/moderation/actions': undefined,
  'POST /api/workspaces/:wid/moderation/actions/:id/undo': undefined,
  'GET /api/workspaces/:wid/moderation/authors': undefined,
  'POST /api/workspaces/:wid/moderation/authors': { list: 'allow', network: 'mastodon', author: 'intruder' },
  'DELETE /api/workspaces/:wid/moderation/authors/:id': undefined,
  // relay
  'GET /api/workspaces/:wid/relay/routes': undefined,
  'POST /api/workspaces/:wid/relay/routes': { name: 'intruder', team: 'x', delivery: 'webhook', webhookUrl: 'https://intruder.example/hook' },
  'PATCH /api/workspaces/:wid/relay/routes/:id': { name: 'Taken over', team: 'x', delivery: 'webhook', webhookUrl: 'https://intruder.example/hook' },
  'DELETE /api/workspaces/:wid/relay/routes/:id': undefined,
  'GET /api/workspaces/:wid/relay/items': undefined,
  'PATCH /api/workspaces/:wid/relay/items/:id': { status: 'resolved' },
};

/** B's real ids (as if leaked) or random ones, by resource kind. */
type Ids = Record<(typeof KINDS)[number], string>;
const KINDS = [
  'userId', 'invitation', 'token', 'notification', 'channel', 'post', 'variant', 'media', 'campaign', 'link', 'conversation', 'message', 'contact',
  'otherContact', 'identity', 'reply', 'savedReply', 'view', 'slaPolicy', 'holiday', 'rule', 'action', 'author', 'relayRoute', 'relayItem',
  'googleConnection',
] as const;

/** Which id a path parameter takes, by the segment before it (`/posts/:id` → a post). */
const KIND_OF_SEGMENT: Record<string, (typeof KINDS)[number]> = {
  invitations: 'invitation', tokens: 'token', notifications: 'notification', channels: 'channel', posts: 'post', variants: 'variant', media: 'media',
  links: 'link', conversations: 'conversation', messages: 'message', contacts: 'contact', replies: 'reply', 'saved-replies': 'savedReply',
  views: 'view', 'sla-policies': 'slaPolicy', holidays: 'holiday', rules: 'rule', actions: 'action', authors: 'author', routes: 'relayRoute', items: 'relayItem',
  connections: 'googleConnection',
};

describe('tenant isolation: members of workspace A get 404 on everything of workspace B', () => {
  let t: TestApp;
  let base: string;
  let a: Awaited<ReturnType<typeof workspaceWithEveryRole>>;
  let b: Awaited<ReturnType<typeof workspaceWithEveryRole>>;
  /** B's real ids, as if leaked. */
  let leaked: Ids;
  /** A's own conversation, contact and channel (for writes naming B's ids in a body). */
  let own: { conversation: string; contact: string; channel: string };
  let bLinkCode: string;
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
    const now = t.clock.now;
    const wid = b.ws.id;
    // Publishing: a campaign, a post with a variant, a media asset, a short link.
    const [campaign] = await t.deps.db.insert(campaigns).values({ workspaceId: wid, name: 'For B only', createdAt: now }).returning();
    const [post] = await t.deps.db.insert(posts).values({ workspaceId: wid, authorId: b.people.editor.user.id, title: 'For B only', campaignId: campaign!.id }).returning();
    const [variant] = await t.deps.db.insert(postVariants).values({ workspaceId: wid, postId: post!.id, channelId: bChannelId, text: 'For B only https://b.example', state: 'failed', errorCode: 'transient', dueAt: new Date('2030-01-01T09:00:00Z') }).returning();
    const [media] = await t.deps.db.insert(mediaAssets).values({ workspaceId: wid, kind: 'image', mimeType: 'image/png', sizeBytes: 9, sha256: 'b', filename: 'b.png', altText: 'For B only' }).returning();
    await t.deps.db.insert(mediaBlobs).values({ assetId: media!.id, bytes: Buffer.from('89504e470d0a1a0a00', 'hex') });
    bLinkCode = `b${randomUUID().slice(0, 8)}`;
    const [link] = await t.deps.db.insert(shortLinks).values({ workspaceId: wid, code: bLinkCode, destination: 'https://b.example/secret-launch', originalUrl: 'https://b.example/secret-launch', postId: post!.id, variantId: variant!.id }).returning();
    // Inbox: two conversations from two people (one contact with a second identity), a reply waiting for approval.
    const bInbox = await makeOfflineChannel(t.deps, wid, 'mastodon');
    const ingested = await ingestInteractions(t.deps, bInbox, [
      interaction({ remoteId: 'b-1', root: 'b-post', inReplyTo: 'b-post', text: 'For B only' }),
      interaction({ remoteId: 'b-2', root: 'b-post2', inReplyTo: 'b-post2', author: { remoteId: 'b-author-2', handle: 'bob.example', displayName: 'Bob', avatarUrl: null, followers: 1 } }),
    ], { afterIngest: false, classify: false });
    const msgs = await t.deps.db.select().from(messages).where(eq(messages.workspaceId, wid)).orderBy(messages.remoteId);
    const [msg, msg2] = msgs as [typeof msgs[number], typeof msgs[number]];
    const [identity] = await t.deps.db.insert(contactIdentities).values({ workspaceId: wid, contactId: msg.contactId!, network: 'bluesky', remoteId: 'did:plc:b', handle: 'b.bsky.social' }).returning();
    const [reply] = await t.deps.db.insert(inboxReplies).values({ workspaceId: wid, conversationId: msg.conversationId, messageId: msg.id, authorId: null, text: 'For B only', state: 'needs_approval', guard: { result: 'ok', reasons: [] }, createdAt: now, updatedAt: now }).returning();
    const [savedReply] = await t.deps.db.insert(savedReplies).values({ workspaceId: wid, name: 'For B only', body: 'For B only', createdAt: now, updatedAt: now }).returning();
    const [view] = await t.deps.db.insert(savedViews).values({ workspaceId: wid, ownerId: null, name: 'For B only', filters: { status: 'open' }, shared: true, createdAt: now, updatedAt: now }).returning();
    const [policy] = await t.deps.db.insert(slaPolicies).values({ workspaceId: wid, name: 'For B only', firstResponseMinutes: 60, createdAt: now, updatedAt: now }).returning();
    await t.deps.db.insert(holidays).values({ workspaceId: wid, day: '2031-01-01', name: 'For B only' });
    // Moderation and relay.
    const [rule] = await t.deps.db.insert(moderationRules).values({ workspaceId: wid, name: 'For B only', conditions: [{ type: 'keywords', words: ['x'] }], actions: [{ type: 'hide' }], createdAt: now, updatedAt: now }).returning();
    const [action] = await t.deps.db.insert(moderationActions).values({ workspaceId: wid, messageId: msg.id, conversationId: msg.conversationId, action: 'tag', params: { tag: 'b' }, state: 'done', undoable: true, at: now }).returning();
    const [author] = await t.deps.db.insert(moderationAuthorLists).values({ workspaceId: wid, list: 'block', network: 'mastodon', author: 'For B only', createdAt: now }).returning();
    const [route] = await t.deps.db.insert(relayRoutes).values({ workspaceId: wid, name: 'For B only', team: 'b-team', intents: ['question'], delivery: 'email', emails: ['b-team@example.com'], createdAt: now, updatedAt: now }).returning();
    const [item] = await t.deps.db.insert(relayItems).values({ workspaceId: wid, routeId: route!.id, conversationId: msg.conversationId, messageId: msg.id, reason: 'question', createdAt: now, updatedAt: now }).returning();
    leaked = {
      userId: b.people.editor.user.id, invitation: inv.data.invitation.id, token: tok.data.token.id, notification: n!.id, channel: bChannelId,
      post: post!.id, variant: variant!.id, media: media!.id, campaign: campaign!.id, link: link!.id,
      conversation: msg.conversationId, message: msg.id, contact: msg.contactId!, otherContact: msg2.contactId!, identity: identity!.id, reply: reply!.id,
      savedReply: savedReply!.id, view: view!.id, slaPolicy: policy!.id, holiday: '2031-01-01', rule: rule!.id, action: action!.id, author: author!.id,
      relayRoute: route!.id, relayItem: item!.id,
      // A Google consent of B's owner waiting for the choice of locations.
      googleConnection: await savePendingConnection(t.deps, { workspaceId: wid, userId: b.people.owner.user.id, connection: {
        grant: { accessToken: 'ya29.b', accessTokenExpiresAt: now.toISOString(), refreshToken: '1//b', grantId: 'google-user:b' },
        locations: [{ account: 'accounts/1', accountName: 'For B only', location: 'locations/1', title: 'For B only', address: null, mapsUri: null }], apiBase: null,
      } }),
    };
    assert.equal(ingested.conversationIds.length, 2);
    const aInbox = await makeOfflineChannel(t.deps, a.ws.id, 'mastodon');
    const aIngested = await ingestInteractions(t.deps, aInbox, [interaction({ remoteId: 'a-1', root: 'a-post', inReplyTo: 'a-post' })], { afterIngest: false, classify: false });
    const [aMsg] = await t.deps.db.select().from(messages).where(eq(messages.id, aIngested.messageIds[0]!));
    own = { conversation: aMsg!.conversationId, contact: aMsg!.contactId!, channel: aInbox.id };
    routes = t.routes.filter((r) => r.auth === 'workspace').map((r) => `${r.method} ${r.url}`);
  });
  after(() => t.close());

  function randomIds(): Ids {
    return { ...Object.fromEntries(KINDS.map((k) => [k, randomUUID()])), holiday: '2031-01-01' } as Ids;
  }

  /** The route's path with `wid` and the ids of the kinds its parameters name; an unknown parameter fails the test. */
  function urlFor(route: string, wid: string, ids: Ids): string {
    const segments = route.split(' ')[1]!.split('/');
    return segments.map((seg, i) => {
      if (!seg.startsWith(':')) return seg;
      if (seg === ':wid') return wid;
      if (seg === ':userId') return ids.userId;
      if (seg === ':rid') return ids.savedReply;
      const kind = KIND_OF_SEGMENT[segments[i - 1]!];
      assert.ok(kind, `${route}: which id does ${seg} take? add its segment to KIND_OF_SEGMENT`);
      return ids[kind];
    }).join('/');
  }

  async function call(route: string, client: Client, url: string, ids: Ids): Promise<{ status: number; body: string; code?: string }> {
    if (route.endsWith('/events')) {
      const stream = await EventStream.open(base + url, authHeaders(client));
      stream.close();
      return { status: stream.status, body: '' };
    }
    const body = BODIES[route];
    const res = await client.request(route.split(' ')[0]!, url, typeof body === 'function' ? body(ids) : body);
    return { status: res.statusCode, body: res.body, code: res.data?.error?.code };
  }

  async function expectAllNotFound(client: Client, label: string, wid: string, ids: Ids) {
    for (const route of routes) {
      const got = await call(route, client, urlFor(route, wid, ids), ids);
      assert.equal(got.status, 404, `${label} ${route}: got ${got.status} ${got.code ?? ''}`);
      if (!route.endsWith('/events')) assert.equal(got.code, 'not_found', `${label} ${route}`);
      for (const secret of [b.ws.name, b.people.owner.user.email, 'b-guest@example.com', 'For B only']) {
        assert.ok(!got.body.includes(secret), `${label} ${route} leaked ${secret}`);
      }
    }
  }

  test('every workspace route is listed here with a valid body, and every id it takes is known', () => {
    assert.deepEqual(routes.filter((r) => !(r in BODIES)), []);
    for (const route of routes) urlFor(route, leaked.post, leaked);
  });

  for (const role of ROLES) {
    test(`a ${role} of A gets 404 on B's routes with B's real ids`, async () => {
      await expectAllNotFound(a.people[role as Role].client, role, b.ws.id, leaked);
    });
  }

  test('an owner-role API token of A gets 404 on B with B’s real ids', async () => {
    const token = await withToken(t, a.ws.id, a.people.owner.user.id, 'owner');
    assert.equal((await token.get(`/api/workspaces/${a.ws.id}`)).statusCode, 200);
    await expectAllNotFound(token, 'token of A', b.ws.id, leaked);
  });

  test('a token of A gets 404 on B even when its creator is also a member of B', async () => {
    const dual = a.people.owner.user.id;
    await t.deps.db.insert(members).values({ workspaceId: b.ws.id, userId: dual, role: 'owner' });
    try {
      const token = await withToken(t, a.ws.id, dual, 'owner');
      await expectAllNotFound(token, 'token of A (creator in B)', b.ws.id, leaked);
    } finally {
      await t.deps.db.delete(members).where(and(eq(members.workspaceId, b.ws.id), eq(members.userId, dual)));
    }
  });

  test('A’s owner naming B’s pending Google connection under A’s own workspace gets 404, and B’s channels are untouched', async () => {
    const c = a.people.owner.client;
    const url = `/api/workspaces/${a.ws.id}/channels/google-business/connections/${leaked.googleConnection}`;
    assert.equal((await c.get(url)).statusCode, 404);
    assert.equal((await c.post(url, { locations: ['locations/1'] })).statusCode, 404);
    assert.equal((await t.deps.db.select().from(channels).where(eq(channels.network, 'google-business'))).length, 0);
  });

  test('random ids get the same 404 as real ones', async () => {
    await expectAllNotFound(a.people.owner.client, 'random workspace', randomUUID(), randomIds());
    await expectAllNotFound(a.people.owner.client, 'malformed workspace id', 'not-a-uuid', randomIds());
  });

  test('A’s owner naming B’s member, invitation, token and notification under A’s own workspace gets 404 and changes nothing', async () => {
    const c = a.people.owner.client;
    const w = `/api/workspaces/${a.ws.id}`;
    const attempts = [
      c.patch(`${w}/members/${leaked.userId}`, { role: 'client' }),
      c.delete(`${w}/members/${leaked.userId}`),
      c.delete(`${w}/invitations/${leaked.invitation}`),
      c.delete(`${w}/tokens/${leaked.token}`),
      c.post(`${w}/notifications/${leaked.notification}/read`),
      c.post(`${w}/channels/${leaked.channel}/posts`, { text: 'hijack' }),
      c.delete(`${w}/channels/${leaked.channel}`),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.statusCode, 404, res.body);
      assert.equal(res.data.error.code, 'not_found');
    }
    const [member] = await t.deps.db.select().from(members).where(and(eq(members.workspaceId, b.ws.id), eq(members.userId, leaked.userId)));
    assert.equal(member?.role, 'editor');
    const [inv] = await t.deps.db.select().from(invitations).where(and(eq(invitations.id, leaked.invitation), isNull(invitations.revokedAt)));
    assert.ok(inv, 'B’s invitation is still pending');
    const [tok] = await t.deps.db.select().from(apiTokens).where(and(eq(apiTokens.id, leaked.token), isNull(apiTokens.revokedAt)));
    assert.ok(tok, 'B’s token is still valid');
    const [n] = await t.deps.db.select().from(notifications).where(eq(notifications.id, leaked.notification));
    assert.equal(n?.readAt, null);
    assert.equal((await t.deps.db.select().from(channels).where(eq(channels.id, leaked.channel))).length, 1, 'B’s channel is still there');
  });

  test('A’s owner naming B’s posts, variants, media, links, inbox, moderation and relay ids under A’s own workspace gets 404 and changes nothing', async () => {
    const c = a.people.owner.client;
    const w = `/api/workspaces/${a.ws.id}`;
    const before = await snapshotOfB();
    const attempts: [string, Promise<{ statusCode: number; body: string; data: any }>][] = [
      ['post', c.patch(`${w}/posts/${leaked.post}`, { title: 'hijack' })],
      ['post', c.post(`${w}/posts/${leaked.post}/schedule`, { mode: 'at', at: '2030-01-01T09:00:00.000Z' })],
      ['variant', c.post(`${w}/variants/${leaked.variant}/retry`)],
      ['variant', c.post(`${w}/variants/${leaked.variant}/shorten-links`, { utm: {} })],
      ['variant', c.post(`${w}/links`, { url: 'https://a.example', variantId: leaked.variant })],
      ['media', c.delete(`${w}/media/${leaked.media}`)],
      ['media', c.get(`${w}/media/${leaked.media}/content`)],
      ['link', c.get(`${w}/links/${leaked.link}/stats`)],
      ['conversation', c.patch(`${w}/inbox/conversations/${leaked.conversation}`, { status: 'closed' })],
      ['conversation', c.post(`${w}/inbox/conversations/bulk`, { ids: [own.conversation, leaked.conversation], change: { status: 'closed' } })],
      ['conversation', c.post(`${w}/inbox/conversations/${leaked.conversation}/replies`, { text: 'hijack', acknowledgeWarnings: true, confirmCollision: true })],
      ['message', c.post(`${w}/inbox/messages/${leaked.message}/moderate`, { action: 'delete' })],
      ['contact', c.patch(`${w}/contacts/${leaked.contact}`, { tags: ['hijack'] })],
      ['contact', c.post(`${w}/contacts/${leaked.contact}/split`, { identityIds: [leaked.identity] })],
      ['reply', c.post(`${w}/inbox/replies/${leaked.reply}/approve`)],
      ['saved reply', c.patch(`${w}/inbox/saved-replies/${leaked.savedReply}`, { name: 'hijack', body: 'x' })],
      ['view', c.delete(`${w}/inbox/views/${leaked.view}`)],
      ['SLA policy', c.delete(`${w}/inbox/sla-policies/${leaked.slaPolicy}`)],
      ['holiday', c.delete(`${w}/inbox/holidays/${leaked.holiday}`)],
      ['channel', c.post(`${w}/inbox/channels/${leaked.channel}/sync`)],
      ['moderation rule', c.patch(`${w}/moderation/rules/${leaked.rule}`, RULE)],
      ['moderation action', c.post(`${w}/moderation/actions/${leaked.action}/undo`)],
      ['blocked author', c.delete(`${w}/moderation/authors/${leaked.author}`)],
      ['relay route', c.delete(`${w}/relay/routes/${leaked.relayRoute}`)],
      ['relay item', c.patch(`${w}/relay/items/${leaked.relayItem}`, { status: 'resolved' })],
    ];
    for (const [kind, pending] of attempts) {
      const res = await pending;
      assert.equal(res.statusCode, 404, `${kind}: ${res.body}`);
      assert.equal(res.data.error.code, 'not_found', kind);
    }
    assert.deepEqual(await snapshotOfB(), before, 'nothing of B changed');
  });

  test('B’s ids named in a body under A’s workspace are refused exactly like random ids, and change nothing', async () => {
    const c = a.people.owner.client;
    const w = `/api/workspaces/${a.ws.id}`;
    const aRoute = await c.post(`${w}/relay/routes`, { name: 'A team', team: 'a', intents: ['question'], delivery: 'email', emails: ['a-team@example.com'] });
    assert.equal(aRoute.statusCode, 201);
    const before = await snapshotOfB();
    const writes: [string, (ids: Ids) => Promise<{ statusCode: number; body: string; data: any }>][] = [
      ['campaign', (i) => c.post(`${w}/posts`, { campaignId: i.campaign, variants: [{ channelId: own.channel, text: 'x' }] })],
      ['channel', (i) => c.post(`${w}/posts`, { variants: [{ channelId: i.channel, text: 'x' }] })],
      ['media', (i) => c.post(`${w}/compose/validate`, { variants: [{ channelId: own.channel, text: 'x', media: [{ assetId: i.media }] }] })],
      ['contact', (i) => c.post(`${w}/contacts/${own.contact}/merge`, { otherId: i.otherContact })],
      ['saved reply', (i) => c.post(`${w}/inbox/conversations/${own.conversation}/saved-replies/${i.savedReply}/render`)],
      ['saved reply', (i) => c.post(`${w}/inbox/conversations/${own.conversation}/replies`, { savedReplyId: i.savedReply, confirmCollision: true })],
      ['relay route', (i) => c.post(`${w}/inbox/conversations/${own.conversation}/relay`, { routeId: i.relayRoute })],
      ['message', (i) => c.post(`${w}/inbox/conversations/${own.conversation}/relay`, { routeId: aRoute.data.id, messageId: i.message })],
    ];
    for (const [kind, write] of writes) {
      const real = await write(leaked);
      const random = await write(randomIds());
      assert.ok(real.statusCode >= 400 && real.statusCode < 500, `${kind}: ${real.statusCode} ${real.body}`);
      assert.equal(real.statusCode, random.statusCode, `${kind}: B’s id answers like a random one`);
      assert.equal(real.data?.error?.code, random.data?.error?.code, kind);
      assert.ok(!real.body.includes('For B only'), `${kind} leaked B’s data`);
    }
    assert.deepEqual(await snapshotOfB(), before, 'nothing of B changed');
  });

  test('the public short-link redirect of B reveals nothing but its destination, and A sees none of its clicks', async () => {
    const res = await a.people.owner.client.get(`/l/${bLinkCode}`);
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, 'https://b.example/secret-launch');
    assert.equal(res.headers['set-cookie'], undefined);
    const visible = JSON.stringify(res.headers) + res.body;
    for (const secret of [b.ws.id, b.ws.name, leaked.link, leaked.post, leaked.variant, 'For B only']) assert.ok(!visible.includes(secret), `redirect leaked ${secret}`);
    // The same answer to anyone: signed in to A, or not at all.
    const anonymous = await new Client(t.app).get(`/l/${bLinkCode}`);
    assert.equal(anonymous.statusCode, 302);
    assert.deepEqual(Object.keys(anonymous.headers).sort(), Object.keys(res.headers).sort());
    // A link's id is not its code; unknown codes all get the same plain 404.
    const unknown = await new Client(t.app).get('/l/nope404');
    const byId = await new Client(t.app).get(`/l/${leaked.link.slice(0, 32)}`);
    assert.equal(unknown.statusCode, 404);
    assert.equal(byId.statusCode, 404);
    assert.equal(byId.body, unknown.body);
    // Clicks count for B only; A's links and stats never show B's link.
    const clicks = await t.deps.db.select().from(linkClicks).where(eq(linkClicks.linkId, leaked.link));
    assert.equal(clicks.length, 2);
    const aLinks = await a.people.owner.client.get(`/api/workspaces/${a.ws.id}/links`);
    assert.equal(aLinks.statusCode, 200);
    assert.ok(!aLinks.body.includes(bLinkCode) && !aLinks.body.includes(leaked.link));
  });

  test('A’s lists show none of B’s members, invitations, tokens, audit entries, posts, media, links, conversations, contacts or settings', async () => {
    const c = a.people.owner.client;
    const w = `/api/workspaces/${a.ws.id}`;
    const lists = [
      'members', 'invitations', 'tokens', 'audit', 'audit.csv', 'notifications', 'posts', 'campaigns', 'media', 'links', 'approvals/inbox', 'best-times',
      `calendar?from=2029-12-01T00:00:00.000Z&to=2030-02-01T00:00:00.000Z`,
      'inbox/conversations?status=open,pending,snoozed,closed', 'inbox/counts', 'inbox/channels', 'inbox/saved-replies', 'inbox/views', 'inbox/sla-policies', 'inbox/business-hours',
      'contacts', 'contacts/export.csv', 'moderation/rules', 'moderation/actions', 'moderation/authors', 'relay/routes', 'relay/items',
    ];
    for (const list of lists) {
      const res = await c.get(`${w}/${list}`);
      assert.equal(res.statusCode, 200, `${list}: ${res.body}`);
      for (const secret of [...Object.values(leaked).filter((id) => id.length > 20), b.ws.id, 'b-guest@example.com', 'For B only']) {
        assert.ok(!res.body.includes(secret), `A's ${list} leaked ${secret}`);
      }
    }
  });

  /** B's rows that the attempts above aim at, to compare before and after. */
  async function snapshotOfB() {
    const wid = b.ws.id;
    const db = t.deps.db;
    return {
      posts: await db.select().from(posts).where(eq(posts.workspaceId, wid)),
      variants: await db.select().from(postVariants).where(eq(postVariants.workspaceId, wid)),
      media: await db.select().from(mediaAssets).where(eq(mediaAssets.workspaceId, wid)),
      links: await db.select().from(shortLinks).where(eq(shortLinks.workspaceId, wid)),
      conversations: await db.select().from(conversations).where(eq(conversations.workspaceId, wid)),
      messages: await db.select().from(messages).where(eq(messages.workspaceId, wid)),
      contacts: await db.select().from(contacts).where(eq(contacts.workspaceId, wid)),
      identities: await db.select().from(contactIdentities).where(eq(contactIdentities.workspaceId, wid)),
      replies: await db.select().from(inboxReplies).where(eq(inboxReplies.workspaceId, wid)),
      savedReplies: await db.select().from(savedReplies).where(eq(savedReplies.workspaceId, wid)),
      views: await db.select().from(savedViews).where(eq(savedViews.workspaceId, wid)),
      policies: await db.select().from(slaPolicies).where(eq(slaPolicies.workspaceId, wid)),
      holidays: await db.select().from(holidays).where(eq(holidays.workspaceId, wid)),
      rules: await db.select().from(moderationRules).where(eq(moderationRules.workspaceId, wid)),
      actions: await db.select().from(moderationActions).where(eq(moderationActions.workspaceId, wid)),
      authors: await db.select().from(moderationAuthorLists).where(eq(moderationAuthorLists.workspaceId, wid)),
      routes: await db.select().from(relayRoutes).where(eq(relayRoutes.workspaceId, wid)),
      items: await db.select().from(relayItems).where(eq(relayItems.workspaceId, wid)),
    };
  }
});
