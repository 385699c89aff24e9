CREATE TABLE "previsions_flux" (
	"bailleur_id" text NOT NULL,
	"departement" text NOT NULL,
	"annee" integer NOT NULL,
	"parametres" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"maj_le" timestamp with time zone DEFAULT now() NOT NULL,
	"maj_par" text,
	CONSTRAINT "previsions_flux_bailleur_id_departement_annee_pk" PRIMARY KEY("bailleur_id","departement","annee")
);
--> statement-breakpoint
ALTER TABLE "previsions_flux" ADD CONSTRAINT "previsions_flux_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "previsions_flux" ADD CONSTRAINT "previsions_flux_maj_par_utilisateurs_id_fk" FOREIGN KEY ("maj_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;