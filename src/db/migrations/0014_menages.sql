CREATE TABLE "seuils_premier_quartile" (
	"epci" text NOT NULL,
	"annee" integer NOT NULL,
	"montant" integer NOT NULL,
	"source" text NOT NULL,
	"importe_par" text NOT NULL,
	"importe_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "seuils_premier_quartile_annee_epci_pk" PRIMARY KEY("annee","epci")
);
--> statement-breakpoint
ALTER TABLE "candidatures" ALTER COLUMN "quartile1" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "candidatures" ALTER COLUMN "quartile1" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "enfants_moins_14" integer;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "ressources_annuelles" integer;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "origine_quartile1" text;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "quartile1_declare" boolean;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "motif_quartile1" text;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "seuil_quartile1" integer;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "source_seuil_quartile1" text;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "relogement" text;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "agent_etat" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "candidatures" ADD COLUMN "anonymise_le" timestamp with time zone;--> statement-breakpoint
-- Before this migration the first quartile was a box ticked by hand: kept as a declaration (ADR 0034).
UPDATE "candidatures" SET "quartile1_declare" = "quartile1", "origine_quartile1" = 'declare', "motif_quartile1" = 'case cochée à la saisie, avant le calcul sur les ressources';
