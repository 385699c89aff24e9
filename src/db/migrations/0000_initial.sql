CREATE TABLE "adhesions" (
	"utilisateur_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "adhesions_utilisateur_id_organisation_id_pk" PRIMARY KEY("utilisateur_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "baux" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"date_signature" date NOT NULL,
	"menage" jsonb NOT NULL,
	CONSTRAINT "baux_location_id_unique" UNIQUE("location_id")
);
--> statement-breakpoint
CREATE TABLE "candidatures" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"reservataire_id" text,
	"numero_sne" text NOT NULL,
	"rang" integer NOT NULL,
	"taille_menage" integer,
	"quartile1" boolean DEFAULT false NOT NULL,
	"prioritaire" boolean DEFAULT false NOT NULL,
	"dalo" boolean DEFAULT false NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "communes" (
	"code" text PRIMARY KEY NOT NULL,
	"nom" text NOT NULL,
	"departement" text NOT NULL,
	"epci" text
);
--> statement-breakpoint
CREATE TABLE "convention_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"convention_id" text NOT NULL,
	"version" integer NOT NULL,
	"effectif_le" date NOT NULL,
	"taux" numeric(9, 6) NOT NULL,
	"taux_agents" numeric(9, 6),
	"parametres" jsonb NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conventions" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"reservataire_id" text NOT NULL,
	"departement" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "decisions_cal" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"candidature_id" text,
	"decision" text NOT NULL,
	"motif" text,
	"date_decision" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "epcis" (
	"siren" text PRIMARY KEY NOT NULL,
	"nom" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evenements_audit" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"horodatage" text NOT NULL,
	"utilisateur_id" text,
	"organisation_id" text,
	"action" text NOT NULL,
	"cible_type" text NOT NULL,
	"cible_id" text NOT NULL,
	"avant" jsonb,
	"apres" jsonb,
	"motif" text,
	"hash_precedent" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "evenements_flux" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"departement" text NOT NULL,
	"annee" integer NOT NULL,
	"location_id" text,
	"evenement" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "locations" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"logement_id" text NOT NULL,
	"departement" text NOT NULL,
	"annee" integer NOT NULL,
	"date_liberation" date NOT NULL,
	"premiere_mise_en_location" boolean DEFAULT false NOT NULL,
	"exclusion" text,
	"etat" text NOT NULL,
	"reservataire_id" text,
	"ligne" text,
	"pool" jsonb,
	"forcee" boolean DEFAULT false NOT NULL,
	"motif" text,
	"maj_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "logements" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"programme_id" text,
	"rpls" text NOT NULL,
	"departement" text NOT NULL,
	"commune" text NOT NULL,
	"epci" text,
	"qpv" text,
	"typologie" text NOT NULL,
	"financement" text NOT NULL,
	"construction" integer NOT NULL,
	"individuel" boolean DEFAULT false NOT NULL,
	"hors_flux" text
);
--> statement-breakpoint
CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"nom" text NOT NULL,
	"categorie" text NOT NULL,
	"siren" text,
	"type_reservataire" text,
	"departement" text,
	"commune" text,
	"epci" text,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programmes" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"nom" text NOT NULL,
	"commune" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"utilisateur_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"csrf" text NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL,
	"expire_le" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "utilisateurs" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"nom" text NOT NULL,
	"mot_de_passe" text,
	"actif" boolean DEFAULT true NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "utilisateurs_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "adhesions" ADD CONSTRAINT "adhesions_utilisateur_id_utilisateurs_id_fk" FOREIGN KEY ("utilisateur_id") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adhesions" ADD CONSTRAINT "adhesions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "baux" ADD CONSTRAINT "baux_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidatures" ADD CONSTRAINT "candidatures_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidatures" ADD CONSTRAINT "candidatures_reservataire_id_organisations_id_fk" FOREIGN KEY ("reservataire_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "communes" ADD CONSTRAINT "communes_epci_epcis_siren_fk" FOREIGN KEY ("epci") REFERENCES "public"."epcis"("siren") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "convention_versions" ADD CONSTRAINT "convention_versions_convention_id_conventions_id_fk" FOREIGN KEY ("convention_id") REFERENCES "public"."conventions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conventions" ADD CONSTRAINT "conventions_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conventions" ADD CONSTRAINT "conventions_reservataire_id_organisations_id_fk" FOREIGN KEY ("reservataire_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions_cal" ADD CONSTRAINT "decisions_cal_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "decisions_cal" ADD CONSTRAINT "decisions_cal_candidature_id_candidatures_id_fk" FOREIGN KEY ("candidature_id") REFERENCES "public"."candidatures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evenements_flux" ADD CONSTRAINT "evenements_flux_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evenements_flux" ADD CONSTRAINT "evenements_flux_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_logement_id_logements_id_fk" FOREIGN KEY ("logement_id") REFERENCES "public"."logements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "locations" ADD CONSTRAINT "locations_reservataire_id_organisations_id_fk" FOREIGN KEY ("reservataire_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logements" ADD CONSTRAINT "logements_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logements" ADD CONSTRAINT "logements_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "programmes" ADD CONSTRAINT "programmes_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_utilisateur_id_utilisateurs_id_fk" FOREIGN KEY ("utilisateur_id") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "candidatures_location" ON "candidatures" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "communes_departement" ON "communes" USING btree ("departement");--> statement-breakpoint
CREATE INDEX "communes_epci" ON "communes" USING btree ("epci");--> statement-breakpoint
CREATE UNIQUE INDEX "convention_versions_unique" ON "convention_versions" USING btree ("convention_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "conventions_unique" ON "conventions" USING btree ("bailleur_id","reservataire_id","departement");--> statement-breakpoint
CREATE INDEX "evenements_flux_annee" ON "evenements_flux" USING btree ("bailleur_id","departement","annee","id");--> statement-breakpoint
CREATE INDEX "locations_bailleur_annee" ON "locations" USING btree ("bailleur_id","departement","annee");--> statement-breakpoint
CREATE INDEX "locations_reservataire" ON "locations" USING btree ("reservataire_id");--> statement-breakpoint
CREATE UNIQUE INDEX "locations_en_cours" ON "locations" USING btree ("logement_id") WHERE etat not in ('exclue', 'bail_signe', 'refus', 'sans_candidat');--> statement-breakpoint
CREATE UNIQUE INDEX "logements_bailleur_rpls" ON "logements" USING btree ("bailleur_id","rpls");--> statement-breakpoint
CREATE INDEX "logements_bailleur_departement" ON "logements" USING btree ("bailleur_id","departement");--> statement-breakpoint
CREATE INDEX "logements_commune" ON "logements" USING btree ("commune");--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_siren_categorie" ON "organisations" USING btree ("siren","categorie");