import { createHmac, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { contactIdentities, contactNotes, contacts, conversations, messages, replyGuardSettings, users } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { guardedFetch } from '../channels/channel.gateway.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { assertInboxMember } from './conversation.service.ts';
import { loadGuardSettings } from './reply.guard.ts';

/**
 * Contacts: one profile per person across networks (identities), their history with the brand, tags,
 * notes and lead fields; merge and split; CSV export; sending a contact to a CRM webhook.
 */

type Contact = typeof contacts.$inferSelect;

export function presentContact(c: Contact) {
  return {
    id: c.id, displayName: c.displayName, handle: c.primaryHandle, avatarUrl: c.avatarUrl, followers: c.followers, tags: c.tags,
    leadStatus: c.leadStatus, leadValue: c.leadValue === null ? null : Number(c.leadValue), leadOwnerId: c.leadOwnerId, email: c.email,
    firstSeenAt: c.firstSeenAt.toISOString(), lastSeenAt: c.lastSeenAt.toISOString(),
  };
}

async function getContactRow(ctx: Ctx, id: string, db = ctx.db): Promise<Contact> {
  const ws = scope(ctx);
  const [row] = await db.select().from(contacts).where(and(eq(contacts.id, id), eq(contacts.workspaceId, ws.id), isNull(contacts.mergedIntoId)));
  if (!row) throw notFound('Contact not found.');
  return row;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

export async function listContacts(ctx: Ctx, q: { q?: string | undefined; tag?: string | undefined; leadStatus?: string | undefined; cursor?: string | undefined; limit: number }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const where = [eq(contacts.workspaceId, ws.id), isNull(contacts.mergedIntoId)];
  if (q.q) {
    const like = `%${escapeLike(q.q.toLowerCase())}%`;
    where.push(sql`(lower(${contacts.primaryHandle}) LIKE ${like} OR lower(coalesce(${contacts.displayName}, '')) LIKE ${like} OR ${contacts.id} IN (
      SELECT contact_id FROM contact_identities WHERE workspace_id = ${ws.id} AND lower(handle) LIKE ${like}))`);
  }
  if (q.tag) where.push(sql`${contacts.tags} @> ARRAY[${q.tag}]::text[]`);
  if (q.leadStatus) where.push(eq(contacts.leadStatus, q.leadStatus));
  if (q.cursor) {
    const [t, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
    if (!t || !id || Number.isNaN(Date.parse(t))) throw new AppError('validation_failed', 'The cursor is not valid.', 'query.cursor');
    where.push(sql`(${contacts.lastSeenAt}, ${contacts.id}) < (${t}::timestamptz, ${id}::uuid)`);
  }
  const rows = await ctx.db.select().from(contacts).where(and(...where)).orderBy(sql`${contacts.lastSeenAt} DESC NULLS LAST`, desc(contacts.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    contacts: page.map(presentContact),
    nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.lastSeenAt.toISOString()}|${last.id}`).toString('base64url') : null,
  };
}

/** A contact's profile: identities, notes, conversations and their latest messages with the brand. */
export async function getContact(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const c = await getContactRow(ctx, id);
  const ids = await ctx.db.select().from(contactIdentities).where(eq(contactIdentities.contactId, id)).orderBy(asc(contactIdentities.createdAt));
  const notes = await ctx.db.select({ n: contactNotes, name: users.name }).from(contactNotes).leftJoin(users, eq(users.id, contactNotes.authorId))
    .where(eq(contactNotes.contactId, id)).orderBy(desc(contactNotes.createdAt));
  const convs = await ctx.db.select().from(conversations).where(and(eq(conversations.workspaceId, ws.id), eq(conversations.contactId, id))).orderBy(desc(conversations.lastMessageAt)).limit(100);
  const history = await ctx.db.select().from(messages).where(and(eq(messages.workspaceId, ws.id), eq(messages.contactId, id))).orderBy(desc(messages.createdAt)).limit(200);
  return {
    contact: presentContact(c),
    identities: ids.map((i) => ({ id: i.id, network: i.network, remoteId: i.remoteId, handle: i.handle, displayName: i.displayName, avatarUrl: i.avatarUrl, followers: i.followers })),
    notes: notes.map(({ n, name }) => ({ id: n.id, author: n.authorId ? { id: n.authorId, name: name ?? '' } : null, body: n.body, createdAt: n.createdAt.toISOString() })),
    conversations: convs.map((v) => ({ id: v.id, channelId: v.channelId, kind: v.kind, status: v.status, lastMessageAt: v.lastMessageAt.toISOString(), messageCount: v.messageCount })),
    history: history.map((m) => ({ id: m.id, conversationId: m.conversationId, channelId: m.channelId, kind: m.kind, text: m.text, url: m.url, createdAt: m.createdAt.toISOString(), sentiment: m.sentiment, intents: m.intents })),
  };
}

export type ContactPatch = {
  displayName?: string | null | undefined; tags?: string[] | undefined; leadStatus?: string | null | undefined; leadValue?: number | null | undefined;
  leadOwnerId?: string | null | undefined; email?: string | null | undefined;
};

export async function updateContact(ctx: Ctx, id: string, patch: ContactPatch) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  return ctx.deps.db.transaction(async (tx) => {
    const before = await getContactRow(ctx, id, tx);
    if (patch.leadOwnerId) await assertInboxMember(ctx, tx, patch.leadOwnerId, 'leadOwnerId');
    const set: Partial<typeof contacts.$inferInsert> = { updatedAt: ctx.clock() };
    if (patch.displayName !== undefined) set.displayName = patch.displayName;
    if (patch.tags !== undefined) set.tags = [...new Set(patch.tags)].sort();
    if (patch.leadStatus !== undefined) set.leadStatus = patch.leadStatus;
    if (patch.leadValue !== undefined) set.leadValue = patch.leadValue === null ? null : patch.leadValue.toFixed(2);
    if (patch.leadOwnerId !== undefined) set.leadOwnerId = patch.leadOwnerId;
    if (patch.email !== undefined) set.email = patch.email;
    const [row] = await tx.update(contacts).set(set).where(eq(contacts.id, id)).returning();
    await audit(inTx(ctx, tx), { action: 'contact.update', targetType: 'contact', targetId: id, before: presentContact(before), after: presentContact(row!) });
    return presentContact(row!);
  });
}

export async function addContactNote(ctx: Ctx, id: string, body: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  await getContactRow(ctx, id);
  return ctx.deps.db.transaction(async (tx) => {
    const [n] = await tx.insert(contactNotes).values({ workspaceId: ws.id, contactId: id, authorId: actorUserId(ctx.actor), body, createdAt: ctx.clock() }).returning();
    await audit(inTx(ctx, tx), { action: 'contact.note', targetType: 'contact', targetId: id, after: { noteId: n!.id } });
    return { id: n!.id, author: n!.authorId ? { id: n!.authorId, name: ctx.actor.name } : null, body: n!.body, createdAt: n!.createdAt.toISOString() };
  });
}

/**
 * Merges `otherId` into `id`: identities, messages, conversations and notes move over; tags are united;
 * lead fields are kept from `id` where set. The other contact stays as a tombstone (mergedIntoId).
 */
export async function mergeContacts(ctx: Ctx, id: string, otherId: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  if (id === otherId) throw new AppError('validation_failed', 'A contact cannot be merged into itself.', 'otherId');
  return ctx.deps.db.transaction(async (tx) => {
    const keep = await getContactRow(ctx, id, tx);
    const other = await getContactRow(ctx, otherId, tx).catch(() => { throw new AppError('validation_failed', 'Contact to merge not found.', 'otherId'); });
    const now = ctx.clock();
    await tx.update(contactIdentities).set({ contactId: id }).where(eq(contactIdentities.contactId, otherId));
    await tx.update(messages).set({ contactId: id }).where(and(eq(messages.workspaceId, ws.id), eq(messages.contactId, otherId)));
    await tx.update(conversations).set({ contactId: id }).where(and(eq(conversations.workspaceId, ws.id), eq(conversations.contactId, otherId)));
    await tx.update(contactNotes).set({ contactId: id }).where(eq(contactNotes.contactId, otherId));
    const [row] = await tx.update(contacts).set({
      tags: [...new Set([...keep.tags, ...other.tags])].sort(),
      displayName: keep.displayName ?? other.displayName, email: keep.email ?? other.email, leadStatus: keep.leadStatus ?? other.leadStatus,
      leadValue: keep.leadValue ?? other.leadValue, leadOwnerId: keep.leadOwnerId ?? other.leadOwnerId,
      followers: Math.max(keep.followers ?? 0, other.followers ?? 0) || null,
      firstSeenAt: keep.firstSeenAt < other.firstSeenAt ? keep.firstSeenAt : other.firstSeenAt,
      lastSeenAt: keep.lastSeenAt > other.lastSeenAt ? keep.lastSeenAt : other.lastSeenAt, updatedAt: now,
    }).where(eq(contacts.id, id)).returning();
    await tx.update(contacts).set({ mergedIntoId: id, updatedAt: now }).where(eq(contacts.id, otherId));
    await audit(inTx(ctx, tx), { action: 'contact.merge', targetType: 'contact', targetId: id, after: { merged: otherId } });
    return presentContact(row!);
  });
}

/** Splits identities off a contact into a new contact; their messages and conversations follow them. */
export async function splitContact(ctx: Ctx, id: string, identityIds: string[]) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  return ctx.deps.db.transaction(async (tx) => {
    const source = await getContactRow(ctx, id, tx);
    const all = await tx.select().from(contactIdentities).where(eq(contactIdentities.contactId, id));
    const moving = all.filter((i) => identityIds.includes(i.id));
    if (moving.length !== new Set(identityIds).size) throw new AppError('validation_failed', 'Identities must belong to this contact.', 'identityIds');
    if (moving.length === all.length) throw new AppError('validation_failed', 'Keep at least one identity on the contact.', 'identityIds');
    const now = ctx.clock();
    const first = moving[0]!;
    const [made] = await tx.insert(contacts).values({
      workspaceId: ws.id, displayName: first.displayName, primaryHandle: first.handle, avatarUrl: first.avatarUrl, followers: first.followers,
      firstSeenAt: source.firstSeenAt, lastSeenAt: source.lastSeenAt, createdAt: now, updatedAt: now,
    }).returning();
    await tx.update(contactIdentities).set({ contactId: made!.id }).where(inArray(contactIdentities.id, moving.map((m) => m.id)));
    for (const ident of moving) {
      await tx.execute(sql`UPDATE messages m SET contact_id = ${made!.id} FROM channels ch
        WHERE m.workspace_id = ${ws.id} AND m.contact_id = ${id} AND m.author_remote_id = ${ident.remoteId} AND ch.id = m.channel_id AND ch.network = ${ident.network}`);
      await tx.execute(sql`UPDATE conversations c SET contact_id = ${made!.id} WHERE c.workspace_id = ${ws.id} AND c.contact_id = ${id} AND NOT EXISTS (
        SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.contact_id = ${id})`);
    }
    await audit(inTx(ctx, tx), { action: 'contact.split', targetType: 'contact', targetId: id, after: { newContactId: made!.id, identityIds } });
    return presentContact(made!);
  });
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Cells starting with = + - @ are neutralised so a spreadsheet does not run them as formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Every contact (not merged away) as CSV: one line per contact, identities joined. */
export async function exportContactsCsv(ctx: Ctx): Promise<string> {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  const rows = (await ctx.db.execute<Record<string, unknown>>(sql`
    SELECT c.id, c.display_name, c.primary_handle, c.email, c.followers, array_to_string(c.tags, ' ') AS tags, c.lead_status, c.lead_value,
      u.email AS lead_owner, c.first_seen_at, c.last_seen_at,
      (SELECT string_agg(i.network || ':' || i.handle, ' ' ORDER BY i.created_at) FROM contact_identities i WHERE i.contact_id = c.id) AS identities,
      (SELECT count(*) FROM messages m WHERE m.contact_id = c.id)::int AS messages
    FROM contacts c LEFT JOIN users u ON u.id = c.lead_owner_id
    WHERE c.workspace_id = ${ws.id} AND c.merged_into_id IS NULL ORDER BY c.last_seen_at DESC LIMIT 100000`)).rows;
  const header = ['id', 'display_name', 'handle', 'email', 'followers', 'tags', 'lead_status', 'lead_value', 'lead_owner', 'first_seen_at', 'last_seen_at', 'identities', 'messages'];
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push([r.id, r.display_name, r.primary_handle, r.email, r.followers, r.tags, r.lead_status, r.lead_value, r.lead_owner,
      r.first_seen_at ? new Date(r.first_seen_at as string).toISOString() : '', r.last_seen_at ? new Date(r.last_seen_at as string).toISOString() : '',
      r.identities, r.messages].map(csvCell).join(','));
  }
  await audit(ctx, { action: 'contact.export', targetType: 'workspace', targetId: ws.id, after: { count: rows.length } });
  return `${lines.join('\r\n')}\r\n`;
}

/** Sets (or clears) the CRM webhook; the signing secret is generated here and shown once. */
export async function setCrmWebhook(ctx: Ctx, url: string | null) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  const secret = url ? randomBytes(24).toString('base64url') : null;
  await ctx.deps.db.transaction(async (tx) => {
    const current = await loadGuardSettings(tx, ws.id);
    const next = { ...current, workspaceId: ws.id, crmWebhookUrl: url, crmWebhookSecretSealed: secret ? ctx.deps.box.encrypt(secret, `crm:${ws.id}`) : null, updatedAt: ctx.clock() };
    await tx.insert(replyGuardSettings).values(next).onConflictDoUpdate({ target: replyGuardSettings.workspaceId, set: next });
    await audit(inTx(ctx, tx), { action: 'crm_webhook.update', targetType: 'workspace', targetId: ws.id, after: { url } });
  });
  return { url, secret };
}

/** HMAC-SHA256 of the body with the webhook's secret, as sent in `X-Passerelle-Signature: sha256=<hex>`. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Sends one contact (profile, identities, lead fields) to the CRM webhook, through the SSRF guard, signed. */
export async function sendContactToCrm(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const settings = await loadGuardSettings(ctx.db, ws.id);
  if (!settings.crmWebhookUrl || !settings.crmWebhookSecretSealed) throw new AppError('validation_failed', 'Set a CRM webhook first.', 'crmWebhookUrl');
  const profile = await getContact(ctx, id);
  const body = JSON.stringify({ type: 'contact', workspaceId: ws.id, contact: profile.contact, identities: profile.identities, sentAt: ctx.clock().toISOString() });
  const secret = ctx.deps.box.decrypt(settings.crmWebhookSecretSealed, `crm:${ws.id}`);
  let status: number;
  try {
    const res = await guardedFetch(ctx.deps)(settings.crmWebhookUrl, {
      method: 'POST', body, signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/json', 'x-passerelle-signature': signBody(secret, body) },
    });
    status = res.status;
    await res.body?.cancel().catch(() => {});
  } catch (err) {
    throw new AppError('network_unavailable', `The CRM webhook could not be reached: ${(err as Error).message}`);
  }
  await audit(ctx, { action: 'contact.send_to_crm', targetType: 'contact', targetId: id, after: { status } });
  if (status >= 300) throw new AppError('network_rejected', `The CRM webhook answered ${status}.`);
  return { delivered: true, status };
}
