CREATE TABLE "etats_des_lieux" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"departement" text NOT NULL,
	"version" integer NOT NULL,
	"contenu" jsonb NOT NULL,
	"empreinte" text NOT NULL,
	"parties" jsonb NOT NULL,
	"verrouille_le" timestamp with time zone DEFAULT now() NOT NULL,
	"verrouille_par" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quartiers_prioritaires" (
	"code" text PRIMARY KEY NOT NULL,
	"geographie" text NOT NULL,
	"nom" text NOT NULL,
	"departement" text NOT NULL,
	"communes" jsonb NOT NULL,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signatures_etat_des_lieux" (
	"etat_des_lieux_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"utilisateur_id" text NOT NULL,
	"empreinte" text NOT NULL,
	"signe_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signatures_etat_des_lieux_etat_des_lieux_id_organisation_id_pk" PRIMARY KEY("etat_des_lieux_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "zonages_communes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"commune" text NOT NULL,
	"zonage" text NOT NULL,
	"valeur" text NOT NULL,
	"du" date NOT NULL,
	"au" date,
	"source" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "reservation_stock" text;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "reservataire_stock_id" text;--> statement-breakpoint
ALTER TABLE "etats_des_lieux" ADD CONSTRAINT "etats_des_lieux_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "etats_des_lieux" ADD CONSTRAINT "etats_des_lieux_verrouille_par_utilisateurs_id_fk" FOREIGN KEY ("verrouille_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures_etat_des_lieux" ADD CONSTRAINT "signatures_etat_des_lieux_etat_des_lieux_id_etats_des_lieux_id_fk" FOREIGN KEY ("etat_des_lieux_id") REFERENCES "public"."etats_des_lieux"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures_etat_des_lieux" ADD CONSTRAINT "signatures_etat_des_lieux_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signatures_etat_des_lieux" ADD CONSTRAINT "signatures_etat_des_lieux_utilisateur_id_utilisateurs_id_fk" FOREIGN KEY ("utilisateur_id") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "etats_des_lieux_version" ON "etats_des_lieux" USING btree ("bailleur_id","departement","version");--> statement-breakpoint
CREATE INDEX "quartiers_prioritaires_departement" ON "quartiers_prioritaires" USING btree ("departement","geographie");--> statement-breakpoint
CREATE UNIQUE INDEX "zonages_communes_unique" ON "zonages_communes" USING btree ("commune","zonage","du");--> statement-breakpoint
ALTER TABLE "logements" ADD CONSTRAINT "logements_reservataire_stock_id_organisations_id_fk" FOREIGN KEY ("reservataire_stock_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "logements_reservataire_stock" ON "logements" USING btree ("reservataire_stock_id");--> statement-breakpoint
ALTER TABLE "logements" ADD CONSTRAINT "logements_reservation_stock" CHECK ((reservation_stock is null and reservataire_stock_id is null) or (reservation_stock = 'aucune' and reservataire_stock_id is null) or (reservation_stock in ('reserve', 'droit_unique') and reservataire_stock_id is not null));--> statement-breakpoint
-- A locked état des lieux and its signatures are immutable: no UPDATE, no DELETE, no TRUNCATE.
CREATE OR REPLACE FUNCTION etats_des_lieux_immuable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'un état des lieux verrouillé et ses signatures sont immuables (% refusé)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER etats_des_lieux_pas_de_modification
  BEFORE UPDATE OR DELETE ON etats_des_lieux
  FOR EACH ROW EXECUTE FUNCTION etats_des_lieux_immuable();
--> statement-breakpoint
CREATE TRIGGER etats_des_lieux_pas_de_vidage
  BEFORE TRUNCATE ON etats_des_lieux
  FOR EACH STATEMENT EXECUTE FUNCTION etats_des_lieux_immuable();
--> statement-breakpoint
CREATE TRIGGER signatures_etat_des_lieux_pas_de_modification
  BEFORE UPDATE OR DELETE ON signatures_etat_des_lieux
  FOR EACH ROW EXECUTE FUNCTION etats_des_lieux_immuable();
--> statement-breakpoint
CREATE TRIGGER signatures_etat_des_lieux_pas_de_vidage
  BEFORE TRUNCATE ON signatures_etat_des_lieux
  FOR EACH STATEMENT EXECUTE FUNCTION etats_des_lieux_immuable();
