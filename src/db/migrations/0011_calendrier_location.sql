ALTER TABLE "locations" ADD COLUMN "date_depart" date;--> statement-breakpoint
ALTER TABLE "sessions_cal" ADD COLUMN "annulee_le" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions_cal" ADD COLUMN "motif_annulation" text;--> statement-breakpoint
CREATE INDEX "evenements_flux_location" ON "evenements_flux" USING btree ("location_id");