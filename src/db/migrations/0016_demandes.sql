CREATE TABLE "demandes" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"numero_sne" text NOT NULL,
	"date_demande" date NOT NULL,
	"date_renouvellement" date,
	"personnes" integer NOT NULL,
	"enfants_moins_14" integer DEFAULT 0 NOT NULL,
	"ressources_annuelles" integer,
	"dalo" boolean DEFAULT false NOT NULL,
	"pdalhpd" boolean DEFAULT false NOT NULL,
	"autre_l4411" boolean DEFAULT false NOT NULL,
	"communes" jsonb NOT NULL,
	"typologies" jsonb NOT NULL,
	"import_id" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL,
	"maj_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "demandes_composition" CHECK (personnes >= 1 and enfants_moins_14 >= 0 and enfants_moins_14 < personnes)
);
--> statement-breakpoint
ALTER TABLE "demandes" ADD CONSTRAINT "demandes_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "demandes_organisation_numero" ON "demandes" USING btree ("organisation_id","numero_sne");