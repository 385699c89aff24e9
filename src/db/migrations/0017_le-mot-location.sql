ALTER TABLE "pieces_vacances" RENAME TO "pieces_locations";--> statement-breakpoint
ALTER TABLE "pieces_locations" DROP CONSTRAINT "pieces_vacances_type";--> statement-breakpoint
ALTER TABLE "pieces_locations" DROP CONSTRAINT "pieces_vacances_taille";--> statement-breakpoint
ALTER TABLE "pieces_locations" DROP CONSTRAINT "pieces_vacances_location_id_locations_id_fk";
--> statement-breakpoint
ALTER TABLE "pieces_locations" DROP CONSTRAINT "pieces_vacances_ajoute_par_utilisateurs_id_fk";
--> statement-breakpoint
DROP INDEX "pieces_vacances_location";--> statement-breakpoint
ALTER TABLE "pieces_locations" ADD CONSTRAINT "pieces_locations_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pieces_locations" ADD CONSTRAINT "pieces_locations_ajoute_par_utilisateurs_id_fk" FOREIGN KEY ("ajoute_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pieces_locations_location" ON "pieces_locations" USING btree ("location_id","ajoute_le");--> statement-breakpoint
ALTER TABLE "pieces_locations" ADD CONSTRAINT "pieces_locations_type" CHECK ("pieces_locations"."type_mime" in ('image/jpeg', 'image/png', 'image/webp', 'application/pdf'));--> statement-breakpoint
ALTER TABLE "pieces_locations" ADD CONSTRAINT "pieces_locations_taille" CHECK ("pieces_locations"."taille" > 0 and "pieces_locations"."taille" <= 5242880 and "pieces_locations"."taille" = octet_length("pieces_locations"."contenu"));