CREATE TABLE "avis_caleol" (
	"id" text PRIMARY KEY NOT NULL,
	"seance_id" text NOT NULL,
	"occupation_id" text,
	"logement_id" text NOT NULL,
	"echeance" date NOT NULL,
	"cas" jsonb NOT NULL,
	"avis" text NOT NULL,
	"caracteristiques" text,
	"suivi" text,
	"logement_propose_id" text,
	"location_mutation_id" text,
	"location_liberee_id" text,
	"version" integer DEFAULT 1 NOT NULL,
	"maj_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "occupations" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"logement_id" text NOT NULL,
	"date_bail" date NOT NULL,
	"personnes" integer NOT NULL,
	"ressources" integer,
	"plafond" integer,
	"handicap" boolean,
	"logement_adapte" boolean,
	"pieces" integer,
	"surface" numeric(8, 2),
	"import_id" text,
	"version" integer DEFAULT 1 NOT NULL,
	"maj_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "occupations_personnes" CHECK (personnes >= 1)
);
--> statement-breakpoint
CREATE TABLE "seances_caleol" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"date_seance" date NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "avis_caleol" ADD CONSTRAINT "avis_caleol_seance_id_seances_caleol_id_fk" FOREIGN KEY ("seance_id") REFERENCES "public"."seances_caleol"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "avis_caleol" ADD CONSTRAINT "avis_caleol_occupation_id_occupations_id_fk" FOREIGN KEY ("occupation_id") REFERENCES "public"."occupations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "avis_caleol" ADD CONSTRAINT "avis_caleol_logement_id_logements_id_fk" FOREIGN KEY ("logement_id") REFERENCES "public"."logements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "avis_caleol" ADD CONSTRAINT "avis_caleol_logement_propose_id_logements_id_fk" FOREIGN KEY ("logement_propose_id") REFERENCES "public"."logements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "avis_caleol" ADD CONSTRAINT "avis_caleol_location_mutation_id_locations_id_fk" FOREIGN KEY ("location_mutation_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "avis_caleol" ADD CONSTRAINT "avis_caleol_location_liberee_id_locations_id_fk" FOREIGN KEY ("location_liberee_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "occupations" ADD CONSTRAINT "occupations_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "occupations" ADD CONSTRAINT "occupations_logement_id_logements_id_fk" FOREIGN KEY ("logement_id") REFERENCES "public"."logements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seances_caleol" ADD CONSTRAINT "seances_caleol_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "avis_caleol_unique" ON "avis_caleol" USING btree ("seance_id","logement_id");--> statement-breakpoint
CREATE INDEX "avis_caleol_occupation" ON "avis_caleol" USING btree ("occupation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "occupations_logement" ON "occupations" USING btree ("logement_id");--> statement-breakpoint
CREATE INDEX "occupations_bailleur" ON "occupations" USING btree ("bailleur_id");--> statement-breakpoint
CREATE INDEX "seances_caleol_bailleur" ON "seances_caleol" USING btree ("bailleur_id","date_seance");