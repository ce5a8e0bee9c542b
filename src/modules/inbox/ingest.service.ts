import { and, eq, sql } from 'drizzle-orm';
import type { Interaction, InteractionKind } from '../../connectors/connector.ts';
import { channels, inboxChannelState } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { uuidv7 } from '../../platform/ids.ts';
import { callChannel, type ChannelRow } from '../channels/index.ts';
import { classifyTexts, EMPTY_CLASSIFICATION, type Classification } from './message.classify.ts';
import { applySlaToConversations } from './sla.service.ts';

export { classifyText, type Classification } from './message.classify.ts';

/**
 * Ingest: turns a connector's interactions into conversations and messages. One function,
 * {@link ingestInteractions}, is used by the poll job and by the benchmark ("the same code path").
 * Idempotent on (channel, remote id); the cursor is saved only after the batch committed, so a crash
 * replays the page and the replay inserts nothing twice.
 */

/** Kinds that are inbox items; likes, reposts and follows are only counted. */
const INBOX_KINDS: ReadonlySet<InteractionKind> = new Set(['comment', 'reply', 'mention', 'quote', 'dm', 'review']);

/** What ingest needs of a channel. */
export type IngestChannel = Pick<ChannelRow, 'id' | 'workspaceId' | 'network'>;

export type IngestOptions = {
  /** Classify with the insights models (default true). The benchmark also measures without. */
  classify?: boolean;
  /** Queue the post-ingest job (moderation rules, relay) after commit (default true). */
  afterIngest?: boolean;
};

export type IngestResult = {
  inserted: number;
  duplicates: number;
  engagement: number;
  messageIds: string[];
  conversationIds: string[];
};

type Resolved = { conversationId: string } | { threadKey: string; kind: string; root: string | null };

/** The conversation an item belongs to, by thread key, when its parent is not already known. */
function threadOf(item: Interaction): { threadKey: string; kind: string; root: string | null } {
  switch (item.kind) {
    case 'dm': {
      const conv = typeof item.raw['conversationId'] === 'string' ? item.raw['conversationId'] : item.author.remoteId;
      return { threadKey: `dm:${conv}`, kind: 'dm', root: null };
    }
    case 'review':
      return { threadKey: `review:${item.remoteId}`, kind: 'review', root: item.remoteId };
    case 'quote':
      return { threadKey: `thread:${item.remoteId}`, kind: 'quote', root: item.remoteId };
    default: {
      const root = item.root ?? item.inReplyTo;
      if (root) return { threadKey: `thread:${root}`, kind: 'thread', root };
      return { threadKey: `thread:${item.remoteId}`, kind: 'mention', root: item.remoteId };
    }
  }
}

const pgArray = (values: string[] | null) => (values === null ? null : `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);

/**
 * Ingests one page of interactions for a channel in one transaction: contacts (one per network
 * author), conversations (thread under a post, DM thread, mention/quote, review), messages (classified,
 * full-text indexed), counters and SLA timers. Returns what was new.
 */
export async function ingestInteractions(deps: Deps, channel: IngestChannel, items: Interaction[], opts: IngestOptions = {}): Promise<IngestResult> {
  const now = deps.clock();
  const engagementCounts: Record<string, number> = {};
  const seen = new Set<string>();
  const inbox: Interaction[] = [];
  for (const item of items) {
    if (!INBOX_KINDS.has(item.kind)) {
      engagementCounts[item.kind] = (engagementCounts[item.kind] ?? 0) + 1;
      continue;
    }
    if (seen.has(item.remoteId)) continue;
    seen.add(item.remoteId);
    inbox.push(item);
  }
  const engagement = Object.values(engagementCounts).reduce((a, b) => a + b, 0);
  if (inbox.length === 0) {
    if (engagement > 0) await countEngagement(deps.db, channel, engagementCounts);
    return { inserted: 0, duplicates: 0, engagement, messageIds: [], conversationIds: [] };
  }

  const result = await deps.db.transaction(async (tx) => {
    const remoteIds = inbox.map((i) => i.remoteId);
    const parentIds = [...new Set(inbox.map((i) => i.inReplyTo).filter((p): p is string => p !== null && !seen.has(p)))];
    const lookup = [...remoteIds, ...parentIds];
    const known = await tx.execute<{ remote_id: string; conversation_id: string }>(sql`
      SELECT remote_id, conversation_id FROM messages WHERE channel_id = ${channel.id} AND remote_id = ANY(${sql.param(lookup)}::text[])`);
    const knownConv = new Map(known.rows.map((r) => [r.remote_id, r.conversation_id]));
    const fresh = inbox.filter((i) => !knownConv.has(i.remoteId));
    const duplicates = inbox.length - fresh.length;
    if (fresh.length === 0) return { inserted: 0, duplicates, messageIds: [], conversationIds: [], needContext: [] as string[] };
    // The models run (in worker threads) while the contacts and conversations are written.
    const classifying = opts.classify === false ? null : classifyTexts(fresh.map((i) => i.text));
    classifying?.catch(() => {});

    // Threading: a reply whose parent we hold joins the parent's conversation; else the thread key.
    const resolved = new Map<string, Resolved>();
    for (const item of fresh) {
      const parent = item.kind === 'dm' || item.kind === 'review' || item.kind === 'quote' ? null : item.inReplyTo;
      let r: Resolved | undefined;
      if (item.root === null && parent) {
        const inDb = knownConv.get(parent);
        r = inDb ? { conversationId: inDb } : resolved.get(parent);
      }
      resolved.set(item.remoteId, r ?? threadOf(item));
    }

    const contactIds = await resolveContacts(tx, channel, fresh, now);

    // Conversations: one upsert for every thread key of the page.
    const newThreads = new Map<string, { kind: string; root: string | null; first: Interaction }>();
    for (const item of fresh) {
      const r = resolved.get(item.remoteId)!;
      if ('threadKey' in r && !newThreads.has(r.threadKey)) newThreads.set(r.threadKey, { kind: r.kind, root: r.root, first: item });
    }
    const convByKey = new Map<string, string>();
    const createdConversations: string[] = [];
    const needContext: string[] = [];
    if (newThreads.size > 0) {
      // Existing threads are read (no dummy update of their rows); the missing ones are inserted, and
      // any that a concurrent ingest created meanwhile are read again.
      const keys = [...newThreads.keys()];
      const existing = await tx.execute<{ id: string; thread_key: string }>(sql`
        SELECT id, thread_key FROM conversations WHERE channel_id = ${channel.id} AND thread_key = ANY(${sql.param(keys)}::text[])`);
      for (const r of existing.rows) convByKey.set(r.thread_key, r.id);
      const missing = keys.filter((k) => !convByKey.has(k));
      if (missing.length > 0) {
        const values = missing.map((k) => newThreads.get(k)!);
        const rows = await tx.execute<{ id: string; thread_key: string }>(sql`
          INSERT INTO conversations (id, workspace_id, channel_id, thread_key, kind, root_remote_id, context, contact_id, last_message_at, created_at, updated_at)
          SELECT id, ${channel.workspaceId}, ${channel.id}, k, kind, root, ctx::jsonb, contact, ${now}, ${now}, ${now}
          FROM unnest(${sql.param(missing.map(() => uuidv7()))}::uuid[], ${sql.param(missing)}::text[], ${sql.param(values.map((v) => v.kind))}::text[], ${sql.param(values.map((v) => v.root))}::text[],
                      ${sql.param(values.map((v) => JSON.stringify(contextOf(v.root, v.first))))}::text[],
                      ${sql.param(values.map((v) => contactIds.get(v.first.author.remoteId) ?? null))}::uuid[]) AS t(id, k, kind, root, ctx, contact)
          ON CONFLICT (channel_id, thread_key) DO NOTHING
          RETURNING id, thread_key`);
        for (const r of rows.rows) {
          convByKey.set(r.thread_key, r.id);
          createdConversations.push(r.id);
        }
        const lost = missing.filter((k) => !convByKey.has(k));
        if (lost.length > 0) {
          const again = await tx.execute<{ id: string; thread_key: string }>(sql`
            SELECT id, thread_key FROM conversations WHERE channel_id = ${channel.id} AND thread_key = ANY(${sql.param(lost)}::text[])`);
          for (const r of again.rows) convByKey.set(r.thread_key, r.id);
        }
      }
    }
    if (createdConversations.length > 0) {
      // The original post as context: when the thread's root is a post published from Passerelle
      // (the publishing module's variants keep the remote id), its text and link.
      const filled = await tx.execute<{ id: string }>(sql`
        UPDATE conversations c SET context = jsonb_build_object('remoteId', v.remote_id, 'url', v.remote_url, 'text', v.text, 'authorHandle', ch.handle)
        FROM post_variants v, channels ch
        WHERE c.id = ANY(${sql.param(createdConversations)}::uuid[]) AND v.channel_id = c.channel_id AND v.state = 'published'
          AND v.remote_id = c.root_remote_id AND ch.id = c.channel_id AND c.context->>'text' IS NULL
        RETURNING c.id`);
      const known = new Set(filled.rows.map((r) => r.id));
      // Threads under any other post: their root is read from the network after commit (context.service.ts).
      for (const [key, v] of newThreads) {
        const id = convByKey.get(key);
        if (id && v.kind === 'thread' && createdConversations.includes(id) && !known.has(id)) needContext.push(id);
      }
    }
    const convOf = (item: Interaction) => {
      const r = resolved.get(item.remoteId)!;
      return 'conversationId' in r ? r.conversationId : convByKey.get(r.threadKey)!;
    };

    const classified: Classification[] = classifying ? await classifying : fresh.map(() => EMPTY_CLASSIFICATION);
    const ids = fresh.map(() => uuidv7());
    const col = <T>(f: (i: Interaction, n: number) => T) => sql.param(fresh.map(f));
    const inserted = await tx.execute<{ id: string; conversation_id: string }>(sql`
      INSERT INTO messages (id, workspace_id, channel_id, conversation_id, remote_id, direction, kind, contact_id, author_remote_id, author_handle,
        author_name, author_followers, text, url, in_reply_to, root_remote_id, created_at, ingested_at, language, sentiment, sentiment_score,
        toxicity, toxic, profanity, intents, intent_scores, rating)
      SELECT id, ${channel.workspaceId}, ${channel.id}, conv, rid, 'in', kind, contact, arid, ahandle, aname, afollowers, txt, url, irt, root,
        created, ${now}, lang, sent, sscore, tox, toxic, prof, ints::text[], iscores::jsonb, rating
      FROM unnest(${sql.param(ids)}::uuid[], ${col(convOf)}::uuid[], ${col((i) => i.remoteId)}::text[], ${col((i) => i.kind)}::text[],
        ${col((i) => contactIds.get(i.author.remoteId) ?? null)}::uuid[], ${col((i) => i.author.remoteId)}::text[], ${col((i) => i.author.handle)}::text[],
        ${col((i) => i.author.displayName)}::text[], ${col((i) => i.author.followers ?? null)}::int[], ${col((i) => i.text)}::text[],
        ${col((i) => i.url)}::text[], ${col((i) => i.inReplyTo)}::text[], ${col((i) => i.root)}::text[], ${col((i) => i.createdAt.toISOString())}::timestamptz[],
        ${col((_, n) => classified[n]!.language)}::text[], ${col((_, n) => classified[n]!.sentiment)}::text[], ${col((_, n) => classified[n]!.sentimentScore)}::float8[],
        ${col((_, n) => classified[n]!.toxicity)}::float8[], ${col((_, n) => classified[n]!.toxic)}::bool[], ${col((_, n) => classified[n]!.profanity)}::bool[],
        ${col((_, n) => pgArray(classified[n]!.intents))}::text[], ${col((_, n) => (classified[n]!.intentScores ? JSON.stringify(classified[n]!.intentScores) : null))}::text[],
        ${col((i) => i.rating ?? null)}::int2[])
        AS t(id, conv, rid, kind, contact, arid, ahandle, aname, afollowers, txt, url, irt, root, created, lang, sent, sscore, tox, toxic, prof, ints, iscores, rating)
      ON CONFLICT (channel_id, remote_id) DO NOTHING
      RETURNING id, conversation_id`);
    const insertedIds = new Set(inserted.rows.map((r) => r.id));

    // Counters from what was really inserted (a concurrent ingest of the same page inserts nothing twice).
    type Agg = { n: number; last: Date; first: Date; lang: string | null; sentiment: string | null; intents: string[]; tox: number | null };
    const agg = new Map<string, Agg>();
    fresh.forEach((item, n) => {
      if (!insertedIds.has(ids[n]!)) return;
      const conv = convOf(item);
      const c = classified[n]!;
      const a = agg.get(conv);
      if (!a) {
        agg.set(conv, { n: 1, last: item.createdAt, first: item.createdAt, lang: c.language, sentiment: c.sentiment, intents: c.intents ?? [], tox: c.toxicity });
        return;
      }
      a.n += 1;
      if (item.createdAt < a.first) a.first = item.createdAt;
      if (item.createdAt >= a.last) {
        a.last = item.createdAt;
        a.lang = c.language;
        a.sentiment = c.sentiment;
        a.intents = c.intents ?? [];
      }
      if (c.toxicity !== null) a.tox = Math.max(a.tox ?? 0, c.toxicity);
    });
    const convIds = [...agg.keys()];
    if (convIds.length > 0) {
      const v = [...agg.values()];
      await tx.execute(sql`
        UPDATE conversations c SET
          message_count = c.message_count + t.n,
          unanswered_count = c.unanswered_count + t.n,
          has_unanswered = true,
          first_inbound_at = LEAST(c.first_inbound_at, t.first),
          last_inbound_at = GREATEST(c.last_inbound_at, t.last),
          last_message_at = CASE WHEN c.message_count = 0 THEN t.last ELSE GREATEST(c.last_message_at, t.last) END,
          language = COALESCE(t.lang, c.language),
          sentiment = COALESCE(t.sent, c.sentiment),
          intents = CASE WHEN cardinality(t.ints::text[]) > 0 THEN t.ints::text[] ELSE c.intents END,
          max_toxicity = GREATEST(c.max_toxicity, t.tox),
          status = CASE WHEN c.status IN ('closed', 'snoozed') THEN 'open' ELSE c.status END,
          snoozed_until = CASE WHEN c.status IN ('closed', 'snoozed') THEN NULL ELSE c.snoozed_until END,
          updated_at = ${now}
        FROM unnest(${sql.param(convIds)}::uuid[], ${sql.param(v.map((a) => a.n))}::int[], ${sql.param(v.map((a) => a.first.toISOString()))}::timestamptz[],
          ${sql.param(v.map((a) => a.last.toISOString()))}::timestamptz[], ${sql.param(v.map((a) => a.lang))}::text[], ${sql.param(v.map((a) => a.sentiment))}::text[],
          ${sql.param(v.map((a) => pgArray(a.intents)))}::text[], ${sql.param(v.map((a) => a.tox))}::float8[]) AS t(id, n, first, last, lang, sent, ints, tox)
        WHERE c.id = t.id AND c.workspace_id = ${channel.workspaceId}`);
      await applySlaToConversations(deps, tx, channel.workspaceId, convIds);
      await deps.realtime.publish(tx, {
        workspaceId: channel.workspaceId, type: 'inbox.message.created', permission: 'inbox.read',
        payload: { channelId: channel.id, count: insertedIds.size, conversationIds: convIds.slice(0, 100), more: convIds.length > 100 },
      });
    }
    if (engagement > 0) await countEngagement(tx, channel, engagementCounts, insertedIds.size);
    else await tx.execute(sql`
      INSERT INTO inbox_channel_state (channel_id, workspace_id, ingested_count) VALUES (${channel.id}, ${channel.workspaceId}, ${insertedIds.size})
      ON CONFLICT (channel_id) DO UPDATE SET ingested_count = inbox_channel_state.ingested_count + EXCLUDED.ingested_count`);
    return { inserted: insertedIds.size, duplicates: duplicates + (fresh.length - insertedIds.size), messageIds: [...insertedIds], conversationIds: convIds, needContext };
  });

  if (result.inserted > 0 && opts.afterIngest !== false) {
    await deps.jobs.send(afterIngestJobRef.job!, { workspaceId: channel.workspaceId, messageIds: result.messageIds });
  }
  if (result.needContext.length > 0 && opts.afterIngest !== false && contextJobRef.job) {
    await deps.jobs.send(contextJobRef.job, { channelId: channel.id, conversationIds: result.needContext });
  }
  const { needContext: _, ...out } = result;
  return { ...out, engagement };
}

/** Set by inbox.jobs.ts: the job that reads the root posts of new threads (context.service.ts). */
export const contextJobRef: { job: import('../../platform/jobs.ts').JobDefinition<{ channelId: string; conversationIds: string[] }> | null } = { job: null };

/** Set by inbox.jobs.ts (avoids an import cycle between the job and the service it calls). */
export const afterIngestJobRef: { job: import('../../platform/jobs.ts').JobDefinition<{ workspaceId: string; messageIds: string[] }> | null } = { job: null };

function contextOf(root: string | null, first: Interaction) {
  // The root is the first item itself (a mention, quote or review): it is its own context.
  if (root === first.remoteId) return { remoteId: root, url: first.url, text: first.text, authorHandle: first.author.handle };
  return { remoteId: root, url: null, text: null, authorHandle: null };
}

async function countEngagement(db: DbOrTx, channel: IngestChannel, counts: Record<string, number>, ingested = 0) {
  await db.execute(sql`
    INSERT INTO inbox_channel_state (channel_id, workspace_id, engagement, ingested_count)
    VALUES (${channel.id}, ${channel.workspaceId}, ${JSON.stringify(counts)}::jsonb, ${ingested})
    ON CONFLICT (channel_id) DO UPDATE SET
      ingested_count = inbox_channel_state.ingested_count + EXCLUDED.ingested_count,
      engagement = (SELECT jsonb_object_agg(k, COALESCE((inbox_channel_state.engagement->>k)::int, 0) + COALESCE((EXCLUDED.engagement->>k)::int, 0))
                    FROM jsonb_object_keys(inbox_channel_state.engagement || EXCLUDED.engagement) AS k)`);
}

/** One contact per (network, author id): existing identities are reused, new authors get a new contact. */
async function resolveContacts(tx: DbOrTx, channel: IngestChannel, items: Interaction[], now: Date): Promise<Map<string, string>> {
  const authors = new Map<string, Interaction['author'] & { at: Date }>();
  for (const i of items) {
    const prev = authors.get(i.author.remoteId);
    if (!prev || i.createdAt > prev.at) authors.set(i.author.remoteId, { ...i.author, at: i.createdAt });
  }
  // Sorted so that concurrent ingests (two channels of a network share authors) insert identities in
  // one order and lock contacts in one order: they wait for each other, never deadlock.
  const list = [...authors.values()].sort((a, b) => (a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0));
  const existing = await tx.execute<{ remote_id: string; contact_id: string }>(sql`
    SELECT remote_id, contact_id FROM contact_identities
    WHERE workspace_id = ${channel.workspaceId} AND network = ${channel.network} AND remote_id = ANY(${sql.param(list.map((a) => a.remoteId))}::text[])`);
  const out = new Map(existing.rows.map((r) => [r.remote_id, r.contact_id]));
  if (out.size > 0) {
    const known = list.filter((a) => out.has(a.remoteId));
    await tx.execute(sql`SELECT 1 FROM contacts WHERE id = ANY(${sql.param([...new Set(out.values())])}::uuid[]) ORDER BY id FOR UPDATE`);
    await tx.execute(sql`
      UPDATE contacts c SET last_seen_at = GREATEST(c.last_seen_at, t.at), followers = COALESCE(t.f, c.followers), updated_at = ${now}
      FROM unnest(${sql.param(known.map((a) => out.get(a.remoteId)!))}::uuid[], ${sql.param(known.map((a) => a.at.toISOString()))}::timestamptz[],
        ${sql.param(known.map((a) => a.followers ?? null))}::int[]) AS t(id, at, f)
      WHERE c.id = t.id AND (t.at > c.last_seen_at OR t.f IS DISTINCT FROM c.followers)`);
  }
  const missing = list.filter((a) => !out.has(a.remoteId));
  if (missing.length > 0) {
    const ids = missing.map(() => uuidv7());
    const p = <T>(f: (a: (typeof missing)[number]) => T) => sql.param(missing.map(f));
    await tx.execute(sql`
      INSERT INTO contacts (id, workspace_id, display_name, primary_handle, avatar_url, followers, first_seen_at, last_seen_at, created_at, updated_at)
      SELECT id, ${channel.workspaceId}, dn, h, av, f, at, at, ${now}, ${now}
      FROM unnest(${sql.param(ids)}::uuid[], ${p((a) => a.displayName)}::text[], ${p((a) => a.handle)}::text[], ${p((a) => a.avatarUrl)}::text[],
        ${p((a) => a.followers ?? null)}::int[], ${p((a) => a.at.toISOString())}::timestamptz[]) AS t(id, dn, h, av, f, at)`);
    const made = await tx.execute<{ remote_id: string; contact_id: string }>(sql`
      INSERT INTO contact_identities (workspace_id, contact_id, network, remote_id, handle, display_name, avatar_url, followers, created_at)
      SELECT ${channel.workspaceId}, id, ${channel.network}, rid, h, dn, av, f, ${now}
      FROM unnest(${sql.param(ids)}::uuid[], ${p((a) => a.remoteId)}::text[], ${p((a) => a.handle)}::text[], ${p((a) => a.displayName)}::text[],
        ${p((a) => a.avatarUrl)}::text[], ${p((a) => a.followers ?? null)}::int[]) AS t(id, rid, h, dn, av, f)
      ON CONFLICT (workspace_id, network, remote_id) DO NOTHING
      RETURNING remote_id, contact_id`);
    for (const r of made.rows) out.set(r.remote_id, r.contact_id);
    const lost = missing.filter((a) => !out.has(a.remoteId));
    if (lost.length > 0) {
      // Another ingest created these authors meanwhile: use theirs, drop ours.
      await tx.execute(sql`DELETE FROM contacts WHERE id = ANY(${sql.param(ids.filter((_, n) => lost.includes(missing[n]!)))}::uuid[])`);
      const again = await tx.execute<{ remote_id: string; contact_id: string }>(sql`
        SELECT remote_id, contact_id FROM contact_identities
        WHERE workspace_id = ${channel.workspaceId} AND network = ${channel.network} AND remote_id = ANY(${sql.param(lost.map((a) => a.remoteId))}::text[])`);
      for (const r of again.rows) out.set(r.remote_id, r.contact_id);
    }
  }
  return out;
}

/** Days of notifications fetched when a channel is polled for the first time. */
export const BACKFILL_DAYS = 7;
/** Pages read per poll at most; the next poll continues from the saved cursor. */
const MAX_PAGES = 20;

/**
 * Polls one channel: reads pages newer than the stored cursor through the channel gateway, ingests
 * each, and stores the cursor only after the page committed. The first poll backfills `BACKFILL_DAYS`.
 */
export async function pollChannel(deps: Deps, channelId: string): Promise<{ pages: number; inserted: number }> {
  const [row] = await deps.db.select().from(channels).where(eq(channels.id, channelId));
  if (!row || row.health === 'reconnect_needed') return { pages: 0, inserted: 0 };
  if (row.rateLimitedUntil && row.rateLimitedUntil > deps.clock()) return { pages: 0, inserted: 0 };
  const [state] = await deps.db.select().from(inboxChannelState).where(eq(inboxChannelState.channelId, channelId));
  let cursor = state?.cursor ?? null;
  const backfill = !state?.backfilledAt;
  const since = backfill ? new Date(deps.clock().getTime() - BACKFILL_DAYS * 86_400_000) : undefined;
  let pages = 0;
  let inserted = 0;
  let caughtUp = false;
  try {
    for (; pages < MAX_PAGES; pages++) {
      const page = await callChannel(deps, row, (connector, ctx) =>
        connector.fetchInteractions(ctx, cursor, cursor === null && since ? { limit: 80, since } : { limit: 80 }));
      const items = since ? page.items.filter((i) => i.createdAt >= since) : page.items;
      const res = await ingestInteractions(deps, row, items);
      inserted += res.inserted;
      cursor = page.cursor;
      // Only now, after the page committed: a crash before this line replays the page harmlessly.
      await deps.db.insert(inboxChannelState).values({ channelId, workspaceId: row.workspaceId, cursor, lastPolledAt: deps.clock(), lastError: null })
        .onConflictDoUpdate({ target: inboxChannelState.channelId, set: { cursor, lastPolledAt: deps.clock(), lastError: null } });
      if (!page.hasMore) {
        caughtUp = true;
        break;
      }
    }
    if (backfill && caughtUp) {
      await deps.db.update(inboxChannelState).set({ backfilledAt: deps.clock() }).where(and(eq(inboxChannelState.channelId, channelId)));
    }
  } catch (err) {
    await deps.db.insert(inboxChannelState).values({ channelId, workspaceId: row.workspaceId, lastPolledAt: deps.clock(), lastError: (err as Error).message })
      .onConflictDoUpdate({ target: inboxChannelState.channelId, set: { lastPolledAt: deps.clock(), lastError: (err as Error).message } });
    throw err;
  }
  return { pages: pages + 1, inserted };
}
