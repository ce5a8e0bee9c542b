import { sql, type SQL } from 'drizzle-orm';

/**
 * SQL of the inbox report (src/modules/inbox/report.service.ts, bench/inbox.ts). Each statement reads
 * one workspace's rows over [from, to) — the report's period and the previous one, in one pass — and
 * groups them by local day in the workspace's zone: `AT TIME ZONE <IANA zone>` gives each instant its
 * own offset, so a day around a DST change is 23 or 25 hours long and splits at local midnight.
 */
export type ReportRange = {
  workspaceId: string;
  timezone: string;
  /** Start of the previous period (inclusive) … end of the period (exclusive); `start` splits them. */
  from: Date;
  start: Date;
  to: Date;
  channels: string[] | null;
};

const channelFilter = (column: SQL, channels: string[] | null) => (channels ? sql` AND ${column} = ANY(${sql.param(channels)}::uuid[])` : sql``);
const localDay = (column: SQL, tz: string) => sql`to_char(${column} AT TIME ZONE ${tz}, 'YYYY-MM-DD')`;

/**
 * Messages per local day, direction, kind, sentiment and intents (inbound) or sender (outbound). Walks
 * `messages_workspace_created_idx` (workspace_id, created_at). The groups stay few (days × 4 kinds ×
 * 4 sentiments × the intent combinations seen), whatever the number of messages.
 * Kinds as a community manager names them: comments (comments and replies), mentions (mentions and
 * quotes), DMs, reviews (a review and its edits, which carry a rating).
 */
export function reportMessagesSql(r: ReportRange): SQL {
  return sql`
    SELECT ${localDay(sql`m.created_at`, r.timezone)} AS day, m.direction,
      CASE WHEN m.kind IN ('mention', 'quote') THEN 'mention' WHEN m.kind = 'dm' THEN 'dm'
        WHEN m.kind = 'review' OR m.rating IS NOT NULL THEN 'review' ELSE 'comment' END AS kind,
      CASE WHEN m.direction = 'in' THEN m.sentiment END AS sentiment,
      CASE WHEN m.direction = 'in' THEN m.intents END AS intents,
      CASE WHEN m.direction = 'out' THEN m.sent_by END AS sent_by,
      count(*)::int AS n
    FROM messages m
    WHERE m.workspace_id = ${r.workspaceId} AND m.created_at >= ${r.from.toISOString()}::timestamptz AND m.created_at < ${r.to.toISOString()}::timestamptz
      ${channelFilter(sql`m.channel_id`, r.channels)}
    GROUP BY 1, 2, 3, 4, 5, 6`;
}

/**
 * Conversations started (first inbound message) in the range — the report's cohort — per local day and
 * per period (`cur`: started at or after `start`), with their stored analytics: first response and
 * resolution in business seconds, SLA outcome. `last_message_at >= from` is implied (a conversation's
 * last message is never before its first) and lets `conversations_recent_idx`
 * (workspace_id, last_message_at) bound the scan: no index on first_inbound_at is needed, since the
 * conversations started in a period are the ones active since then, minus old threads still talking.
 * A conversation is answered within its SLA when it has a policy, a first response, and no breach
 * recorded before that response (`sla_breached_at` is set once, when a target is first missed).
 */
export function reportConversationsSql(r: ReportRange): SQL {
  return sql`
    SELECT x.day, x.cur, GROUPING(x.day) = 1 AS period_total,
      count(*)::int AS conversations,
      count(x.first_response_at)::int AS answered,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY x.first_response_seconds) AS frt_p50,
      percentile_cont(0.9) WITHIN GROUP (ORDER BY x.first_response_seconds) AS frt_p90,
      count(x.resolved_at)::int AS resolved,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY x.resolution_seconds) AS res_p50,
      count(*) FILTER (WHERE x.sla_policy_id IS NOT NULL AND (x.first_response_at IS NOT NULL OR x.sla_breached_at IS NOT NULL))::int AS sla_decided,
      count(*) FILTER (WHERE x.sla_policy_id IS NOT NULL AND x.first_response_at IS NOT NULL
        AND (x.sla_breached_at IS NULL OR x.sla_breached_at > x.first_response_at))::int AS sla_met,
      count(x.sla_breached_at)::int AS breaches
    FROM (
      SELECT ${localDay(sql`c.first_inbound_at`, r.timezone)} AS day, c.first_inbound_at >= ${r.start.toISOString()}::timestamptz AS cur,
        c.first_response_at, c.first_response_seconds, c.resolved_at, c.resolution_seconds, c.sla_policy_id, c.sla_breached_at
      FROM conversations c
      WHERE c.workspace_id = ${r.workspaceId} AND c.last_message_at >= ${r.from.toISOString()}::timestamptz
        AND c.first_inbound_at >= ${r.from.toISOString()}::timestamptz AND c.first_inbound_at < ${r.to.toISOString()}::timestamptz
        ${channelFilter(sql`c.channel_id`, r.channels)}
    ) x
    GROUP BY GROUPING SETS ((x.day), (x.cur))`;
}

/**
 * Per teammate, the first responses they sent to conversations started in [start, to) and their median
 * (business seconds). The first response is the sent reply whose `sent_at` is the conversation's
 * `first_response_at` (both written from one instant when the reply is recorded as sent); probed per
 * answered conversation through `inbox_replies_conversation_idx`.
 */
export function reportTeammatesSql(r: ReportRange): SQL {
  return sql`
    SELECT rp.author_id AS user_id, count(*)::int AS first_responses,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY c.first_response_seconds) AS frt_p50
    FROM conversations c
    JOIN inbox_replies rp ON rp.conversation_id = c.id AND rp.workspace_id = c.workspace_id AND rp.state = 'sent' AND rp.sent_at = c.first_response_at
    WHERE c.workspace_id = ${r.workspaceId} AND c.last_message_at >= ${r.start.toISOString()}::timestamptz
      AND c.first_inbound_at >= ${r.start.toISOString()}::timestamptz AND c.first_inbound_at < ${r.to.toISOString()}::timestamptz
      AND c.first_response_at IS NOT NULL AND rp.author_id IS NOT NULL
      ${channelFilter(sql`c.channel_id`, r.channels)}
    GROUP BY rp.author_id`;
}
