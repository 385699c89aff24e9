CREATE TABLE "avis_cil" (
	"projet_id" text NOT NULL,
	"epci" text NOT NULL,
	"seance_le" date NOT NULL,
	"avis" text NOT NULL,
	"motifs" text,
	"enregistre_par" text,
	"enregistre_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "avis_cil_projet_id_epci_pk" PRIMARY KEY("projet_id","epci")
);
--> statement-breakpoint
CREATE TABLE "delegations_contingent" (
	"id" text PRIMARY KEY NOT NULL,
	"departement" text NOT NULL,
	"etat_id" text NOT NULL,
	"delegataire_id" text NOT NULL,
	"communes" jsonb NOT NULL,
	"debut" date NOT NULL,
	"fin" date NOT NULL,
	"acte" text NOT NULL,
	"enregistre_par" text,
	"enregistre_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projets_conventions" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"reservataire_id" text NOT NULL,
	"departement" text NOT NULL,
	"epcis" jsonb NOT NULL,
	"convention_id" text,
	"entree" jsonb NOT NULL,
	"etat" text DEFAULT 'projet' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"version_id" text,
	"signe_le" date,
	"cree_par" text,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "avis_cil" ADD CONSTRAINT "avis_cil_projet_id_projets_conventions_id_fk" FOREIGN KEY ("projet_id") REFERENCES "public"."projets_conventions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "avis_cil" ADD CONSTRAINT "avis_cil_enregistre_par_utilisateurs_id_fk" FOREIGN KEY ("enregistre_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations_contingent" ADD CONSTRAINT "delegations_contingent_etat_id_organisations_id_fk" FOREIGN KEY ("etat_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations_contingent" ADD CONSTRAINT "delegations_contingent_delegataire_id_organisations_id_fk" FOREIGN KEY ("delegataire_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations_contingent" ADD CONSTRAINT "delegations_contingent_enregistre_par_utilisateurs_id_fk" FOREIGN KEY ("enregistre_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projets_conventions" ADD CONSTRAINT "projets_conventions_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projets_conventions" ADD CONSTRAINT "projets_conventions_reservataire_id_organisations_id_fk" FOREIGN KEY ("reservataire_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projets_conventions" ADD CONSTRAINT "projets_conventions_convention_id_conventions_id_fk" FOREIGN KEY ("convention_id") REFERENCES "public"."conventions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projets_conventions" ADD CONSTRAINT "projets_conventions_version_id_convention_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."convention_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projets_conventions" ADD CONSTRAINT "projets_conventions_cree_par_utilisateurs_id_fk" FOREIGN KEY ("cree_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delegations_contingent_delegataire" ON "delegations_contingent" USING btree ("delegataire_id","fin");--> statement-breakpoint
CREATE INDEX "projets_conventions_departement" ON "projets_conventions" USING btree ("departement","etat");