CREATE TABLE "suggestion_sightings" (
	"address" text NOT NULL,
	"message" text NOT NULL,
	CONSTRAINT "suggestion_sightings_address_message_pk" PRIMARY KEY("address","message")
);
--> statement-breakpoint
CREATE TABLE "suggestions" (
	"address" text PRIMARY KEY NOT NULL,
	"names" jsonb NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"first_seen" timestamp with time zone,
	"last_seen" timestamp with time zone,
	"source" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "suggestions_state" CHECK ("suggestions"."state" in ('pending', 'accepted', 'dismissed'))
);
--> statement-breakpoint
ALTER TABLE "suggestion_sightings" ADD CONSTRAINT "suggestion_sightings_address_suggestions_address_fk" FOREIGN KEY ("address") REFERENCES "suggestions"("address") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "suggestions_state_count" ON "suggestions" USING btree ("state","count");