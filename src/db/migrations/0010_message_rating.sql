ALTER TABLE "messages" ADD COLUMN "rating" smallint;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_rating_range" CHECK ("messages"."rating" BETWEEN 1 AND 5);