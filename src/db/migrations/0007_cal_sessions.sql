CREATE TABLE "examens_cal" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"location_id" text NOT NULL,
	"ordre" integer NOT NULL,
	"candidats" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"motif_moins_de_trois" text,
	"decision_cal_id" text,
	"classement" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"suite" text
);
--> statement-breakpoint
CREATE TABLE "offres_cal" (
	"id" text PRIMARY KEY NOT NULL,
	"examen_id" text NOT NULL,
	"candidature_id" text NOT NULL,
	"rang" integer NOT NULL,
	"date_offre" date NOT NULL,
	"echeance" date NOT NULL,
	"reponse" text,
	"date_reponse" date
);
--> statement-breakpoint
CREATE TABLE "sessions_cal" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"departement" text NOT NULL,
	"date_session" date NOT NULL,
	"lieu" text,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "examens_cal" ADD CONSTRAINT "examens_cal_session_id_sessions_cal_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions_cal"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "examens_cal" ADD CONSTRAINT "examens_cal_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "examens_cal" ADD CONSTRAINT "examens_cal_decision_cal_id_decisions_cal_id_fk" FOREIGN KEY ("decision_cal_id") REFERENCES "public"."decisions_cal"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offres_cal" ADD CONSTRAINT "offres_cal_examen_id_examens_cal_id_fk" FOREIGN KEY ("examen_id") REFERENCES "public"."examens_cal"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offres_cal" ADD CONSTRAINT "offres_cal_candidature_id_candidatures_id_fk" FOREIGN KEY ("candidature_id") REFERENCES "public"."candidatures"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions_cal" ADD CONSTRAINT "sessions_cal_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "examens_cal_unique" ON "examens_cal" USING btree ("session_id","location_id");--> statement-breakpoint
CREATE INDEX "examens_cal_location" ON "examens_cal" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "offres_cal_en_attente" ON "offres_cal" USING btree ("echeance") WHERE reponse is null;--> statement-breakpoint
CREATE INDEX "offres_cal_examen" ON "offres_cal" USING btree ("examen_id");--> statement-breakpoint
CREATE INDEX "sessions_cal_bailleur" ON "sessions_cal" USING btree ("bailleur_id","date_session");