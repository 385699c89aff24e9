CREATE TABLE "imports_rpls" (
	"id" text PRIMARY KEY NOT NULL,
	"bailleur_id" text NOT NULL,
	"departement" text,
	"fichier" text NOT NULL,
	"empreinte" text NOT NULL,
	"importe_le" timestamp with time zone DEFAULT now() NOT NULL,
	"resume" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "surface" numeric(8, 2);--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "loyer" numeric(9, 2);--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "dpe" text;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "conventionne" boolean;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "numero_convention" text;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "date_convention" date;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "adresse" text;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "code_financement" text;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "import_rpls_id" text;--> statement-breakpoint
ALTER TABLE "logements" ADD COLUMN "absent_rpls_depuis" text;--> statement-breakpoint
ALTER TABLE "imports_rpls" ADD CONSTRAINT "imports_rpls_bailleur_id_organisations_id_fk" FOREIGN KEY ("bailleur_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imports_rpls_bailleur" ON "imports_rpls" USING btree ("bailleur_id","importe_le");--> statement-breakpoint
ALTER TABLE "logements" ADD CONSTRAINT "logements_import_rpls_id_imports_rpls_id_fk" FOREIGN KEY ("import_rpls_id") REFERENCES "public"."imports_rpls"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "logements" ADD CONSTRAINT "logements_absent_rpls_depuis_imports_rpls_id_fk" FOREIGN KEY ("absent_rpls_depuis") REFERENCES "public"."imports_rpls"("id") ON DELETE no action ON UPDATE no action;