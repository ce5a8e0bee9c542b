import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../platform/errors.ts';
import type { InboxFilters } from './inbox.schema.ts';

/**
 * The SQL of the inbox list and counts, shared by the service and the benchmark (so the benchmark
 * times exactly what users run). Every query is scoped by workspace_id first; indexes are in
 * src/db/schema/inbox.ts (status / channel / assignee / sentiment + last_message_at, GIN on tags,
 * intents and the messages' tsvector).
 */

export type ListCursor = { t: string; id: string };

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(s: string): ListCursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as ListCursor;
    if (typeof c.t !== 'string' || typeof c.id !== 'string' || Number.isNaN(Date.parse(c.t)) || !/^[0-9a-f-]{36}$/i.test(c.id)) throw new Error('bad');
    return c;
  } catch {
    throw new AppError('validation_failed', 'The cursor is not valid; start from the first page.', 'query.cursor');
  }
}

const STATUSES_ALL = ['open', 'pending', 'snoozed', 'closed'] as const;

/** The text-search condition on messages `m`: French, English, or both (plus `simple` for other languages). */
export function searchCondition(q: string, lang: 'fr' | 'en' | 'any' = 'any'): SQL {
  if (lang === 'fr') return sql`m.tsv @@ websearch_to_tsquery('french', ${q})`;
  if (lang === 'en') return sql`m.tsv @@ websearch_to_tsquery('english', ${q})`;
  return sql`(m.tsv @@ websearch_to_tsquery('french', ${q}) OR m.tsv @@ websearch_to_tsquery('english', ${q}) OR m.tsv @@ websearch_to_tsquery('simple', ${q}))`;
}

/** WHERE conditions on conversations `c` for the filters (status excluded when `withStatus` is false, for counts). */
export function filterConditions(workspaceId: string, f: InboxFilters, me: string | null, withStatus = true): SQL[] {
  const where: SQL[] = [sql`c.workspace_id = ${workspaceId}`];
  const status = f.status ?? ['open'];
  // Every status listed is no filter at all (status is always one of the four); leaving it out lets a
  // search walk the (workspace_id, last_message_at, id) index alone.
  if (withStatus && !STATUSES_ALL.every((s) => status.includes(s))) where.push(status.length === 1 ? sql`c.status = ${status[0]}` : sql`c.status = ANY(${sql.param(status)}::text[])`);
  if (f.channel?.length) where.push(f.channel.length === 1 ? sql`c.channel_id = ${f.channel[0]}` : sql`c.channel_id = ANY(${sql.param(f.channel)}::uuid[])`);
  if (f.kind?.length) where.push(sql`c.kind = ANY(${sql.param(f.kind)}::text[])`);
  if (f.assignee) {
    if (f.assignee === 'none') where.push(sql`c.assignee_id IS NULL`);
    else {
      const id = f.assignee === 'me' ? me : f.assignee;
      if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('validation_failed', 'assignee must be a member id, me or none', 'query.assignee');
      where.push(sql`c.assignee_id = ${id}`);
    }
  }
  if (f.language?.length) where.push(sql`c.language = ANY(${sql.param(f.language)}::text[])`);
  if (f.sentiment?.length) where.push(f.sentiment.length === 1 ? sql`c.sentiment = ${f.sentiment[0]}` : sql`c.sentiment = ANY(${sql.param(f.sentiment)}::text[])`);
  if (f.intent?.length) where.push(sql`c.intents && ${sql.param(f.intent)}::text[]`);
  if (f.tag?.length) where.push(sql`c.tags @> ${sql.param(f.tag)}::text[]`);
  if (f.priority?.length) where.push(sql`c.priority = ANY(${sql.param(f.priority)}::text[])`);
  if (f.sla?.length) where.push(sql`c.sla_state = ANY(${sql.param(f.sla)}::text[])`);
  if (f.unanswered === 'true') where.push(sql`c.has_unanswered AND c.status <> 'closed'`);
  if (f.unanswered === 'false') where.push(sql`NOT c.has_unanswered`);
  if (f.contact) where.push(sql`c.contact_id = ${f.contact}`);
  if (f.q) {
    where.push(sql`c.id IN (SELECT m.conversation_id FROM messages m WHERE m.workspace_id = ${workspaceId} AND ${searchCondition(f.q, f.qlang)})`);
  }
  return where;
}

/** One page of the inbox list, newest (or oldest) activity first, keyset-paginated on (last_message_at, id). */
export function listSql(workspaceId: string, f: InboxFilters, me: string | null, cursor: ListCursor | null, limit: number): SQL {
  const where = filterConditions(workspaceId, f, me);
  const asc = f.sort === 'oldest';
  if (cursor) {
    where.push(asc
      ? sql`(c.last_message_at, c.id) > (${cursor.t}::timestamptz, ${cursor.id}::uuid)`
      : sql`(c.last_message_at, c.id) < (${cursor.t}::timestamptz, ${cursor.id}::uuid)`);
  }
  // The indexes are declared DESC NULLS LAST (drizzle's desc()): the ORDER BY must say the same to use them
  // (both columns are NOT NULL, so the NULLS clause changes nothing else).
  const order = asc ? sql`c.last_message_at ASC NULLS FIRST, c.id ASC NULLS FIRST` : sql`c.last_message_at DESC NULLS LAST, c.id DESC NULLS LAST`;
  // With a search, the page's ids are found first (an index-only walk of conversations, newest first,
  // each probed in messages_search_idx — or, for a rare word, the GIN index; the planner chooses from
  // the word's frequency), and only the page's rows are read.
  const page = f.q
    ? sql`SELECT c.* FROM conversations c WHERE c.id IN (SELECT c.id FROM conversations c WHERE ${sql.join(where, sql` AND `)} ORDER BY ${order} LIMIT ${limit + 1})`
    : sql`SELECT * FROM conversations c WHERE ${sql.join(where, sql` AND `)} ORDER BY ${order} LIMIT ${limit + 1}`;
  return sql`
    SELECT c.*, u.name AS assignee_name,
      k.display_name AS contact_name, k.primary_handle AS contact_handle, k.avatar_url AS contact_avatar, k.followers AS contact_followers,
      (SELECT left(m.text, 280) FROM messages m WHERE m.conversation_id = c.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS preview,
      CASE WHEN c.kind = 'review' THEN (SELECT m.rating FROM messages m WHERE m.conversation_id = c.id AND m.rating IS NOT NULL
        ORDER BY m.created_at DESC, m.id DESC LIMIT 1) END AS rating
    FROM (${page}) c
    LEFT JOIN users u ON u.id = c.assignee_id
    LEFT JOIN contacts k ON k.id = c.contact_id
    ORDER BY ${order}`;
}

/** No filter but status, sort or search language: the counts are the workspace's per-status counters. */
function isUnfiltered(f: InboxFilters): boolean {
  return Object.entries(f).every(([k, v]) => k === 'status' || k === 'sort' || k === 'qlang' || v === undefined || (Array.isArray(v) && v.length === 0));
}

/**
 * The workspace's conversations per status from the delta rows the `conversations` triggers write in
 * each transaction (exact, a few rows to add up; see inbox_status_counts in src/db/schema/inbox.ts).
 */
export function statusCountsSql(workspaceId: string): SQL {
  return sql`SELECT s.status, COALESCE((SELECT sum(n) FROM inbox_status_counts k WHERE k.workspace_id = ${workspaceId} AND k.status = s.status), 0)::int AS n
    FROM unnest(ARRAY['open', 'pending', 'snoozed', 'closed']) AS s(status)`;
}

/** Folds the status-count deltas into one row per (workspace, status); run by the minute tick. */
export const compactStatusCountsSql: SQL = sql`
  WITH gone AS (DELETE FROM inbox_status_counts RETURNING workspace_id, status, n)
  INSERT INTO inbox_status_counts (workspace_id, status, n)
  SELECT workspace_id, status, sum(n)::int FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0`;

/**
 * Conversations per status under the same filters (the status filter itself left out): one count per
 * status, so each is an index(-only) scan on (workspace_id, status, …) rather than a scan of the table.
 */
export function countsSql(workspaceId: string, f: InboxFilters, me: string | null): SQL {
  if (isUnfiltered(f)) return statusCountsSql(workspaceId);
  const where = sql.join(filterConditions(workspaceId, f, me, false), sql` AND `);
  return sql`SELECT s.status, (SELECT count(*) FROM conversations c WHERE c.status = s.status AND ${where})::int AS n
    FROM unnest(ARRAY['open', 'pending', 'snoozed', 'closed']) AS s(status)`;
}

/** Messages of one conversation, oldest first. */
export function conversationMessagesSql(workspaceId: string, conversationId: string, limit: number): SQL {
  return sql`
    SELECT * FROM (
      SELECT id, remote_id, direction, kind, contact_id, author_remote_id, author_handle, author_name, author_followers, text, url, in_reply_to,
        created_at, language, sentiment, sentiment_score, toxicity, toxic, profanity, intents, hidden, deleted_at, sent_by, rating
      FROM messages WHERE conversation_id = ${conversationId} AND workspace_id = ${workspaceId}
      ORDER BY created_at DESC, id DESC LIMIT ${limit}) m
    ORDER BY created_at ASC, id ASC`;
}
