-- Full-text search: a search walks conversations newest first and probes each one's messages here,
-- index-only (the tsvector is in the index), instead of reading the wide message rows.
CREATE INDEX IF NOT EXISTS "messages_search_idx" ON "messages" USING btree ("conversation_id") INCLUDE ("workspace_id", "tsv");
--> statement-breakpoint
-- Conversations per status as deltas (see inbox_status_counts in src/db/schema/inbox.ts): one row per
-- (workspace, status) touched by a statement, written in the statement's transaction.
CREATE OR REPLACE FUNCTION inbox_status_counts_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO inbox_status_counts (workspace_id, status, n)
  SELECT workspace_id, status, count(*)::int FROM inbox_new_rows GROUP BY 1, 2;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION inbox_status_counts_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO inbox_status_counts (workspace_id, status, n)
  SELECT workspace_id, status, sum(d)::int FROM (
    SELECT workspace_id, status, 1 AS d FROM inbox_new_rows
    UNION ALL SELECT workspace_id, status, -1 FROM inbox_old_rows) x
  GROUP BY 1, 2 HAVING sum(d) <> 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION inbox_status_counts_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO inbox_status_counts (workspace_id, status, n)
  SELECT workspace_id, status, -count(*)::int FROM inbox_old_rows GROUP BY 1, 2;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION inbox_status_counts_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM inbox_status_counts;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER conversations_status_counts_insert AFTER INSERT ON conversations
  REFERENCING NEW TABLE AS inbox_new_rows FOR EACH STATEMENT EXECUTE FUNCTION inbox_status_counts_on_insert();
--> statement-breakpoint
CREATE TRIGGER conversations_status_counts_update AFTER UPDATE ON conversations
  REFERENCING OLD TABLE AS inbox_old_rows NEW TABLE AS inbox_new_rows FOR EACH STATEMENT EXECUTE FUNCTION inbox_status_counts_on_update();
--> statement-breakpoint
CREATE TRIGGER conversations_status_counts_delete AFTER DELETE ON conversations
  REFERENCING OLD TABLE AS inbox_old_rows FOR EACH STATEMENT EXECUTE FUNCTION inbox_status_counts_on_delete();
--> statement-breakpoint
CREATE TRIGGER conversations_status_counts_truncate AFTER TRUNCATE ON conversations
  FOR EACH STATEMENT EXECUTE FUNCTION inbox_status_counts_on_truncate();
--> statement-breakpoint
INSERT INTO inbox_status_counts (workspace_id, status, n)
SELECT workspace_id, status, count(*)::int FROM conversations GROUP BY 1, 2;
--> statement-breakpoint
-- The inbox reads conversations by LIMITed index walks (lists, searches): on a small shared machine a
-- parallel plan costs more to start and over-walks; serial walks were faster at every percentile.
ALTER TABLE "conversations" SET (parallel_workers = 0);
