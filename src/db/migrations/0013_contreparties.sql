CREATE TABLE "reprises_prefet" (
	"convention_id" text PRIMARY KEY NOT NULL,
	"decide_le" date NOT NULL,
	"reference" text NOT NULL,
	"commentaire" text,
	"enregistre_par" text,
	"enregistre_le" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "convention_versions" ADD COLUMN "contrepartie_garantie" numeric(9, 6);--> statement-breakpoint
ALTER TABLE "convention_versions" ADD COLUMN "contrepartie_financement" numeric(9, 6);--> statement-breakpoint
ALTER TABLE "convention_versions" ADD COLUMN "contrepartie_terrain" numeric(9, 6);--> statement-breakpoint
ALTER TABLE "convention_versions" ADD COLUMN "contrepartie_autre" numeric(9, 6);--> statement-breakpoint
ALTER TABLE "convention_versions" ADD COLUMN "contrepartie_reference" text;--> statement-breakpoint
ALTER TABLE "reprises_prefet" ADD CONSTRAINT "reprises_prefet_convention_id_conventions_id_fk" FOREIGN KEY ("convention_id") REFERENCES "public"."conventions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reprises_prefet" ADD CONSTRAINT "reprises_prefet_enregistre_par_utilisateurs_id_fk" FOREIGN KEY ("enregistre_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "convention_versions" ADD CONSTRAINT "convention_versions_contrepartie" CHECK ((contrepartie_garantie is null and contrepartie_financement is null and contrepartie_terrain is null and contrepartie_autre is null and contrepartie_reference is null) or (contrepartie_garantie >= 0 and contrepartie_financement >= 0 and contrepartie_terrain >= 0 and contrepartie_autre >= 0 and contrepartie_garantie + contrepartie_financement + contrepartie_terrain + contrepartie_autre = taux));--> statement-breakpoint
-- Versions written between the scenario's second edition and this migration kept their contrepartie in
-- `parametres`: moved to the columns (same values, the taux unchanged), so that one place holds it.
UPDATE "convention_versions" SET
	"contrepartie_garantie" = coalesce((parametres->'contrepartie'->>'garantie')::numeric, 0),
	"contrepartie_financement" = coalesce((parametres->'contrepartie'->>'financement')::numeric, 0),
	"contrepartie_terrain" = coalesce((parametres->'contrepartie'->>'terrain')::numeric, 0),
	"contrepartie_autre" = coalesce((parametres->'contrepartie'->>'autre')::numeric, 0),
	"contrepartie_reference" = parametres->'contrepartie'->>'reference',
	"parametres" = parametres - 'contrepartie'
WHERE parametres ? 'contrepartie';
