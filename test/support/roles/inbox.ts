import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { contactIdentities, inboxReplies, messages, moderationActions, relayItems, relayRoutes, savedViews } from '../../../src/db/schema/index.ts';
import { ingestInteractions } from '../../../src/modules/inbox/index.ts';
import { interaction, makeOfflineChannel } from '../factories.inbox.ts';
import { INBOX_AGENTS, INBOX_READERS, MANAGERS, MODERATORS, type RoleEnv, type RoleTable } from './table.ts';

/**
 * Who may call each route of the inbox, contacts, moderation and relay modules. Reading the inbox is for
 * those who work it and analysts (contributors and clients never see it); working it is for editors,
 * moderators and up; moderation is for moderators and managers; settings (SLA, hours, guard, CRM,
 * relay routes) are for managers. A personal saved view is the reader's own: analysts may keep some.
 * The app must allow private addresses (the CRM webhook is a local server).
 */
export function inboxRoleTable(env: RoleEnv): RoleTable {
  const { t, ws } = env;
  const w = `/api/workspaces/${ws.id}`;
  const owner = env.people.owner.client;
  let seq = 0;
  const now = () => t.clock.now;
  let channel: ReturnType<typeof makeOfflineChannel> | null = null;
  const offlineChannel = () => (channel ??= makeOfflineChannel(t.deps, ws.id, 'mastodon'));

  /** A new conversation with one incoming message (by `author`, default the usual customer). */
  async function conversation(author = 'author-1') {
    const n = seq++;
    const res = await ingestInteractions(t.deps, await offlineChannel(), [
      interaction({ remoteId: `m-${n}`, root: `p-${n}`, inReplyTo: `p-${n}`, author: { remoteId: author, handle: `${author}.example`, displayName: 'Alice Martin', avatarUrl: null, followers: 120 } }),
    ], { afterIngest: false, classify: false });
    const [msg] = await t.deps.db.select().from(messages).where(eq(messages.id, res.messageIds[0]!));
    return { conv: res.conversationIds[0]!, msg: msg!.id, contact: msg!.contactId! };
  }
  let shared: ReturnType<typeof conversation> | null = null;
  /** One conversation for the calls that read it or change it harmlessly. */
  const sharedConversation = () => (shared ??= conversation());

  async function reply(state: 'needs_approval' | 'failed') {
    const c = await sharedConversation();
    const [r] = await t.deps.db.insert(inboxReplies).values({
      workspaceId: ws.id, conversationId: c.conv, messageId: c.msg, authorId: null, text: 'Merci !', state, guard: { result: 'ok', reasons: [] }, createdAt: now(), updatedAt: now(),
    }).returning();
    return r!.id;
  }
  const route = async () => {
    const [r] = await t.deps.db.insert(relayRoutes).values({ workspaceId: ws.id, name: `Route ${seq++}`, team: 'support', intents: ['question'], delivery: 'email', emails: ['team@example.com'], createdAt: now(), updatedAt: now() }).returning();
    return r!.id;
  };
  /** Creates through the owner's API (an allowed caller) and returns the new row's id. */
  async function created(path: string, body: unknown): Promise<string> {
    const res = await owner.post(`${w}${path}`, body);
    if (res.statusCode !== 201) throw new Error(`fixture ${path}: ${res.statusCode} ${res.body}`);
    return res.data.id;
  }
  const rule = () => ({ name: `Règle ${seq++}`, conditions: [{ type: 'keywords', words: ['arnaque'] }], actions: [{ type: 'tag', tag: 'suspect' }] });
  const relayRoute = () => ({ name: `Route ${seq++}`, team: 'support', intents: ['question'], delivery: 'email', emails: ['team@example.com'] });
  const week = { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [], thu: [], fri: [], sat: [], sun: [] };
  const holiday = () => `20${30 + (seq++ % 60)}-${String(1 + (seq % 12)).padStart(2, '0')}-${String(1 + (seq % 28)).padStart(2, '0')}`;

  let crm: Promise<string> | null = null;
  /** A CRM webhook that accepts everything (a local server, unref'd so it never keeps the test alive). */
  const crmUrl = () => (crm ??= new Promise((resolve) => {
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/crm`));
    server.unref();
  }));

  return {
    // --- conversations ---
    'GET /api/workspaces/:wid/inbox/conversations': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/conversations` }) },
    // "Check now" only refreshes what readers see: a poll job, no change of the workspace's data.
    'POST /api/workspaces/:wid/inbox/channels/:channelId/sync': { allowed: INBOX_READERS, ok: 202, sample: async () => ({ url: `${w}/inbox/channels/${(await offlineChannel()).id}/sync` }) },
    'GET /api/workspaces/:wid/inbox/channels': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/channels` }) },
    'GET /api/workspaces/:wid/inbox/counts': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/counts` }) },
    'GET /api/workspaces/:wid/inbox/report': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/report?period=7d` }) },
    'GET /api/workspaces/:wid/inbox/conversations/:id': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/conversations/${(await sharedConversation()).conv}` }) },
    'PATCH /api/workspaces/:wid/inbox/conversations/:id': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/inbox/conversations/${(await sharedConversation()).conv}`, body: { priority: 'high' } }) },
    'POST /api/workspaces/:wid/inbox/conversations/bulk': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/inbox/conversations/bulk`, body: { ids: [(await sharedConversation()).conv], change: { priority: 'low' } } }) },
    'POST /api/workspaces/:wid/inbox/conversations/:id/presence': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/conversations/${(await sharedConversation()).conv}/presence`, body: { state: 'viewing' } }) },
    'POST /api/workspaces/:wid/inbox/conversations/:id/notes': { allowed: INBOX_AGENTS, ok: 201, sample: async () => ({ url: `${w}/inbox/conversations/${(await sharedConversation()).conv}/notes`, body: { body: 'Client fidèle' } }) },
    'POST /api/workspaces/:wid/inbox/conversations/:id/replies': {
      allowed: INBOX_AGENTS, ok: 201,
      sample: async () => ({ url: `${w}/inbox/conversations/${(await sharedConversation()).conv}/replies`, body: { text: 'Bonjour, nous regardons.', acknowledgeWarnings: true, confirmCollision: true } }),
    },
    'POST /api/workspaces/:wid/inbox/conversations/:id/saved-replies/:rid/render': {
      allowed: INBOX_READERS, ok: 200,
      sample: async () => ({ url: `${w}/inbox/conversations/${(await sharedConversation()).conv}/saved-replies/${await created('/inbox/saved-replies', { name: 'Merci', body: 'Merci {{first_name}}' })}/render` }),
    },
    'POST /api/workspaces/:wid/inbox/replies/:id/approve': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/inbox/replies/${await reply('needs_approval')}/approve` }) },
    'POST /api/workspaces/:wid/inbox/replies/:id/reject': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/inbox/replies/${await reply('needs_approval')}/reject` }) },
    'POST /api/workspaces/:wid/inbox/replies/:id/cancel': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/inbox/replies/${await reply('needs_approval')}/cancel` }) },
    'POST /api/workspaces/:wid/inbox/replies/:id/retry': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/inbox/replies/${await reply('failed')}/retry` }) },
    // --- saved replies and views ---
    'GET /api/workspaces/:wid/inbox/saved-replies': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/saved-replies` }) },
    'POST /api/workspaces/:wid/inbox/saved-replies': { allowed: INBOX_AGENTS, ok: 201, sample: async () => ({ url: `${w}/inbox/saved-replies`, body: { name: 'Merci', body: 'Merci !' } }) },
    'PATCH /api/workspaces/:wid/inbox/saved-replies/:id': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/inbox/saved-replies/${await created('/inbox/saved-replies', { name: 'Merci', body: 'Merci !' })}`, body: { name: 'Merci', body: 'Merci beaucoup !' } }) },
    'DELETE /api/workspaces/:wid/inbox/saved-replies/:id': { allowed: INBOX_AGENTS, ok: 204, sample: async () => ({ url: `${w}/inbox/saved-replies/${await created('/inbox/saved-replies', { name: 'Merci', body: 'Merci !' })}` }) },
    'GET /api/workspaces/:wid/inbox/views': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/views` }) },
    'POST /api/workspaces/:wid/inbox/views': { allowed: INBOX_READERS, ok: 201, sample: async () => ({ url: `${w}/inbox/views`, body: { name: 'Ouverts', filters: { status: 'open' } } }) },
    // Changing or deleting one's own personal view; a shared one needs inbox.reply (pinned by the inbox tests).
    'PATCH /api/workspaces/:wid/inbox/views/:id': { allowed: INBOX_READERS, ok: 200, sample: async (who) => ({ url: `${w}/inbox/views/${await view(who.userId)}`, body: { name: 'Urgents', filters: { priority: 'high' } } }) },
    'DELETE /api/workspaces/:wid/inbox/views/:id': { allowed: INBOX_READERS, ok: 204, sample: async (who) => ({ url: `${w}/inbox/views/${await view(who.userId)}` }) },
    // --- settings ---
    'GET /api/workspaces/:wid/inbox/sla-policies': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/sla-policies` }) },
    'POST /api/workspaces/:wid/inbox/sla-policies': { allowed: MANAGERS, ok: 201, sample: async () => ({ url: `${w}/inbox/sla-policies`, body: { name: 'Standard', firstResponseMinutes: 60 } }) },
    'PATCH /api/workspaces/:wid/inbox/sla-policies/:id': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/inbox/sla-policies/${await created('/inbox/sla-policies', { name: 'Standard', firstResponseMinutes: 60 })}`, body: { name: 'Rapide', firstResponseMinutes: 30 } }) },
    'DELETE /api/workspaces/:wid/inbox/sla-policies/:id': { allowed: MANAGERS, ok: 204, sample: async () => ({ url: `${w}/inbox/sla-policies/${await created('/inbox/sla-policies', { name: 'Standard', firstResponseMinutes: 60 })}` }) },
    'GET /api/workspaces/:wid/inbox/business-hours': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/business-hours` }) },
    'PUT /api/workspaces/:wid/inbox/business-hours': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/inbox/business-hours`, body: { week } }) },
    'POST /api/workspaces/:wid/inbox/holidays': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/inbox/holidays`, body: { day: holiday(), name: 'Fête' } }) },
    'DELETE /api/workspaces/:wid/inbox/holidays/:day': {
      allowed: MANAGERS, ok: 204,
      sample: async () => {
        const day = holiday();
        const res = await owner.post(`${w}/inbox/holidays`, { day, name: 'Fête' });
        if (res.statusCode !== 200) throw new Error(`fixture holiday: ${res.statusCode} ${res.body}`);
        return { url: `${w}/inbox/holidays/${day}` };
      },
    },
    'GET /api/workspaces/:wid/inbox/guard': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/inbox/guard` }) },
    'PUT /api/workspaces/:wid/inbox/guard': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/inbox/guard`, body: { mode: 'warn', collisionSeconds: 30 } }) },
    // --- moderation ---
    'POST /api/workspaces/:wid/inbox/messages/:id/moderate': { allowed: MODERATORS, ok: 200, sample: async () => ({ url: `${w}/inbox/messages/${(await conversation()).msg}/moderate`, body: { action: 'hide' } }) },
    'GET /api/workspaces/:wid/moderation/rules': { allowed: MODERATORS, ok: 200, sample: async () => ({ url: `${w}/moderation/rules` }) },
    'POST /api/workspaces/:wid/moderation/rules': { allowed: MODERATORS, ok: 201, sample: async () => ({ url: `${w}/moderation/rules`, body: rule() }) },
    'PATCH /api/workspaces/:wid/moderation/rules/:id': { allowed: MODERATORS, ok: 200, sample: async () => ({ url: `${w}/moderation/rules/${await created('/moderation/rules', rule())}`, body: rule() }) },
    'DELETE /api/workspaces/:wid/moderation/rules/:id': { allowed: MODERATORS, ok: 204, sample: async () => ({ url: `${w}/moderation/rules/${await created('/moderation/rules', rule())}` }) },
    'POST /api/workspaces/:wid/moderation/dry-run': { allowed: MODERATORS, ok: 200, sample: async () => ({ url: `${w}/moderation/dry-run`, body: rule() }) },
    'POST /api/workspaces/:wid/moderation/rules/:id/dry-run': { allowed: MODERATORS, ok: 200, sample: async () => ({ url: `${w}/moderation/rules/${await created('/moderation/rules', rule())}/dry-run` }) },
    'GET /api/workspaces/:wid/moderation/actions': { allowed: MODERATORS, ok: 200, sample: async () => ({ url: `${w}/moderation/actions` }) },
    'POST /api/workspaces/:wid/moderation/actions/:id/undo': {
      allowed: MODERATORS, ok: 200,
      sample: async () => {
        const c = await sharedConversation();
        const [a] = await t.deps.db.insert(moderationActions).values({ workspaceId: ws.id, messageId: c.msg, conversationId: c.conv, action: 'tag', params: { tag: 'suspect' }, state: 'done', undoable: true, at: now() }).returning();
        return { url: `${w}/moderation/actions/${a!.id}/undo` };
      },
    },
    'GET /api/workspaces/:wid/moderation/authors': { allowed: MODERATORS, ok: 200, sample: async () => ({ url: `${w}/moderation/authors` }) },
    'POST /api/workspaces/:wid/moderation/authors': { allowed: MODERATORS, ok: 201, sample: async () => ({ url: `${w}/moderation/authors`, body: { list: 'block', network: 'mastodon', author: `troll${seq++}` } }) },
    'DELETE /api/workspaces/:wid/moderation/authors/:id': { allowed: MODERATORS, ok: 204, sample: async () => ({ url: `${w}/moderation/authors/${await created('/moderation/authors', { list: 'block', network: 'mastodon', author: `troll${seq++}` })}` }) },
    // --- contacts ---
    'GET /api/workspaces/:wid/contacts': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/contacts` }) },
    'GET /api/workspaces/:wid/contacts/export.csv': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/contacts/export.csv` }) },
    'PUT /api/workspaces/:wid/contacts/crm-webhook': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/contacts/crm-webhook`, body: { url: await crmUrl() } }) },
    'GET /api/workspaces/:wid/contacts/:id': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/contacts/${(await sharedConversation()).contact}` }) },
    'PATCH /api/workspaces/:wid/contacts/:id': { allowed: INBOX_AGENTS, ok: 200, sample: async () => ({ url: `${w}/contacts/${(await sharedConversation()).contact}`, body: { tags: ['fidèle'], leadStatus: 'qualified' } }) },
    'POST /api/workspaces/:wid/contacts/:id/notes': { allowed: INBOX_AGENTS, ok: 201, sample: async () => ({ url: `${w}/contacts/${(await sharedConversation()).contact}/notes`, body: { body: 'Préfère le courriel' } }) },
    'POST /api/workspaces/:wid/contacts/:id/merge': {
      allowed: INBOX_AGENTS, ok: 200,
      sample: async () => {
        const [a, b] = [await conversation(`a-${seq++}`), await conversation(`b-${seq++}`)];
        return { url: `${w}/contacts/${a.contact}/merge`, body: { otherId: b.contact } };
      },
    },
    'POST /api/workspaces/:wid/contacts/:id/split': {
      allowed: INBOX_AGENTS, ok: 201,
      sample: async () => {
        const c = await conversation(`s-${seq++}`);
        const [other] = await t.deps.db.insert(contactIdentities).values({ workspaceId: ws.id, contactId: c.contact, network: 'bluesky', remoteId: `did:plc:s${seq++}`, handle: 'alice.bsky.social' }).returning();
        return { url: `${w}/contacts/${c.contact}/split`, body: { identityIds: [other!.id] } };
      },
    },
    'POST /api/workspaces/:wid/contacts/:id/send-to-crm': {
      allowed: INBOX_AGENTS, ok: 200,
      sample: async () => {
        const res = await owner.request('PUT', `${w}/contacts/crm-webhook`, { url: await crmUrl() });
        if (res.statusCode !== 200) throw new Error(`fixture crm webhook: ${res.statusCode} ${res.body}`);
        return { url: `${w}/contacts/${(await sharedConversation()).contact}/send-to-crm` };
      },
    },
    // --- relay ---
    'GET /api/workspaces/:wid/relay/routes': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/relay/routes` }) },
    'POST /api/workspaces/:wid/relay/routes': { allowed: MANAGERS, ok: 201, sample: async () => ({ url: `${w}/relay/routes`, body: relayRoute() }) },
    'PATCH /api/workspaces/:wid/relay/routes/:id': { allowed: MANAGERS, ok: 200, sample: async () => ({ url: `${w}/relay/routes/${await route()}`, body: relayRoute() }) },
    'DELETE /api/workspaces/:wid/relay/routes/:id': { allowed: MANAGERS, ok: 204, sample: async () => ({ url: `${w}/relay/routes/${await route()}` }) },
    'GET /api/workspaces/:wid/relay/items': { allowed: INBOX_READERS, ok: 200, sample: async () => ({ url: `${w}/relay/items` }) },
    'PATCH /api/workspaces/:wid/relay/items/:id': {
      allowed: INBOX_AGENTS, ok: 200,
      sample: async () => {
        const c = await sharedConversation();
        const [item] = await t.deps.db.insert(relayItems).values({ workspaceId: ws.id, routeId: await route(), conversationId: c.conv, messageId: c.msg, reason: 'question', createdAt: now(), updatedAt: now() }).returning();
        return { url: `${w}/relay/items/${item!.id}`, body: { status: 'acknowledged' } };
      },
    },
    'POST /api/workspaces/:wid/inbox/conversations/:id/relay': { allowed: INBOX_AGENTS, ok: 201, sample: async () => ({ url: `${w}/inbox/conversations/${(await conversation()).conv}/relay`, body: { routeId: await route() } }) },
  };

  /** A personal saved view of `ownerId`. */
  async function view(ownerId: string) {
    const [v] = await t.deps.db.insert(savedViews).values({ workspaceId: ws.id, ownerId, name: 'Ouverts', filters: { status: 'open' }, createdAt: now(), updatedAt: now() }).returning();
    return v!.id;
  }
}
