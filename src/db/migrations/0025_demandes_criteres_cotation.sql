ALTER TABLE "demandes" ADD COLUMN "situations" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "demandes" ADD COLUMN "lien_local" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "demandes" ADD COLUMN "refus_adaptes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "demandes" ADD COLUMN "mutation_interne" boolean DEFAULT false NOT NULL;