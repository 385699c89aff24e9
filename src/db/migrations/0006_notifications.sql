CREATE TABLE "delais_proposition" (
	"location_id" text PRIMARY KEY NOT NULL,
	"decision" text NOT NULL,
	"orientee_le" date NOT NULL,
	"echeance" date,
	"decide_par" text,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"type" text NOT NULL,
	"location_id" text,
	"titre" text NOT NULL,
	"message" text NOT NULL,
	"cle" text NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL,
	"lue_le" timestamp with time zone,
	"envoyee_le" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "delais_proposition" ADD CONSTRAINT "delais_proposition_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delais_proposition_echeance" ON "delais_proposition" USING btree ("echeance");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_cle" ON "notifications" USING btree ("cle");--> statement-breakpoint
CREATE INDEX "notifications_organisation" ON "notifications" USING btree ("organisation_id","cree_le");