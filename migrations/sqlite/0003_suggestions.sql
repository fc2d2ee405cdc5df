CREATE TABLE `suggestion_sightings` (
	`address` text NOT NULL,
	`message` text NOT NULL,
	PRIMARY KEY(`address`, `message`),
	FOREIGN KEY (`address`) REFERENCES `suggestions`(`address`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `suggestions` (
	`address` text PRIMARY KEY NOT NULL,
	`names` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`first_seen` integer,
	`last_seen` integer,
	`source` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "suggestions_state" CHECK("suggestions"."state" in ('pending', 'accepted', 'dismissed'))
);
--> statement-breakpoint
CREATE INDEX `suggestions_state_count` ON `suggestions` (`state`,`count`);