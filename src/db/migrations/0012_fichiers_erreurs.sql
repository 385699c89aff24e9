CREATE TABLE "fichiers_erreurs" (
	"id" text PRIMARY KEY NOT NULL,
	"organisation_id" text NOT NULL,
	"utilisateur_id" text,
	"nom" text NOT NULL,
	"taille" bigint NOT NULL,
	"lignes" integer NOT NULL,
	"cree_le" timestamp with time zone DEFAULT now() NOT NULL,
	"expire_le" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fichiers_erreurs_morceaux" (
	"fichier_id" text NOT NULL,
	"rang" integer NOT NULL,
	"octets" "bytea" NOT NULL,
	CONSTRAINT "fichiers_erreurs_morceaux_fichier_id_rang_pk" PRIMARY KEY("fichier_id","rang")
);
--> statement-breakpoint
ALTER TABLE "fichiers_erreurs" ADD CONSTRAINT "fichiers_erreurs_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fichiers_erreurs" ADD CONSTRAINT "fichiers_erreurs_utilisateur_id_utilisateurs_id_fk" FOREIGN KEY ("utilisateur_id") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fichiers_erreurs_morceaux" ADD CONSTRAINT "fichiers_erreurs_morceaux_fichier_id_fichiers_erreurs_id_fk" FOREIGN KEY ("fichier_id") REFERENCES "public"."fichiers_erreurs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fichiers_erreurs_expiration" ON "fichiers_erreurs" USING btree ("expire_le");