DROP INDEX "locations_en_cours";--> statement-breakpoint
-- A letting outside the flow now waits for its candidates (it is open): one that a later notice of
-- the same unit followed never got any, and ends without a candidate, as the engine ends it.
UPDATE "locations" AS l SET "etat" = 'sans_candidat', "version" = l."version" + 1, "maj_le" = now()
WHERE l."etat" = 'exclue' AND EXISTS (
  SELECT 1 FROM "locations" AS s
  WHERE s."logement_id" = l."logement_id" AND s."id" <> l."id"
    AND (s."date_liberation" > l."date_liberation" OR (s."date_liberation" = l."date_liberation" AND s."id" > l."id"))
);--> statement-breakpoint
CREATE UNIQUE INDEX "locations_en_cours" ON "locations" USING btree ("logement_id") WHERE etat not in ('bail_signe', 'refus', 'sans_candidat');
