CREATE TABLE "cibles_cia" (
	"epci" text NOT NULL,
	"version" integer NOT NULL,
	"quartile1_hors_qpv" numeric(5, 4),
	"non_quartile1_en_qpv" numeric(5, 4),
	"applicable_du" date NOT NULL,
	"reference_cia" text NOT NULL,
	"adoptee_le" date NOT NULL,
	"saisi_par" text NOT NULL,
	"saisi_le" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cibles_cia_epci_version_pk" PRIMARY KEY("epci","version"),
	CONSTRAINT "cibles_cia_parts" CHECK ((quartile1_hors_qpv is null or (quartile1_hors_qpv >= 0 and quartile1_hors_qpv <= 1)) and (non_quartile1_en_qpv is null or (non_quartile1_en_qpv >= 0 and non_quartile1_en_qpv <= 1)))
);
--> statement-breakpoint
ALTER TABLE "cibles_cia" ADD CONSTRAINT "cibles_cia_epci_epcis_siren_fk" FOREIGN KEY ("epci") REFERENCES "public"."epcis"("siren") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cibles_cia" ADD CONSTRAINT "cibles_cia_saisi_par_utilisateurs_id_fk" FOREIGN KEY ("saisi_par") REFERENCES "public"."utilisateurs"("id") ON DELETE no action ON UPDATE no action;