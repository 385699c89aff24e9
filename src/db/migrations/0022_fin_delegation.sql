ALTER TABLE "delegations_contingent" ADD COLUMN "fin_initiale" date;--> statement-breakpoint
ALTER TABLE "delegations_contingent" ADD COLUMN "motif_fin" text;--> statement-breakpoint
ALTER TABLE "delegations_contingent" ADD COLUMN "terminee_par" text;--> statement-breakpoint
ALTER TABLE "delegations_contingent" ADD COLUMN "terminee_le" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "delegations_contingent" ADD CONSTRAINT "delegations_contingent_terminee_par_utilisateurs_id_fk" FOREIGN KEY ("terminee_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;