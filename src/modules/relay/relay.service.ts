import { createHmac, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { conversations, messages, relayItems, relayRoutes } from '../../db/schema/index.ts';
import { publicUrl } from '../../config/config.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx, type Deps } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { guardedFetch } from '../channels/channel.gateway.ts';
import { sendMailJob } from '../workspaces/workspaces.jobs.ts';
import { scope } from '../workspaces/workspace.service.ts';

/**
 * Relay to the company: messages whose intent (question, complaint, suggestion, praise, purchase
 * intent) or conversation tag matches a route go to a team, by email digest or a Slack-compatible
 * webhook (`{"text"}` POST, HMAC-signed, through the SSRF guard). Items keep a status shown on the
 * conversation: new → sent → acknowledged → resolved (or failed).
 */

type Route = typeof relayRoutes.$inferSelect;
type Item = typeof relayItems.$inferSelect;

/** Set by relay.jobs.ts (avoids an import cycle). */
export const relayJobRefs: { deliver: import('../../platform/jobs.ts').JobDefinition<{ itemId: string }> | null } = { deliver: null };

export function presentRoute(r: Route) {
  return {
    id: r.id, name: r.name, team: r.team, intents: r.intents, tags: r.tags, delivery: r.delivery as 'email' | 'webhook', emails: r.emails,
    digestMinutes: r.digestMinutes, webhookUrl: r.webhookUrl, enabled: r.enabled, lastDigestAt: r.lastDigestAt?.toISOString() ?? null,
  };
}

export type RouteIn = {
  name: string; team: string; intents?: string[] | undefined; tags?: string[] | undefined; delivery: 'email' | 'webhook'; emails?: string[] | undefined;
  digestMinutes?: number | undefined; webhookUrl?: string | null | undefined; enabled?: boolean | undefined; rotateSecret?: boolean | undefined;
};

export async function listRoutes(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const rows = await ctx.db.select().from(relayRoutes).where(eq(relayRoutes.workspaceId, ws.id)).orderBy(asc(relayRoutes.name));
  return rows.map(presentRoute);
}

/** Creates or updates a route; a webhook route gets a signing secret, shown once (on creation or rotation). */
export async function saveRoute(ctx: Ctx, id: string | null, input: RouteIn) {
  const ws = scope(ctx);
  authorize(ws.roles, 'relay.manage');
  if ((input.intents?.length ?? 0) + (input.tags?.length ?? 0) === 0) throw new AppError('validation_failed', 'Route at least one intent or tag.', 'intents');
  if (input.delivery === 'email' && !input.emails?.length) throw new AppError('validation_failed', 'An email route needs at least one address.', 'emails');
  if (input.delivery === 'webhook' && !input.webhookUrl) throw new AppError('validation_failed', 'A webhook route needs a URL.', 'webhookUrl');
  const now = ctx.clock();
  return ctx.deps.db.transaction(async (tx) => {
    const [existing] = id ? await tx.select().from(relayRoutes).where(and(eq(relayRoutes.id, id), eq(relayRoutes.workspaceId, ws.id))) : [];
    if (id && !existing) throw notFound('Route not found.');
    const newSecret = input.delivery === 'webhook' && (!existing?.webhookSecretSealed || input.rotateSecret) ? randomBytes(24).toString('base64url') : null;
    const values = {
      name: input.name, team: input.team, intents: input.intents ?? [], tags: input.tags ?? [], delivery: input.delivery, emails: input.emails ?? [],
      digestMinutes: input.digestMinutes ?? 60, webhookUrl: input.delivery === 'webhook' ? input.webhookUrl ?? null : null, enabled: input.enabled ?? true, updatedAt: now,
      ...(newSecret ? { webhookSecretSealed: ctx.deps.box.encrypt(newSecret, `relay:${ws.id}`) } : {}),
    };
    const [row] = existing
      ? await tx.update(relayRoutes).set(values).where(eq(relayRoutes.id, existing.id)).returning()
      : await tx.insert(relayRoutes).values({ ...values, workspaceId: ws.id, createdBy: actorUserId(ctx.actor), createdAt: now }).returning();
    await audit(inTx(ctx, tx), { action: existing ? 'relay_route.update' : 'relay_route.create', targetType: 'relay_route', targetId: row!.id, after: presentRoute(row!) });
    return { ...presentRoute(row!), secret: newSecret };
  });
}

export async function deleteRoute(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'relay.manage');
  await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.delete(relayRoutes).where(and(eq(relayRoutes.id, id), eq(relayRoutes.workspaceId, ws.id))).returning();
    if (!row) throw notFound('Route not found.');
    await audit(inTx(ctx, tx), { action: 'relay_route.delete', targetType: 'relay_route', targetId: id, before: presentRoute(row) });
  });
}

/** Creates items for matching routes (once per route and message) and queues webhook deliveries. */
async function createItems(deps: Deps, workspaceId: string, pairs: { route: Route; messageId: string; conversationId: string; reason: string }[]): Promise<Item[]> {
  if (pairs.length === 0) return [];
  const now = deps.clock();
  const made = await deps.db.transaction(async (tx) => {
    const rows = await tx.insert(relayItems).values(pairs.map((p) => ({
      workspaceId, routeId: p.route.id, conversationId: p.conversationId, messageId: p.messageId, reason: p.reason, status: 'new', createdAt: now, updatedAt: now,
    }))).onConflictDoNothing({ target: [relayItems.routeId, relayItems.messageId] }).returning();
    if (rows.length) {
      await deps.realtime.publish(tx, { workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [...new Set(rows.map((r) => r.conversationId))].slice(0, 100), change: ['relay'] } });
    }
    return rows;
  });
  for (const item of made) {
    const route = pairs.find((p) => p.route.id === item.routeId)!.route;
    if (route.delivery === 'webhook' && relayJobRefs.deliver) await deps.jobs.send(relayJobRefs.deliver, { itemId: item.id });
  }
  return made;
}

/** The post-ingest step: routes new messages by intent (and their conversation's tags). */
export async function relayMessages(deps: Deps, workspaceId: string, messageIds: string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const routes = await deps.db.select().from(relayRoutes).where(and(eq(relayRoutes.workspaceId, workspaceId), eq(relayRoutes.enabled, true)));
  if (routes.length === 0) return 0;
  const rows = await deps.db.select({ id: messages.id, conversationId: messages.conversationId, intents: messages.intents, tags: conversations.tags })
    .from(messages).innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.workspaceId, workspaceId), inArray(messages.id, messageIds), eq(messages.direction, 'in')));
  const pairs: Parameters<typeof createItems>[2] = [];
  for (const m of rows) {
    for (const route of routes) {
      const intent = (m.intents ?? []).find((i) => route.intents.includes(i));
      const tag = m.tags.find((t) => route.tags.includes(t));
      if (intent || tag) pairs.push({ route, messageId: m.id, conversationId: m.conversationId, reason: intent ?? `tag:${tag}` });
    }
  }
  return (await createItems(deps, workspaceId, pairs)).length;
}

/** After a person tags conversations: their latest incoming message goes to the routes of those tags. */
export async function relayTagged(deps: Deps, workspaceId: string, conversationIds: string[], tags: string[]): Promise<number> {
  if (tags.length === 0 || conversationIds.length === 0) return 0;
  const routes = (await deps.db.select().from(relayRoutes).where(and(eq(relayRoutes.workspaceId, workspaceId), eq(relayRoutes.enabled, true))))
    .filter((r) => r.tags.some((t) => tags.includes(t)));
  if (routes.length === 0) return 0;
  const latest = (await deps.db.execute<{ id: string; conversation_id: string }>(sql`
    SELECT DISTINCT ON (conversation_id) id, conversation_id FROM messages
    WHERE workspace_id = ${workspaceId} AND direction = 'in' AND conversation_id = ANY(${sql.param(conversationIds)}::uuid[])
    ORDER BY conversation_id, created_at DESC`)).rows;
  const pairs = latest.flatMap((m) => routes.map((route) => ({ route, messageId: m.id, conversationId: m.conversation_id, reason: `tag:${route.tags.find((t) => tags.includes(t))}` })));
  return (await createItems(deps, workspaceId, pairs)).length;
}

/** A person relays a conversation's message to a route by hand. */
export async function relayConversation(ctx: Ctx, conversationId: string, input: { routeId: string; messageId?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const [conv] = await ctx.db.select().from(conversations).where(and(eq(conversations.id, conversationId), eq(conversations.workspaceId, ws.id)));
  if (!conv) throw notFound('Conversation not found.');
  const [route] = await ctx.db.select().from(relayRoutes).where(and(eq(relayRoutes.id, input.routeId), eq(relayRoutes.workspaceId, ws.id)));
  if (!route) throw new AppError('validation_failed', 'Route not found.', 'routeId');
  const [msg] = input.messageId
    ? await ctx.db.select().from(messages).where(and(eq(messages.id, input.messageId), eq(messages.conversationId, conv.id)))
    : await ctx.db.select().from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'in'))).orderBy(desc(messages.createdAt)).limit(1);
  if (!msg) throw new AppError('validation_failed', 'No message to relay.', 'messageId');
  const made = await createItems(ctx.deps, ws.id, [{ route, messageId: msg.id, conversationId: conv.id, reason: 'manual' }]);
  await audit(ctx, { action: 'relay.manual', targetType: 'conversation', targetId: conv.id, after: { routeId: route.id, messageId: msg.id } });
  const [item] = made.length ? made : await ctx.db.select().from(relayItems).where(and(eq(relayItems.routeId, route.id), eq(relayItems.messageId, msg.id)));
  return presentItem(item!, route);
}

export function presentItem(i: Item, route: Pick<Route, 'name' | 'team'>) {
  return {
    id: i.id, routeId: i.routeId, routeName: route.name, team: route.team, messageId: i.messageId, conversationId: i.conversationId, reason: i.reason,
    status: i.status as 'new', error: i.error, createdAt: i.createdAt.toISOString(), sentAt: i.sentAt?.toISOString() ?? null,
  };
}

export async function listItems(ctx: Ctx, q: { status?: string | undefined; routeId?: string | undefined; conversationId?: string | undefined; limit: number }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const rows = await ctx.db.select({ i: relayItems, name: relayRoutes.name, team: relayRoutes.team }).from(relayItems).innerJoin(relayRoutes, eq(relayRoutes.id, relayItems.routeId))
    .where(and(eq(relayItems.workspaceId, ws.id), q.status ? eq(relayItems.status, q.status) : undefined, q.routeId ? eq(relayItems.routeId, q.routeId) : undefined,
      q.conversationId ? eq(relayItems.conversationId, q.conversationId) : undefined))
    .orderBy(desc(relayItems.createdAt)).limit(q.limit);
  return rows.map(({ i, name, team }) => presentItem(i, { name, team }));
}

/** The team's answer, recorded by a person: acknowledged, resolved (or back to new). */
export async function setItemStatus(ctx: Ctx, id: string, status: 'new' | 'acknowledged' | 'resolved') {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  return ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.update(relayItems).set({ status, updatedAt: ctx.clock() }).where(and(eq(relayItems.id, id), eq(relayItems.workspaceId, ws.id))).returning();
    if (!row) throw notFound('Relayed item not found.');
    const [route] = await tx.select().from(relayRoutes).where(eq(relayRoutes.id, row.routeId));
    await audit(inTx(ctx, tx), { action: 'relay_item.status', targetType: 'relay_item', targetId: id, after: { status } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [row.conversationId], change: ['relay'] } });
    return presentItem(row, route!);
  });
}

/** `sha256=<hex>` HMAC of `<timestamp>.<body>` with the route's secret (header `X-Passerelle-Signature`). */
export function signRelay(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function itemText(route: Route, msg: typeof messages.$inferSelect, reason: string, link: string): string {
  const text = msg.text.length > 500 ? `${msg.text.slice(0, 500)}…` : msg.text;
  return `[${route.team}] ${reason} from @${msg.authorHandle}: ${text}\n${link}`;
}

/** Delivers one item to a webhook route (a Slack-compatible `{"text"}` JSON POST, signed). */
export async function deliverWebhook(deps: Deps, itemId: string): Promise<Item> {
  const [item] = await deps.db.select().from(relayItems).where(eq(relayItems.id, itemId));
  if (!item || item.status !== 'new') return item!;
  const [route] = await deps.db.select().from(relayRoutes).where(eq(relayRoutes.id, item.routeId));
  const [msg] = await deps.db.select().from(messages).where(eq(messages.id, item.messageId));
  if (!route?.webhookUrl || !route.webhookSecretSealed || !msg) {
    const [row] = await deps.db.update(relayItems).set({ status: 'failed', error: 'The route has no webhook.', updatedAt: deps.clock() }).where(eq(relayItems.id, itemId)).returning();
    return row!;
  }
  const link = `${publicUrl(deps.config)}/w/${item.workspaceId}/inbox/${item.conversationId}`;
  const body = JSON.stringify({
    text: itemText(route, msg, item.reason, link),
    passerelle: { itemId: item.id, routeId: route.id, team: route.team, reason: item.reason, conversationId: item.conversationId, author: msg.authorHandle, url: msg.url, createdAt: msg.createdAt.toISOString() },
  });
  const timestamp = String(Math.floor(deps.clock().getTime() / 1000));
  const secret = deps.box.decrypt(route.webhookSecretSealed, `relay:${item.workspaceId}`);
  let error: string | null = null;
  try {
    const res = await guardedFetch(deps)(route.webhookUrl, {
      method: 'POST', body, signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/json', 'x-passerelle-timestamp': timestamp, 'x-passerelle-signature': signRelay(secret, timestamp, body) },
    });
    await res.body?.cancel().catch(() => {});
    if (res.status >= 300) error = `The webhook answered ${res.status}.`;
  } catch (err) {
    error = `The webhook could not be reached: ${(err as Error).message}`;
  }
  const now = deps.clock();
  const [row] = await deps.db.update(relayItems).set(error
    ? { attempts: item.attempts + 1, error, status: item.attempts + 1 >= 5 ? 'failed' : 'new', updatedAt: now }
    : { status: 'sent', sentAt: now, error: null, attempts: item.attempts + 1, updatedAt: now }).where(eq(relayItems.id, itemId)).returning();
  await deps.realtime.publish(deps.db, { workspaceId: item.workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [item.conversationId], change: ['relay'] } });
  if (error && row!.status === 'new') throw new Error(error);
  return row!;
}

/** Email routes: every `digestMinutes`, one digest of the new items to the route's addresses (the mail job). */
export async function sendDigests(deps: Deps): Promise<number> {
  const now = deps.clock();
  const routes = await deps.db.select().from(relayRoutes).where(and(eq(relayRoutes.delivery, 'email'), eq(relayRoutes.enabled, true)));
  let sent = 0;
  for (const route of routes) {
    if (route.lastDigestAt && now.getTime() - route.lastDigestAt.getTime() < route.digestMinutes * 60_000) continue;
    await deps.db.transaction(async (tx) => {
      const items = await tx.select({ i: relayItems, m: messages }).from(relayItems).innerJoin(messages, eq(messages.id, relayItems.messageId))
        .where(and(eq(relayItems.routeId, route.id), eq(relayItems.status, 'new'))).orderBy(asc(relayItems.createdAt)).limit(200).for('update', { of: relayItems, skipLocked: true });
      if (items.length === 0) return;
      const lines = items.map(({ i, m }) => itemText(route, m, i.reason, `${publicUrl(deps.config)}/w/${route.workspaceId}/inbox/${i.conversationId}`));
      const text = `${items.length} message(s) for ${route.team} (${route.name}):\n\n${lines.join('\n\n')}\n`;
      for (const to of route.emails) await deps.jobs.send(sendMailJob, { to, subject: `[Passerelle] ${route.team}: ${items.length} message(s)`, text });
      await tx.update(relayItems).set({ status: 'sent', sentAt: now, updatedAt: now }).where(inArray(relayItems.id, items.map(({ i }) => i.id)));
      await tx.update(relayRoutes).set({ lastDigestAt: now }).where(eq(relayRoutes.id, route.id));
      sent += 1;
    });
  }
  return sent;
}
