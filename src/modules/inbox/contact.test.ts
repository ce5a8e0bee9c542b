import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { contacts, messages, relayItems } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { deliverWebhook, relayMessages, sendDigests, signRelay } from '../relay/relay.service.ts';
import { signBody } from './contact.service.ts';
import { ingestInteractions } from './ingest.service.ts';

/** A local HTTP receiver that records what it is sent (a CRM or a Slack-compatible webhook). */
async function receiver() {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('contacts and relay', () => {
  let t: TestApp;
  let wid: string;
  let owner: Client;
  let editor: Client;
  let analyst: Client;
  let aliceBsky: string;
  let aliceMasto: string;

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    const made = await workspaceWithEveryRole(t);
    wid = made.ws.id;
    owner = made.people.owner.client;
    editor = made.people.editor.client;
    analyst = made.people.analyst.client;
    const b = await makeOfflineChannel(t.deps, wid, 'bluesky');
    const m = await makeOfflineChannel(t.deps, wid, 'mastodon');
    const alice = { handle: 'alice', displayName: 'Alice Martin', avatarUrl: null, followers: 40 };
    const r1 = await ingestInteractions(t.deps, b, [interaction({ remoteId: 'b1', root: 'pb', inReplyTo: 'pb', author: { ...alice, remoteId: 'did:alice' }, text: '=cmd|calc' })], { afterIngest: false });
    const r2 = await ingestInteractions(t.deps, m, [interaction({ remoteId: 'm1', root: 'pm', inReplyTo: 'pm', author: { ...alice, remoteId: '42', handle: 'alice@masto' } })], { afterIngest: false });
    const contactOf = async (messageId: string) => (await t.deps.db.select({ id: contacts.id }).from(contacts).innerJoin(messages, eq(messages.contactId, contacts.id)).where(eq(messages.id, messageId)))[0]!.id;
    aliceBsky = await contactOf(r1.messageIds[0]!);
    aliceMasto = await contactOf(r2.messageIds[0]!);
  });
  after(() => t.close());

  test('search finds a contact by handle; the profile shows identities and history', async () => {
    const list = await analyst.get(`/api/workspaces/${wid}/contacts?q=ALICE@MAS`);
    assert.deepEqual(list.data.contacts.map((c: { id: string }) => c.id), [aliceMasto]);
    const profile = await analyst.get(`/api/workspaces/${wid}/contacts/${aliceBsky}`);
    assert.equal(profile.statusCode, 200, profile.body);
    assert.equal(profile.data.identities[0].network, 'bluesky');
    assert.equal(profile.data.history.length, 1);
  });

  test('merge: one person across networks, with the whole history; split undoes it', async () => {
    assert.equal((await analyst.post(`/api/workspaces/${wid}/contacts/${aliceBsky}/merge`, { otherId: aliceMasto })).statusCode, 403);
    const merged = await editor.post(`/api/workspaces/${wid}/contacts/${aliceBsky}/merge`, { otherId: aliceMasto });
    assert.equal(merged.statusCode, 200, merged.body);
    const profile = await editor.get(`/api/workspaces/${wid}/contacts/${aliceBsky}`);
    assert.deepEqual(profile.data.identities.map((i: { network: string }) => i.network).sort(), ['bluesky', 'mastodon']);
    assert.equal(profile.data.history.length, 2);
    assert.equal((await editor.get(`/api/workspaces/${wid}/contacts/${aliceMasto}`)).statusCode, 404);
    const masto = profile.data.identities.find((i: { network: string }) => i.network === 'mastodon');
    const split = await editor.post(`/api/workspaces/${wid}/contacts/${aliceBsky}/split`, { identityIds: [masto.id] });
    assert.equal(split.statusCode, 201, split.body);
    const after = await editor.get(`/api/workspaces/${wid}/contacts/${split.data.id}`);
    assert.equal(after.data.history.length, 1);
    assert.equal(after.data.identities[0].network, 'mastodon');
  });

  test('lead fields, tags and notes are saved and audited', async () => {
    const res = await editor.patch(`/api/workspaces/${wid}/contacts/${aliceBsky}`, { leadStatus: 'qualified', leadValue: 1250.5, tags: ['prospect'], email: 'alice@example.com' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.data.leadValue, 1250.5);
    const note = await editor.post(`/api/workspaces/${wid}/contacts/${aliceBsky}/notes`, { body: 'Intéressée par l\'offre pro' });
    assert.equal(note.statusCode, 201);
    const leads = await editor.get(`/api/workspaces/${wid}/contacts?leadStatus=qualified`);
    assert.deepEqual(leads.data.contacts.map((c: { id: string }) => c.id), [aliceBsky]);
  });

  test('CSV export is for managers and neutralises formula cells', async () => {
    assert.equal((await editor.get(`/api/workspaces/${wid}/contacts/export.csv`)).statusCode, 403);
    const res = await owner.get(`/api/workspaces/${wid}/contacts/export.csv`);
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/csv/);
    const lines = res.body.trim().split('\r\n');
    assert.equal(lines[0], 'id,display_name,handle,email,followers,tags,lead_status,lead_value,lead_owner,first_seen_at,last_seen_at,identities,messages');
    assert.ok(lines.some((l) => l.includes('qualified') && l.includes('alice@example.com')));
  });

  test('sending a contact to the CRM webhook posts it signed with HMAC', async () => {
    const hook = await receiver();
    try {
      const set = await owner.request('PUT', `/api/workspaces/${wid}/contacts/crm-webhook`, { url: hook.url });
      assert.equal(set.statusCode, 200, set.body);
      const res = await editor.post(`/api/workspaces/${wid}/contacts/${aliceBsky}/send-to-crm`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(hook.got.length, 1);
      assert.equal(hook.got[0]!.headers['x-passerelle-signature'], signBody(set.data.secret, hook.got[0]!.body));
      assert.equal(JSON.parse(hook.got[0]!.body).contact.leadStatus, 'qualified');
    } finally {
      await hook.close();
    }
  });

  test('relay: a complaint is routed to the support webhook as Slack-compatible {text}, signed; its status shows on the conversation', async () => {
    const hook = await receiver();
    try {
      assert.equal((await editor.post(`/api/workspaces/${wid}/relay/routes`, { name: 'x', team: 'support', intents: ['complaint'], delivery: 'webhook', webhookUrl: hook.url })).statusCode, 403);
      const route = await owner.post(`/api/workspaces/${wid}/relay/routes`, { name: 'Plaintes', team: 'support', intents: ['complaint'], delivery: 'webhook', webhookUrl: hook.url });
      assert.equal(route.statusCode, 201, route.body);
      assert.ok(route.data.secret);
      const ch = await makeOfflineChannel(t.deps, wid);
      const res = await ingestInteractions(t.deps, ch, [
        interaction({ remoteId: 'k1', root: 'pk', inReplyTo: 'pk', text: 'My order arrived broken and nobody answers, terrible customer service, I want a refund' }),
        interaction({ remoteId: 'k2', root: 'pl', inReplyTo: 'pl', text: 'Love the new colours, well done!' }),
      ], { afterIngest: false });
      assert.equal(await relayMessages(t.deps, wid, res.messageIds), 1);
      assert.equal(await relayMessages(t.deps, wid, res.messageIds), 0, 'once per route and message');
      const [item] = await t.deps.db.select().from(relayItems).where(eq(relayItems.routeId, route.data.id));
      await deliverWebhook(t.deps, item!.id);
      const sent = hook.got[0]!;
      const body = JSON.parse(sent.body);
      assert.match(body.text, /^\[support\] complaint from @alice/);
      assert.equal(sent.headers['x-passerelle-signature'], signRelay(route.data.secret, sent.headers['x-passerelle-timestamp'] as string, sent.body));
      const detail = await analyst.get(`/api/workspaces/${wid}/inbox/conversations/${item!.conversationId}`);
      assert.equal(detail.data.relay[0].status, 'sent');
      assert.equal(detail.data.relay[0].team, 'support');
      const ack = await editor.patch(`/api/workspaces/${wid}/relay/items/${item!.id}`, { status: 'acknowledged' });
      assert.equal(ack.data.status, 'acknowledged');
    } finally {
      await hook.close();
    }
  });

  test('relay by email: tagging a conversation routes it; the digest goes out through the mail job', async () => {
    const route = await owner.post(`/api/workspaces/${wid}/relay/routes`, { name: 'Ventes', team: 'sales', tags: ['lead'], delivery: 'email', emails: ['sales@example.com'], digestMinutes: 30 });
    assert.equal(route.statusCode, 201, route.body);
    const ch = await makeOfflineChannel(t.deps, wid);
    const res = await ingestInteractions(t.deps, ch, [interaction({ remoteId: 't1', root: 'pt', inReplyTo: 'pt', text: 'Do you ship to Canada?' })], { afterIngest: false });
    await editor.patch(`/api/workspaces/${wid}/inbox/conversations/${res.conversationIds[0]}`, { addTags: ['lead'] });
    const items = await t.deps.db.select().from(relayItems).where(eq(relayItems.routeId, route.data.id));
    assert.equal(items.length, 1);
    assert.equal(items[0]!.reason, 'tag:lead');
    assert.equal(await sendDigests(t.deps), 1);
    assert.equal(await sendDigests(t.deps), 0, 'not again before digestMinutes');
    const [after] = await t.deps.db.select().from(relayItems).where(eq(relayItems.id, items[0]!.id));
    assert.equal(after!.status, 'sent');
  });
});
