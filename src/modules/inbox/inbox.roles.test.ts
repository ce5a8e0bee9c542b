import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { inboxReplies, messages, moderationActions, relayItems, relayRoutes } from '../../db/schema/index.ts';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../../platform/policy.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { ingestInteractions } from './ingest.service.ts';

/**
 * Every route of the inbox, moderation and relay modules, for every role: allowed roles are never
 * refused (401/403), the others get 403. (test/integration/role-matrix.test.ts will take these rows.)
 */
describe('inbox, moderation and relay routes per role', () => {
  let t: TestApp;
  let people: Awaited<ReturnType<typeof workspaceWithEveryRole>>['people'];
  let routes: { method: string; url: string; body?: unknown; permission: Permission }[];

  before(async () => {
    t = await startTestApp();
    const made = await workspaceWithEveryRole(t);
    people = made.people;
    const wid = made.ws.id;
    const ch = await makeOfflineChannel(t.deps, wid, 'mastodon');
    const res = await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'r1', root: 'p', inReplyTo: 'p' })], { afterIngest: false });
    const conv = res.conversationIds[0]!;
    const [msg] = await t.deps.db.select().from(messages).where(eq(messages.id, res.messageIds[0]!));
    const now = t.clock.now;
    const [reply] = await t.deps.db.insert(inboxReplies).values({ workspaceId: wid, conversationId: conv, messageId: msg!.id, authorId: null, text: 'x', state: 'failed', guard: { result: 'ok', reasons: [] }, createdAt: now, updatedAt: now }).returning();
    const [action] = await t.deps.db.insert(moderationActions).values({ workspaceId: wid, messageId: msg!.id, conversationId: conv, action: 'tag', params: { tag: 'x' }, state: 'done', at: now }).returning();
    const [route] = await t.deps.db.insert(relayRoutes).values({ workspaceId: wid, name: 'r', team: 'support', intents: ['question'], delivery: 'email', emails: ['team@example.com'], createdAt: now, updatedAt: now }).returning();
    const [item] = await t.deps.db.insert(relayItems).values({ workspaceId: wid, routeId: route!.id, conversationId: conv, messageId: msg!.id, reason: 'question', createdAt: now, updatedAt: now }).returning();
    const contactId = msg!.contactId!;
    const w = `/api/workspaces/${wid}`;
    const id0 = '00000000-0000-4000-8000-000000000000';
    const rule = { name: 'r', conditions: [{ type: 'profanity' }], actions: [{ type: 'tag', tag: 'x' }] };
    const routeBody = { name: 'r', team: 'support', intents: ['question'], delivery: 'email', emails: ['team@example.com'] };
    routes = [
      { method: 'GET', url: `${w}/inbox/conversations`, permission: 'inbox.read' },
      { method: 'GET', url: `${w}/inbox/counts`, permission: 'inbox.read' },
      { method: 'GET', url: `${w}/inbox/conversations/${conv}`, permission: 'inbox.read' },
      { method: 'PATCH', url: `${w}/inbox/conversations/${conv}`, body: { priority: 'high' }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/inbox/conversations/bulk`, body: { ids: [conv], change: { priority: 'low' } }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/inbox/conversations/${conv}/presence`, body: { state: 'viewing' }, permission: 'inbox.read' },
      { method: 'POST', url: `${w}/inbox/conversations/${conv}/notes`, body: { body: 'note' }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/inbox/conversations/${conv}/replies`, body: { text: 'Bonjour', acknowledgeWarnings: true, confirmCollision: true }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/inbox/conversations/${conv}/saved-replies/${id0}/render`, permission: 'inbox.read' },
      { method: 'POST', url: `${w}/inbox/replies/${reply!.id}/approve`, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/inbox/replies/${reply!.id}/reject`, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/inbox/replies/${reply!.id}/cancel`, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/inbox/replies/${reply!.id}/retry`, permission: 'inbox.reply' },
      { method: 'GET', url: `${w}/inbox/saved-replies`, permission: 'inbox.read' },
      { method: 'POST', url: `${w}/inbox/saved-replies`, body: { name: 'n', body: 'b' }, permission: 'inbox.reply' },
      { method: 'PATCH', url: `${w}/inbox/saved-replies/${id0}`, body: { name: 'n', body: 'b' }, permission: 'inbox.reply' },
      { method: 'DELETE', url: `${w}/inbox/saved-replies/${id0}`, permission: 'inbox.reply' },
      { method: 'GET', url: `${w}/inbox/views`, permission: 'inbox.read' },
      { method: 'POST', url: `${w}/inbox/views`, body: { name: 'v', filters: { status: 'open' } }, permission: 'inbox.read' },
      { method: 'PATCH', url: `${w}/inbox/views/${id0}`, body: { name: 'v', filters: {} }, permission: 'inbox.read' },
      { method: 'DELETE', url: `${w}/inbox/views/${id0}`, permission: 'inbox.read' },
      { method: 'GET', url: `${w}/inbox/sla-policies`, permission: 'inbox.read' },
      { method: 'POST', url: `${w}/inbox/sla-policies`, body: { name: 'p', firstResponseMinutes: 60 }, permission: 'inbox.manage' },
      { method: 'PATCH', url: `${w}/inbox/sla-policies/${id0}`, body: { name: 'p', firstResponseMinutes: 60 }, permission: 'inbox.manage' },
      { method: 'DELETE', url: `${w}/inbox/sla-policies/${id0}`, permission: 'inbox.manage' },
      { method: 'GET', url: `${w}/inbox/business-hours`, permission: 'inbox.read' },
      { method: 'PUT', url: `${w}/inbox/business-hours`, body: { week: { mon: [['09:00', '17:00']] } }, permission: 'inbox.manage' },
      { method: 'POST', url: `${w}/inbox/holidays`, body: { day: '2026-12-25', name: 'Noël' }, permission: 'inbox.manage' },
      { method: 'DELETE', url: `${w}/inbox/holidays/2026-12-26`, permission: 'inbox.manage' },
      { method: 'GET', url: `${w}/inbox/guard`, permission: 'inbox.read' },
      { method: 'PUT', url: `${w}/inbox/guard`, body: { mode: 'off' }, permission: 'inbox.manage' },
      { method: 'POST', url: `${w}/inbox/messages/${msg!.id}/moderate`, body: { action: 'hide' }, permission: 'moderation.manage' },
      { method: 'POST', url: `${w}/inbox/conversations/${conv}/relay`, body: { routeId: route!.id }, permission: 'inbox.reply' },
      { method: 'GET', url: `${w}/contacts`, permission: 'inbox.read' },
      { method: 'GET', url: `${w}/contacts/export.csv`, permission: 'inbox.manage' },
      { method: 'PUT', url: `${w}/contacts/crm-webhook`, body: { url: null }, permission: 'inbox.manage' },
      { method: 'GET', url: `${w}/contacts/${contactId}`, permission: 'inbox.read' },
      { method: 'PATCH', url: `${w}/contacts/${contactId}`, body: { tags: ['a'] }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/contacts/${contactId}/notes`, body: { body: 'n' }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/contacts/${contactId}/merge`, body: { otherId: id0 }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/contacts/${contactId}/split`, body: { identityIds: [id0] }, permission: 'inbox.reply' },
      { method: 'POST', url: `${w}/contacts/${contactId}/send-to-crm`, permission: 'inbox.reply' },
      { method: 'GET', url: `${w}/moderation/rules`, permission: 'moderation.manage' },
      { method: 'POST', url: `${w}/moderation/rules`, body: rule, permission: 'moderation.manage' },
      { method: 'PATCH', url: `${w}/moderation/rules/${id0}`, body: rule, permission: 'moderation.manage' },
      { method: 'DELETE', url: `${w}/moderation/rules/${id0}`, permission: 'moderation.manage' },
      { method: 'POST', url: `${w}/moderation/dry-run`, body: rule, permission: 'moderation.manage' },
      { method: 'POST', url: `${w}/moderation/rules/${id0}/dry-run`, permission: 'moderation.manage' },
      { method: 'GET', url: `${w}/moderation/actions`, permission: 'moderation.manage' },
      { method: 'POST', url: `${w}/moderation/actions/${action!.id}/undo`, permission: 'moderation.manage' },
      { method: 'GET', url: `${w}/moderation/authors`, permission: 'moderation.manage' },
      { method: 'POST', url: `${w}/moderation/authors`, body: { list: 'block', network: 'mastodon', author: 'x' }, permission: 'moderation.manage' },
      { method: 'DELETE', url: `${w}/moderation/authors/${id0}`, permission: 'moderation.manage' },
      { method: 'GET', url: `${w}/relay/routes`, permission: 'inbox.read' },
      { method: 'POST', url: `${w}/relay/routes`, body: routeBody, permission: 'relay.manage' },
      { method: 'PATCH', url: `${w}/relay/routes/${id0}`, body: routeBody, permission: 'relay.manage' },
      { method: 'DELETE', url: `${w}/relay/routes/${id0}`, permission: 'relay.manage' },
      { method: 'GET', url: `${w}/relay/items`, permission: 'inbox.read' },
      { method: 'PATCH', url: `${w}/relay/items/${item!.id}`, body: { status: 'acknowledged' }, permission: 'inbox.reply' },
    ];
  });
  after(() => t.close());

  test('every route of the three modules is in this table', () => {
    const mine = t.routes.filter((r) => /^\/api\/workspaces\/:wid\/(inbox|contacts|moderation|relay)(\/|$)/.test(r.url));
    const table = new Set(routes.map((r) => `${r.method} ${r.url.replace(/\/api\/workspaces\/[^/]+/, '/api/workspaces/:wid')}`));
    assert.equal(mine.length, routes.length, `routes: ${mine.map((r) => `${r.method} ${r.url}`).join('\n')}`);
    for (const r of mine) assert.ok(r.auth === 'workspace', `${r.method} ${r.url} is workspace-scoped`);
    assert.equal(table.size, routes.length);
  });

  test('ids of another workspace answer 404 inside one\'s own workspace (no data, no change)', async () => {
    const other = await workspaceWithEveryRole(t);
    const ch = await makeOfflineChannel(t.deps, other.ws.id);
    const res = await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'b1', root: 'pb', inReplyTo: 'pb' })], { afterIngest: false });
    const [msg] = await t.deps.db.select().from(messages).where(eq(messages.id, res.messageIds[0]!));
    const own = routes[0]!.url.split('/inbox/')[0]!;
    const owner = people.owner.client;
    const conv = res.conversationIds[0]!;
    assert.equal((await owner.get(`${own}/inbox/conversations/${conv}`)).statusCode, 404);
    assert.equal((await owner.patch(`${own}/inbox/conversations/${conv}`, { status: 'closed' })).statusCode, 404);
    assert.equal((await owner.post(`${own}/inbox/conversations/bulk`, { ids: [conv], change: { status: 'closed' } })).statusCode, 404);
    assert.equal((await owner.post(`${own}/inbox/conversations/${conv}/replies`, { text: 'x' })).statusCode, 404);
    assert.equal((await owner.post(`${own}/inbox/messages/${msg!.id}/moderate`, { action: 'hide' })).statusCode, 404);
    assert.equal((await owner.get(`${own}/contacts/${msg!.contactId}`)).statusCode, 404);
    const list = await owner.get(`${own}/inbox/conversations?status=open,pending,snoozed,closed&limit=100`);
    assert.ok(!list.data.conversations.some((c: { id: string }) => c.id === conv));
    const [still] = await t.deps.db.select().from(messages).where(eq(messages.id, msg!.id));
    assert.equal(still!.hidden, false);
  });

  for (const role of ROLES) {
    test(`${role}: allowed routes are not refused; the others answer 403`, async () => {
      const client = people[role as Role].client;
      for (const r of routes) {
        const res = await client.request(r.method, r.url, r.body);
        const allowed = (PERMISSIONS[r.permission] as readonly Role[]).includes(role as Role);
        if (allowed) assert.ok(res.statusCode !== 403 && res.statusCode !== 401, `${role} ${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
        else assert.equal(res.statusCode, 403, `${role} ${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
      }
    });
  }
});
