CREATE TABLE "droits_programmes" (
	"programme_id" text NOT NULL,
	"version" integer NOT NULL,
	"decision_financement" text NOT NULL,
	"date_financement" date NOT NULL,
	"droits" jsonb NOT NULL,
	"saisi_par" text NOT NULL,
	"saisi_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "droits_programmes_programme_id_version_pk" PRIMARY KEY("programme_id","version")
);
--> statement-breakpoint
ALTER TABLE "droits_programmes" ADD CONSTRAINT "droits_programmes_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "droits_programmes" ADD CONSTRAINT "droits_programmes_saisi_par_utilisateurs_id_fk" FOREIGN KEY ("saisi_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;