CREATE TABLE "pieces_vacances" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"nom" text NOT NULL,
	"description" text,
	"type_mime" text NOT NULL,
	"taille" integer NOT NULL,
	"empreinte" text NOT NULL,
	"contenu" "bytea" NOT NULL,
	"ajoute_par" text NOT NULL,
	"ajoute_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pieces_vacances_type" CHECK ("pieces_vacances"."type_mime" in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
	CONSTRAINT "pieces_vacances_taille" CHECK ("pieces_vacances"."taille" > 0 and "pieces_vacances"."taille" <= 5242880 and "pieces_vacances"."taille" = octet_length("pieces_vacances"."contenu"))
);
--> statement-breakpoint
ALTER TABLE "pieces_vacances" ADD CONSTRAINT "pieces_vacances_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pieces_vacances" ADD CONSTRAINT "pieces_vacances_ajoute_par_utilisateurs_id_fk" FOREIGN KEY ("ajoute_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pieces_vacances_location" ON "pieces_vacances" USING btree ("location_id","ajoute_le");