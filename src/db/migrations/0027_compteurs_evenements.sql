CREATE TABLE "compteurs_evenements" (
	"bailleur_id" text NOT NULL,
	"departement" text NOT NULL,
	"annee" integer NOT NULL,
	"n" bigint NOT NULL,
	CONSTRAINT "compteurs_evenements_bailleur_id_departement_annee_pk" PRIMARY KEY("bailleur_id","departement","annee")
);

--> statement-breakpoint
-- Kept by whoever writes events (the application, an import, a restore, a hand-made fix): one
-- statement-level trigger per operation, with the rows it changed as a transition table.
CREATE OR REPLACE FUNCTION evenements_flux_compter() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE compteurs_evenements c SET n = c.n - a.n
      FROM (SELECT bailleur_id, departement, annee, count(*) AS n FROM anciens GROUP BY 1, 2, 3) a
      WHERE c.bailleur_id = a.bailleur_id AND c.departement = a.departement AND c.annee = a.annee;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO compteurs_evenements AS c (bailleur_id, departement, annee, n)
      SELECT bailleur_id, departement, annee, count(*) FROM nouveaux GROUP BY 1, 2, 3
      ON CONFLICT (bailleur_id, departement, annee) DO UPDATE SET n = c.n + excluded.n;
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM compteurs_evenements;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER evenements_flux_compter_ajouts AFTER INSERT ON evenements_flux
  REFERENCING NEW TABLE AS nouveaux FOR EACH STATEMENT EXECUTE FUNCTION evenements_flux_compter();
--> statement-breakpoint
CREATE TRIGGER evenements_flux_compter_suppressions AFTER DELETE ON evenements_flux
  REFERENCING OLD TABLE AS anciens FOR EACH STATEMENT EXECUTE FUNCTION evenements_flux_compter();
--> statement-breakpoint
CREATE TRIGGER evenements_flux_compter_modifications AFTER UPDATE ON evenements_flux
  REFERENCING OLD TABLE AS anciens NEW TABLE AS nouveaux FOR EACH STATEMENT EXECUTE FUNCTION evenements_flux_compter();
--> statement-breakpoint
CREATE TRIGGER evenements_flux_compter_vidage AFTER TRUNCATE ON evenements_flux
  FOR EACH STATEMENT EXECUTE FUNCTION evenements_flux_compter();
--> statement-breakpoint
INSERT INTO compteurs_evenements (bailleur_id, departement, annee, n)
  SELECT bailleur_id, departement, annee, count(*) FROM evenements_flux GROUP BY 1, 2, 3;
