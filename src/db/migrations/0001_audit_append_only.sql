-- The audit trail is append-only: no UPDATE, no DELETE, no TRUNCATE, whoever asks.
CREATE OR REPLACE FUNCTION evenements_audit_immuable() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'le journal d''audit est en ajout seul (% refusé)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER evenements_audit_pas_de_modification
  BEFORE UPDATE OR DELETE ON evenements_audit
  FOR EACH ROW EXECUTE FUNCTION evenements_audit_immuable();
--> statement-breakpoint
CREATE TRIGGER evenements_audit_pas_de_vidage
  BEFORE TRUNCATE ON evenements_audit
  FOR EACH STATEMENT EXECUTE FUNCTION evenements_audit_immuable();
