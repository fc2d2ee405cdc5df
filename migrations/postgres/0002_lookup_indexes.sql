DROP INDEX "names_fold";--> statement-breakpoint
DROP INDEX "names_last_seen";--> statement-breakpoint
CREATE INDEX "names_fold_last_seen" ON "names" USING btree ("fold" text_pattern_ops,"last_seen");--> statement-breakpoint
CREATE INDEX "names_last_seen_fold" ON "names" USING btree ("last_seen","fold");