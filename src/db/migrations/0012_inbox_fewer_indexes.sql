-- Ingest writes many messages and updates many conversations: every index is paid on each of those
-- writes (bench/inbox.ts measured about a third of ingest in the messages INSERT). Three indexes go:
-- * conversations_sentiment_idx: a sentiment filter walks the status index and filters (sentiment has
--   three values, so a page of 50 is found within a few hundred rows).
-- * messages_conversation_idx: merged into messages_search_idx below, which now leads with the same
--   (conversation_id, created_at, id) and still carries the tsvector for index-only search probes.
-- * messages_author_idx: the repeated-text signal of moderation rules reads the author's recent
--   messages through messages_contact_idx (one contact per network author) instead.
DROP INDEX IF EXISTS "conversations_sentiment_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "messages_author_idx";--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "messages_search_idx_v2" ON "messages" USING btree ("conversation_id", "created_at", "id") INCLUDE ("workspace_id", "tsv");--> statement-breakpoint
DROP INDEX IF EXISTS "messages_search_idx";--> statement-breakpoint
ALTER INDEX "messages_search_idx_v2" RENAME TO "messages_search_idx";--> statement-breakpoint
DROP INDEX IF EXISTS "messages_conversation_idx";
