ALTER TABLE "inbox_channel_state" ADD COLUMN "stream_connected_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbox_channel_state" ADD COLUMN "stream_last_event_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbox_channel_state" ADD COLUMN "stream_last_error" text;--> statement-breakpoint
ALTER TABLE "inbox_channel_state" ADD COLUMN "stream_seen_at" timestamp with time zone;