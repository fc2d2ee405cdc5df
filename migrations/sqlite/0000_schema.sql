CREATE TABLE `account_relationships` (
	`id` integer PRIMARY KEY NOT NULL,
	`from_account` integer NOT NULL,
	`to_account` integer NOT NULL,
	`kind` text NOT NULL,
	`first_seen` integer,
	`last_seen` integer,
	FOREIGN KEY (`from_account`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`to_account`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "account_relationships_kind" CHECK("account_relationships"."kind" in ('follows', 'blocks', 'mutes', 'ignores'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_relationships_edge` ON `account_relationships` (`from_account`,`to_account`,`kind`);--> statement-breakpoint
CREATE INDEX `account_relationships_to` ON `account_relationships` (`to_account`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`service` text NOT NULL,
	`persona` text NOT NULL,
	`profile` text,
	`source` text,
	`first_seen` integer,
	`last_seen` integer,
	FOREIGN KEY (`service`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`persona`) REFERENCES `personas`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_external_id_unique` ON `accounts` (`external_id`);--> statement-breakpoint
CREATE INDEX `accounts_persona` ON `accounts` (`persona`);--> statement-breakpoint
CREATE INDEX `accounts_service` ON `accounts` (`service`);--> statement-breakpoint
CREATE TABLE `anti_links` (
	`persona_a` text NOT NULL,
	`persona_b` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`persona_a`, `persona_b`)
);
--> statement-breakpoint
CREATE TABLE `evidence` (
	`id` integer PRIMARY KEY NOT NULL,
	`account_a` integer NOT NULL,
	`account_b` integer NOT NULL,
	`kind` text NOT NULL,
	`proof` text NOT NULL,
	`confidence` real NOT NULL,
	`source` text,
	`first_seen` integer,
	FOREIGN KEY (`account_a`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_b`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evidence_key` ON `evidence` (`account_a`,`account_b`,`kind`,`proof`);--> statement-breakpoint
CREATE INDEX `evidence_b` ON `evidence` (`account_b`);--> statement-breakpoint
CREATE TABLE `humans` (
	`id` text PRIMARY KEY NOT NULL,
	`is_self` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`more` text
);
--> statement-breakpoint
CREATE INDEX `humans_is_self` ON `humans` (`is_self`);--> statement-breakpoint
CREATE TABLE `ingest_cursors` (
	`source` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`source`, `key`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`payload` text NOT NULL,
	`dedup_key` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`available_at` integer NOT NULL,
	`lease_until` integer,
	`lease_token` text,
	`owner` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "jobs_state" CHECK("jobs"."state" in ('ready', 'leased', 'dead'))
);
--> statement-breakpoint
CREATE INDEX `jobs_claim` ON `jobs` (`queue`,`state`,`available_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_dedup` ON `jobs` (`queue`,`dedup_key`);--> statement-breakpoint
CREATE TABLE `links` (
	`id` integer PRIMARY KEY NOT NULL,
	`post` integer NOT NULL,
	`url` text NOT NULL,
	FOREIGN KEY (`post`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `links_post_url` ON `links` (`post`,`url`);--> statement-breakpoint
CREATE INDEX `links_url` ON `links` (`url`);--> statement-breakpoint
CREATE TABLE `list_membership` (
	`list` integer NOT NULL,
	`account` integer NOT NULL,
	`first_seen` integer,
	PRIMARY KEY(`list`, `account`),
	FOREIGN KEY (`list`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `list_membership_account` ON `list_membership` (`account`);--> statement-breakpoint
CREATE TABLE `lists` (
	`id` integer PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`service` text NOT NULL,
	`owner` integer,
	`name` text,
	`more` text,
	FOREIGN KEY (`service`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lists_external_id_unique` ON `lists` (`external_id`);--> statement-breakpoint
CREATE TABLE `merge_log` (
	`id` text PRIMARY KEY NOT NULL,
	`op` text NOT NULL,
	`winner` text NOT NULL,
	`loser` text NOT NULL,
	`reason` text,
	`detail` text NOT NULL,
	`at` integer NOT NULL,
	`undone_at` integer,
	CONSTRAINT "merge_log_op" CHECK("merge_log"."op" in ('merge', 'identity'))
);
--> statement-breakpoint
CREATE INDEX `merge_log_winner` ON `merge_log` (`winner`);--> statement-breakpoint
CREATE TABLE `names` (
	`id` integer PRIMARY KEY NOT NULL,
	`account` integer NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`fold` text NOT NULL,
	`first_seen` integer,
	`last_seen` integer,
	FOREIGN KEY (`account`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "names_kind" CHECK("names"."kind" in ('handle', 'display', 'email', 'alias', 'phone', 'nick'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `names_account_name_kind` ON `names` (`account`,`name`,`kind`);--> statement-breakpoint
CREATE INDEX `names_fold` ON `names` (`fold`);--> statement-breakpoint
CREATE INDEX `names_last_seen` ON `names` (`last_seen`);--> statement-breakpoint
CREATE TABLE `notes` (
	`id` integer PRIMARY KEY NOT NULL,
	`human` text,
	`persona` text,
	`text` text NOT NULL,
	`source_key` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`human`) REFERENCES `humans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`persona`) REFERENCES `personas`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "notes_target" CHECK("notes"."human" is not null or "notes"."persona" is not null)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notes_source_key_unique` ON `notes` (`source_key`);--> statement-breakpoint
CREATE INDEX `notes_human` ON `notes` (`human`);--> statement-breakpoint
CREATE INDEX `notes_persona` ON `notes` (`persona`);--> statement-breakpoint
CREATE TABLE `persona_control` (
	`human` text NOT NULL,
	`persona` text NOT NULL,
	`rel` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`human`, `persona`),
	FOREIGN KEY (`human`) REFERENCES `humans`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`persona`) REFERENCES `personas`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "persona_control_rel" CHECK("persona_control"."rel" in ('owns', 'participates', 'suspected'))
);
--> statement-breakpoint
CREATE INDEX `persona_control_persona` ON `persona_control` (`persona`);--> statement-breakpoint
CREATE TABLE `personas` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`more` text
);
--> statement-breakpoint
CREATE TABLE `post_distribution` (
	`id` integer PRIMARY KEY NOT NULL,
	`post` integer NOT NULL,
	`rel` text NOT NULL,
	`target` text NOT NULL,
	`recipient` integer,
	`list` integer,
	FOREIGN KEY (`post`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`list`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "post_distribution_rel" CHECK("post_distribution"."rel" in ('broadcast', 'to', 'cc', 'bcc', 'list', 'channel'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `post_distribution_key` ON `post_distribution` (`post`,`rel`,`target`);--> statement-breakpoint
CREATE INDEX `post_distribution_recipient` ON `post_distribution` (`recipient`);--> statement-breakpoint
CREATE TABLE `post_interactions` (
	`id` integer PRIMARY KEY NOT NULL,
	`account` integer NOT NULL,
	`post` integer NOT NULL,
	`kind` text NOT NULL,
	`at` integer,
	FOREIGN KEY (`account`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`post`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "post_interactions_kind" CHECK("post_interactions"."kind" in ('like', 'dislike', 'share', 'bookmark', 'hide'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `post_interactions_key` ON `post_interactions` (`account`,`post`,`kind`);--> statement-breakpoint
CREATE INDEX `post_interactions_post` ON `post_interactions` (`post`);--> statement-breakpoint
CREATE TABLE `post_relationships` (
	`id` integer PRIMARY KEY NOT NULL,
	`from_post` integer NOT NULL,
	`to_post` integer NOT NULL,
	`rel` text NOT NULL,
	FOREIGN KEY (`from_post`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`to_post`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "post_relationships_rel" CHECK("post_relationships"."rel" in ('reply-to', 'quotes', 'shares', 'thread'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `post_relationships_edge` ON `post_relationships` (`from_post`,`to_post`,`rel`);--> statement-breakpoint
CREATE INDEX `post_relationships_to` ON `post_relationships` (`to_post`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` integer PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`service` text NOT NULL,
	`poster` integer,
	`posted_at` integer,
	`text` text,
	`url` text,
	`tombstone` integer DEFAULT false NOT NULL,
	`raw` text,
	`source` text,
	`first_seen` integer,
	FOREIGN KEY (`service`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`poster`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `posts_external_id_unique` ON `posts` (`external_id`);--> statement-breakpoint
CREATE INDEX `posts_poster_posted_at` ON `posts` (`poster`,`posted_at`);--> statement-breakpoint
CREATE INDEX `posts_posted_at` ON `posts` (`posted_at`);--> statement-breakpoint
CREATE TABLE `service_urls` (
	`id` integer PRIMARY KEY NOT NULL,
	`service` text NOT NULL,
	`url` text NOT NULL,
	FOREIGN KEY (`service`) REFERENCES `services`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_urls_url_unique` ON `service_urls` (`url`);--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`pretty_name` text NOT NULL,
	`kind` text NOT NULL,
	`more` text
);
--> statement-breakpoint
CREATE TABLE `sources` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`config` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `worker_status` (
	`host` text NOT NULL,
	`worker` text NOT NULL,
	`replica` integer NOT NULL,
	`state` text NOT NULL,
	`restarts` integer DEFAULT 0 NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`host`, `worker`, `replica`)
);
