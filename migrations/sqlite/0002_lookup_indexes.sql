DROP INDEX `names_fold`;--> statement-breakpoint
DROP INDEX `names_last_seen`;--> statement-breakpoint
CREATE INDEX `names_fold_last_seen` ON `names` (`fold`,`last_seen`);--> statement-breakpoint
CREATE INDEX `names_last_seen_fold` ON `names` (`last_seen`,`fold`);