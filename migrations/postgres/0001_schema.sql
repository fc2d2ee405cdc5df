CREATE TABLE "account_relationships" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"from_account" bigint NOT NULL,
	"to_account" bigint NOT NULL,
	"kind" text NOT NULL,
	"first_seen" timestamp with time zone,
	"last_seen" timestamp with time zone,
	CONSTRAINT "account_relationships_kind" CHECK ("account_relationships"."kind" in ('follows', 'blocks', 'mutes', 'ignores'))
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"service" text NOT NULL,
	"persona" uuid NOT NULL,
	"profile" jsonb,
	"source" text,
	"first_seen" timestamp with time zone,
	"last_seen" timestamp with time zone,
	CONSTRAINT "accounts_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "anti_links" (
	"persona_a" uuid NOT NULL,
	"persona_b" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "anti_links_persona_a_persona_b_pk" PRIMARY KEY("persona_a","persona_b")
);
--> statement-breakpoint
CREATE TABLE "evidence" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_a" bigint NOT NULL,
	"account_b" bigint NOT NULL,
	"kind" text NOT NULL,
	"proof" text NOT NULL,
	"confidence" real NOT NULL,
	"source" text,
	"first_seen" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "humans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"is_self" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"more" jsonb
);
--> statement-breakpoint
CREATE TABLE "ingest_cursors" (
	"source" text NOT NULL,
	"key" text NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ingest_cursors_source_key_pk" PRIMARY KEY("source","key")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"queue" text NOT NULL,
	"payload" jsonb NOT NULL,
	"dedup_key" text,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"lease_token" text,
	"owner" text,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "jobs_state" CHECK ("jobs"."state" in ('ready', 'leased', 'dead'))
);
--> statement-breakpoint
CREATE TABLE "links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"post" bigint NOT NULL,
	"url" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_membership" (
	"list" bigint NOT NULL,
	"account" bigint NOT NULL,
	"first_seen" timestamp with time zone,
	CONSTRAINT "list_membership_list_account_pk" PRIMARY KEY("list","account")
);
--> statement-breakpoint
CREATE TABLE "lists" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"service" text NOT NULL,
	"owner" bigint,
	"name" text,
	"more" jsonb,
	CONSTRAINT "lists_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "merge_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"op" text NOT NULL,
	"winner" uuid NOT NULL,
	"loser" uuid NOT NULL,
	"reason" text,
	"detail" jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"undone_at" timestamp with time zone,
	CONSTRAINT "merge_log_op" CHECK ("merge_log"."op" in ('merge', 'identity'))
);
--> statement-breakpoint
CREATE TABLE "names" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" bigint NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"fold" text NOT NULL,
	"first_seen" timestamp with time zone,
	"last_seen" timestamp with time zone,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', fold)) STORED,
	CONSTRAINT "names_kind" CHECK ("names"."kind" in ('handle', 'display', 'email', 'alias', 'phone', 'nick'))
);
--> statement-breakpoint
CREATE TABLE "notes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"human" uuid,
	"persona" uuid,
	"text" text NOT NULL,
	"source_key" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notes_source_key_unique" UNIQUE("source_key"),
	CONSTRAINT "notes_target" CHECK ("notes"."human" is not null or "notes"."persona" is not null)
);
--> statement-breakpoint
CREATE TABLE "persona_control" (
	"human" uuid NOT NULL,
	"persona" uuid NOT NULL,
	"rel" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "persona_control_human_persona_pk" PRIMARY KEY("human","persona"),
	CONSTRAINT "persona_control_rel" CHECK ("persona_control"."rel" in ('owns', 'participates', 'suspected'))
);
--> statement-breakpoint
CREATE TABLE "personas" (
	"id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"more" jsonb
);
--> statement-breakpoint
CREATE TABLE "post_distribution" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"post" bigint NOT NULL,
	"rel" text NOT NULL,
	"target" text NOT NULL,
	"recipient" bigint,
	"list" bigint,
	CONSTRAINT "post_distribution_rel" CHECK ("post_distribution"."rel" in ('broadcast', 'to', 'cc', 'bcc', 'list', 'channel'))
);
--> statement-breakpoint
CREATE TABLE "post_interactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" bigint NOT NULL,
	"post" bigint NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone,
	CONSTRAINT "post_interactions_kind" CHECK ("post_interactions"."kind" in ('like', 'dislike', 'share', 'bookmark', 'hide'))
);
--> statement-breakpoint
CREATE TABLE "post_relationships" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"from_post" bigint NOT NULL,
	"to_post" bigint NOT NULL,
	"rel" text NOT NULL,
	CONSTRAINT "post_relationships_rel" CHECK ("post_relationships"."rel" in ('reply-to', 'quotes', 'shares', 'thread'))
);
--> statement-breakpoint
CREATE TABLE "posts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"external_id" text NOT NULL,
	"service" text NOT NULL,
	"poster" bigint,
	"posted_at" timestamp with time zone,
	"text" text,
	"url" text,
	"tombstone" boolean DEFAULT false NOT NULL,
	"raw" jsonb,
	"source" text,
	"first_seen" timestamp with time zone,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, ''))) STORED,
	CONSTRAINT "posts_external_id_unique" UNIQUE("external_id")
);
--> statement-breakpoint
CREATE TABLE "service_urls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"service" text NOT NULL,
	"url" text NOT NULL,
	CONSTRAINT "service_urls_url_unique" UNIQUE("url")
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" text PRIMARY KEY NOT NULL,
	"pretty_name" text NOT NULL,
	"kind" text NOT NULL,
	"more" jsonb
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"config" jsonb,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "worker_status" (
	"host" text NOT NULL,
	"worker" text NOT NULL,
	"replica" integer NOT NULL,
	"state" text NOT NULL,
	"restarts" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "worker_status_host_worker_replica_pk" PRIMARY KEY("host","worker","replica")
);
--> statement-breakpoint
ALTER TABLE "account_relationships" ADD CONSTRAINT "account_relationships_from_account_accounts_id_fk" FOREIGN KEY ("from_account") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_relationships" ADD CONSTRAINT "account_relationships_to_account_accounts_id_fk" FOREIGN KEY ("to_account") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_service_services_id_fk" FOREIGN KEY ("service") REFERENCES "services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_persona_personas_id_fk" FOREIGN KEY ("persona") REFERENCES "personas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_account_a_accounts_id_fk" FOREIGN KEY ("account_a") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evidence" ADD CONSTRAINT "evidence_account_b_accounts_id_fk" FOREIGN KEY ("account_b") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "links" ADD CONSTRAINT "links_post_posts_id_fk" FOREIGN KEY ("post") REFERENCES "posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_membership" ADD CONSTRAINT "list_membership_list_lists_id_fk" FOREIGN KEY ("list") REFERENCES "lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_membership" ADD CONSTRAINT "list_membership_account_accounts_id_fk" FOREIGN KEY ("account") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lists" ADD CONSTRAINT "lists_service_services_id_fk" FOREIGN KEY ("service") REFERENCES "services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lists" ADD CONSTRAINT "lists_owner_accounts_id_fk" FOREIGN KEY ("owner") REFERENCES "accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "names" ADD CONSTRAINT "names_account_accounts_id_fk" FOREIGN KEY ("account") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_human_humans_id_fk" FOREIGN KEY ("human") REFERENCES "humans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_persona_personas_id_fk" FOREIGN KEY ("persona") REFERENCES "personas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_control" ADD CONSTRAINT "persona_control_human_humans_id_fk" FOREIGN KEY ("human") REFERENCES "humans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persona_control" ADD CONSTRAINT "persona_control_persona_personas_id_fk" FOREIGN KEY ("persona") REFERENCES "personas"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_distribution" ADD CONSTRAINT "post_distribution_post_posts_id_fk" FOREIGN KEY ("post") REFERENCES "posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_distribution" ADD CONSTRAINT "post_distribution_recipient_accounts_id_fk" FOREIGN KEY ("recipient") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_distribution" ADD CONSTRAINT "post_distribution_list_lists_id_fk" FOREIGN KEY ("list") REFERENCES "lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_interactions" ADD CONSTRAINT "post_interactions_account_accounts_id_fk" FOREIGN KEY ("account") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_interactions" ADD CONSTRAINT "post_interactions_post_posts_id_fk" FOREIGN KEY ("post") REFERENCES "posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_relationships" ADD CONSTRAINT "post_relationships_from_post_posts_id_fk" FOREIGN KEY ("from_post") REFERENCES "posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_relationships" ADD CONSTRAINT "post_relationships_to_post_posts_id_fk" FOREIGN KEY ("to_post") REFERENCES "posts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_service_services_id_fk" FOREIGN KEY ("service") REFERENCES "services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_poster_accounts_id_fk" FOREIGN KEY ("poster") REFERENCES "accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_urls" ADD CONSTRAINT "service_urls_service_services_id_fk" FOREIGN KEY ("service") REFERENCES "services"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_relationships_edge" ON "account_relationships" USING btree ("from_account","to_account","kind");--> statement-breakpoint
CREATE INDEX "account_relationships_to" ON "account_relationships" USING btree ("to_account");--> statement-breakpoint
CREATE INDEX "accounts_persona" ON "accounts" USING btree ("persona");--> statement-breakpoint
CREATE INDEX "accounts_service" ON "accounts" USING btree ("service");--> statement-breakpoint
CREATE UNIQUE INDEX "evidence_key" ON "evidence" USING btree ("account_a","account_b","kind","proof");--> statement-breakpoint
CREATE INDEX "evidence_b" ON "evidence" USING btree ("account_b");--> statement-breakpoint
CREATE INDEX "humans_is_self" ON "humans" USING btree ("is_self");--> statement-breakpoint
CREATE INDEX "jobs_claim" ON "jobs" USING btree ("queue","state","available_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_dedup" ON "jobs" USING btree ("queue","dedup_key");--> statement-breakpoint
CREATE UNIQUE INDEX "links_post_url" ON "links" USING btree ("post","url");--> statement-breakpoint
CREATE INDEX "links_url" ON "links" USING btree ("url");--> statement-breakpoint
CREATE INDEX "list_membership_account" ON "list_membership" USING btree ("account");--> statement-breakpoint
CREATE INDEX "merge_log_winner" ON "merge_log" USING btree ("winner");--> statement-breakpoint
CREATE UNIQUE INDEX "names_account_name_kind" ON "names" USING btree ("account","name","kind");--> statement-breakpoint
CREATE INDEX "names_fold" ON "names" USING btree ("fold" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "names_last_seen" ON "names" USING btree ("last_seen");--> statement-breakpoint
CREATE INDEX "names_search" ON "names" USING gin ("search");--> statement-breakpoint
CREATE INDEX "names_fold_trgm" ON "names" USING gin ("fold" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "notes_human" ON "notes" USING btree ("human");--> statement-breakpoint
CREATE INDEX "notes_persona" ON "notes" USING btree ("persona");--> statement-breakpoint
CREATE INDEX "persona_control_persona" ON "persona_control" USING btree ("persona");--> statement-breakpoint
CREATE UNIQUE INDEX "post_distribution_key" ON "post_distribution" USING btree ("post","rel","target");--> statement-breakpoint
CREATE INDEX "post_distribution_recipient" ON "post_distribution" USING btree ("recipient");--> statement-breakpoint
CREATE UNIQUE INDEX "post_interactions_key" ON "post_interactions" USING btree ("account","post","kind");--> statement-breakpoint
CREATE INDEX "post_interactions_post" ON "post_interactions" USING btree ("post");--> statement-breakpoint
CREATE UNIQUE INDEX "post_relationships_edge" ON "post_relationships" USING btree ("from_post","to_post","rel");--> statement-breakpoint
CREATE INDEX "post_relationships_to" ON "post_relationships" USING btree ("to_post");--> statement-breakpoint
CREATE INDEX "posts_poster_posted_at" ON "posts" USING btree ("poster","posted_at");--> statement-breakpoint
CREATE INDEX "posts_posted_at" ON "posts" USING btree ("posted_at");--> statement-breakpoint
CREATE INDEX "posts_search" ON "posts" USING gin ("search");