CREATE TABLE "grilles_cotation" (
	"id" text PRIMARY KEY NOT NULL,
	"epci" text NOT NULL,
	"statut" text NOT NULL,
	"version" integer,
	"criteres" jsonb NOT NULL,
	"refus_points" integer DEFAULT 0 NOT NULL,
	"refus_duree_mois" integer DEFAULT 12 NOT NULL,
	"mutations_points" integer DEFAULT 0 NOT NULL,
	"en_vigueur_du" date,
	"adoption_par" text,
	"adoption_acte" text,
	"adoption_le" date,
	"adoptee_par_utilisateur" text,
	"enregistree_le" timestamp with time zone,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL,
	"maj_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "grilles_cotation_statut" CHECK ((statut = 'brouillon' and version is null) or (statut = 'adoptee' and version >= 1 and en_vigueur_du is not null and adoption_le is not null))
);
--> statement-breakpoint
ALTER TABLE "examens_cal" ADD COLUMN "motif_ecart_cotation" text;--> statement-breakpoint
ALTER TABLE "grilles_cotation" ADD CONSTRAINT "grilles_cotation_epci_epcis_siren_fk" FOREIGN KEY ("epci") REFERENCES "public"."epcis"("siren") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grilles_cotation" ADD CONSTRAINT "grilles_cotation_adoptee_par_utilisateur_utilisateurs_id_fk" FOREIGN KEY ("adoptee_par_utilisateur") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "grilles_cotation_version" ON "grilles_cotation" USING btree ("epci","version");--> statement-breakpoint
CREATE UNIQUE INDEX "grilles_cotation_un_brouillon" ON "grilles_cotation" USING btree ("epci") WHERE statut = 'brouillon';