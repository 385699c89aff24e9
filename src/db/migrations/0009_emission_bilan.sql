CREATE TABLE "corrections_annee" (
	"id" text PRIMARY KEY NOT NULL,
	"fenetre_id" text NOT NULL,
	"location_id" text,
	"action" text NOT NULL,
	"motif" text NOT NULL,
	"utilisateur_id" text,
	"organisation_id" text,
	"corrige_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "emissions_bilan" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"departement" text NOT NULL,
	"annee" integer NOT NULL,
	"version" integer NOT NULL,
	"contenu" jsonb NOT NULL,
	"empreinte" text NOT NULL,
	"difference" jsonb,
	"corrections" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"emis_le" timestamp with time zone DEFAULT now() NOT NULL,
	"emis_par" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "envois_bilan" (
	"emission_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"envoye_le" timestamp with time zone DEFAULT now() NOT NULL,
	"envoye_par" text NOT NULL,
	CONSTRAINT "envois_bilan_emission_id_organisation_id_pk" PRIMARY KEY("emission_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "fenetres_correction" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"departement" text NOT NULL,
	"annee" integer NOT NULL,
	"motif" text NOT NULL,
	"fin" date NOT NULL,
	"ouverte_le" timestamp with time zone DEFAULT now() NOT NULL,
	"ouverte_par" text NOT NULL,
	"cloturee_le" timestamp with time zone,
	"cloturee_par" text
);
--> statement-breakpoint
CREATE TABLE "telechargements_bilan" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"emission_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"utilisateur_id" text NOT NULL,
	"telecharge_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "corrections_annee" ADD CONSTRAINT "corrections_annee_fenetre_id_fenetres_correction_id_fk" FOREIGN KEY ("fenetre_id") REFERENCES "public"."fenetres_correction"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections_annee" ADD CONSTRAINT "corrections_annee_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections_annee" ADD CONSTRAINT "corrections_annee_utilisateur_id_utilisateurs_id_fk" FOREIGN KEY ("utilisateur_id") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "corrections_annee" ADD CONSTRAINT "corrections_annee_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emissions_bilan" ADD CONSTRAINT "emissions_bilan_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "emissions_bilan" ADD CONSTRAINT "emissions_bilan_emis_par_utilisateurs_id_fk" FOREIGN KEY ("emis_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "envois_bilan" ADD CONSTRAINT "envois_bilan_emission_id_emissions_bilan_id_fk" FOREIGN KEY ("emission_id") REFERENCES "public"."emissions_bilan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "envois_bilan" ADD CONSTRAINT "envois_bilan_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "envois_bilan" ADD CONSTRAINT "envois_bilan_envoye_par_utilisateurs_id_fk" FOREIGN KEY ("envoye_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fenetres_correction" ADD CONSTRAINT "fenetres_correction_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fenetres_correction" ADD CONSTRAINT "fenetres_correction_ouverte_par_utilisateurs_id_fk" FOREIGN KEY ("ouverte_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fenetres_correction" ADD CONSTRAINT "fenetres_correction_cloturee_par_utilisateurs_id_fk" FOREIGN KEY ("cloturee_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telechargements_bilan" ADD CONSTRAINT "telechargements_bilan_emission_id_emissions_bilan_id_fk" FOREIGN KEY ("emission_id") REFERENCES "public"."emissions_bilan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telechargements_bilan" ADD CONSTRAINT "telechargements_bilan_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telechargements_bilan" ADD CONSTRAINT "telechargements_bilan_utilisateur_id_utilisateurs_id_fk" FOREIGN KEY ("utilisateur_id") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "corrections_annee_fenetre" ON "corrections_annee" USING btree ("fenetre_id");--> statement-breakpoint
CREATE UNIQUE INDEX "emissions_bilan_version" ON "emissions_bilan" USING btree ("bailleur_id","departement","annee","version");--> statement-breakpoint
CREATE INDEX "fenetres_correction_annee" ON "fenetres_correction" USING btree ("bailleur_id","departement","annee");--> statement-breakpoint
CREATE INDEX "telechargements_bilan_emission" ON "telechargements_bilan" USING btree ("emission_id","organisation_id");--> statement-breakpoint
-- An issued bilan, its sendings, its downloads and the corrections are append-only: no UPDATE, no DELETE, no TRUNCATE.
CREATE OR REPLACE FUNCTION bilan_emis_immuable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'un bilan émis, ses envois, ses téléchargements et les corrections tardives sont immuables (% refusé sur %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER emissions_bilan_pas_de_modification BEFORE UPDATE OR DELETE ON emissions_bilan FOR EACH ROW EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
CREATE TRIGGER emissions_bilan_pas_de_vidage BEFORE TRUNCATE ON emissions_bilan FOR EACH STATEMENT EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
CREATE TRIGGER envois_bilan_pas_de_modification BEFORE UPDATE OR DELETE ON envois_bilan FOR EACH ROW EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
CREATE TRIGGER envois_bilan_pas_de_vidage BEFORE TRUNCATE ON envois_bilan FOR EACH STATEMENT EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
CREATE TRIGGER telechargements_bilan_pas_de_modification BEFORE UPDATE OR DELETE ON telechargements_bilan FOR EACH ROW EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
CREATE TRIGGER telechargements_bilan_pas_de_vidage BEFORE TRUNCATE ON telechargements_bilan FOR EACH STATEMENT EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
CREATE TRIGGER corrections_annee_pas_de_modification BEFORE UPDATE OR DELETE ON corrections_annee FOR EACH ROW EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
CREATE TRIGGER corrections_annee_pas_de_vidage BEFORE TRUNCATE ON corrections_annee FOR EACH STATEMENT EXECUTE FUNCTION bilan_emis_immuable();
--> statement-breakpoint
-- A correction window: only its closing may be written, once; never deleted.
CREATE OR REPLACE FUNCTION fenetres_correction_cloture_seule() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.cloturee_le IS NULL AND NEW.cloturee_le IS NOT NULL AND NEW.cloturee_par IS NOT NULL
     AND NEW.id = OLD.id AND NEW.bailleur_id = OLD.bailleur_id AND NEW.departement = OLD.departement AND NEW.annee = OLD.annee
     AND NEW.motif = OLD.motif AND NEW.fin = OLD.fin AND NEW.ouverte_le = OLD.ouverte_le AND NEW.ouverte_par = OLD.ouverte_par THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'une fenêtre de correction ne peut qu’être clôturée, une fois (% refusé)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER fenetres_correction_cloture BEFORE UPDATE OR DELETE ON fenetres_correction FOR EACH ROW EXECUTE FUNCTION fenetres_correction_cloture_seule();
--> statement-breakpoint
CREATE TRIGGER fenetres_correction_pas_de_vidage BEFORE TRUNCATE ON fenetres_correction FOR EACH STATEMENT EXECUTE FUNCTION bilan_emis_immuable();
