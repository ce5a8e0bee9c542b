CREATE TABLE "inbox_status_counts" (
	"workspace_id" uuid NOT NULL,
	"status" text NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "inbox_status_counts_workspace_idx" ON "inbox_status_counts" USING btree ("workspace_id","status");