CREATE TABLE "signatures_projets_conventions" (
	"projet_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"utilisateur_id" text NOT NULL,
	"empreinte" text NOT NULL,
	"signe_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signatures_projets_conventions_projet_id_organisation_id_empreinte_pk" PRIMARY KEY("projet_id","organisation_id","empreinte")
);
--> statement-breakpoint
ALTER TABLE "convention_versions" ADD COLUMN "clauses" jsonb;--> statement-breakpoint
ALTER TABLE "projets_conventions" ADD COLUMN "clauses" jsonb;--> statement-breakpoint
ALTER TABLE "signatures_projets_conventions" ADD CONSTRAINT "signatures_projets_conventions_projet_id_projets_conventions_id_fk" FOREIGN KEY ("projet_id") REFERENCES "public"."projets_conventions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures_projets_conventions" ADD CONSTRAINT "signatures_projets_conventions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures_projets_conventions" ADD CONSTRAINT "signatures_projets_conventions_utilisateur_id_utilisateurs_id_fk" FOREIGN KEY ("utilisateur_id") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;