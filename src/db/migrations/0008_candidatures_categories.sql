ALTER TABLE "candidatures" ADD COLUMN "pdalhpd" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "autre_l4411" boolean DEFAULT false NOT NULL;