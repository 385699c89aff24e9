/**
 * Contracts of the territory's consolidation (issue 14 items 3 and 5, ADR 0040): drafts of
 * conventions and the CIL's review (CCH L.441-1-5), the EPCI's consolidation by réservataire, the
 * State pilot's départemental view (CCH R.441-5, R.441-5-2) and the delegation of the State's
 * contingent to a maire or an EPCI (CCH L.441-1). One schema per contract, shared by the API and the
 * web client.
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';
import { avenantSchema, avertissementSchema, nouvelleConventionSchema } from './conventions.ts';
import { CATEGORIES_PRIORITAIRES, RENOUVELLEMENTS, type CategoriePrioritaire } from '../domain/convention-document.ts';

export {
  CATEGORIES_PRIORITAIRES,
  LIBELLES_RENOUVELLEMENT,
  RENOUVELLEMENTS,
  type CategoriePrioritaire,
  type Renouvellement,
} from '../domain/convention-document.ts';

const texte = (max: number, requis: string) => z.string().trim().min(1, requis).max(max, `${max} caractères au plus`);
const partie = z.object({ id: z.string(), nom: z.string() });

// ───────────────────────────── drafts and the CIL's review ─────────────────────────────

export const AVIS_CIL = ['favorable', 'reserve'] as const;
export type AvisCil = (typeof AVIS_CIL)[number];
export const LIBELLES_AVIS_CIL: Readonly<Record<AvisCil, string>> = {
  favorable: 'avis favorable',
  reserve: 'avis réservé',
};

export const ETATS_PROJET = ['projet', 'signe', 'abandonne'] as const;
export type EtatProjet = (typeof ETATS_PROJET)[number];

const delai = (quoi: string) =>
  z
    .number(`un nombre de jours pour ${quoi}`)
    .int(`un nombre entier de jours pour ${quoi}`)
    .min(1, `au moins un jour pour ${quoi}`)
    .max(365, `au plus 365 jours pour ${quoi}`);

/**
 * The legal content of a convention beyond its rates (issue 14 item 2, ADR 0043): the basis and
 * duration of the rights, the State's priority categories, the information exchanged, the CIA and
 * the CIL's orientations, the annual evaluation. Absent at creation: Flux's defaults
 * (`clausesParDefaut`, the dated parameters in force).
 */
export const clausesSchema = z.strictObject({
  fondement: texte(1000, 'indiquez le fondement des droits (l’acte, la garantie, le financement…)'),
  debutLe: dateCalendaire,
  finLe: dateCalendaire,
  renouvellement: z.enum(RENOUVELLEMENTS, 'renouvellement exprès, tacite ou aucun attendu'),
  categoriesPrioritaires: z
    .array(
      z.enum(
        Object.keys(CATEGORIES_PRIORITAIRES) as [CategoriePrioritaire, ...CategoriePrioritaire[]],
        'catégorie prioritaire inconnue',
      ),
    )
    .max(10),
  delaiSignalementJours: delai('signaler un logement libéré'),
  regleSansCandidat: texte(2000, 'dites ce qui se passe à défaut de candidat dans le délai'),
  delaiInformationCalJours: delai('informer de la décision de la CALEOL'),
  delaiInformationBailJours: delai('informer de la signature du bail'),
  referenceCia: texte(1000, 'indiquez la convention intercommunale d’attribution de référence'),
  orientationsCil: texte(2000, 'indiquez les orientations de la CIL'),
  evaluation: texte(2000, 'dites comment la convention est évaluée chaque année'),
});
export type ClausesApi = z.infer<typeof clausesSchema>;

/** POST /api/conventions/projets — a draft of a new convention of the signed-in bailleur. */
export const nouveauProjetSchema = nouvelleConventionSchema.extend({ clauses: clausesSchema.optional() });
/** POST /api/conventions/:id/projets — a draft of an avenant (the version it starts from: `versionLue`). */
export const projetAvenantSchema = avenantSchema.extend({ clauses: clausesSchema.optional() });

/** PUT /api/conventions/projets/:id/clauses — the bailleur changes the draft's clauses (the version it read). */
export const modificationClausesSchema = z.strictObject({
  version: z.number().int().min(1),
  clauses: clausesSchema,
});

/** POST /api/conventions/projets/:id/signatures-document — a party signs the document it read. */
export const signatureDocumentSchema = z.strictObject({
  empreinte: z.string().regex(/^[0-9a-f]{64}$/, 'empreinte SHA-256 attendue (64 caractères hexadécimaux)'),
});

export const PARTIES_SIGNATAIRES = ['bailleur', 'reservataire'] as const;
export const signatureDocumentApiSchema = z.object({
  partie: z.enum(PARTIES_SIGNATAIRES),
  organisation: z.string(),
  signataire: z.string(),
  signeLe: z.string(),
  empreinte: z.string(),
  /** Whether it is the fingerprint of the document as it reads now (null when not computed: lists). */
  aJour: z.boolean().nullable(),
});
export type SignatureDocumentApi = z.infer<typeof signatureDocumentApiSchema>;

/** POST /api/conventions/projets/:id/avis-cil — the CIL's review, recorded once by the EPCI. */
export const avisCilEntreeSchema = z
  .strictObject({
    seanceLe: dateCalendaire,
    avis: z.enum(AVIS_CIL, 'avis favorable ou réservé attendu'),
    motifs: z.string().trim().max(4000, '4 000 caractères au plus').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.avis === 'reserve' && !v.motifs)
      ctx.addIssue({
        code: 'custom',
        path: ['motifs'],
        message: 'un avis réservé dit ses raisons : indiquez les réserves de la CIL',
      });
  });
export type AvisCilEntree = z.input<typeof avisCilEntreeSchema>;

/** POST /api/conventions/projets/:id/signature — the parties signed the draft: its version is written. */
export const signatureProjetSchema = z.strictObject({
  /** The draft's version the bailleur read (409 if it changed since). */
  version: z.number().int().min(1),
});

export const avisCilApiSchema = z.object({
  epci: z.string(),
  epciNom: z.string(),
  /** Null while the CIL has not given its review. */
  seanceLe: z.string().nullable(),
  avis: z.enum(AVIS_CIL).nullable(),
  motifs: z.string().nullable(),
  enregistreLe: z.string().nullable(),
  auteur: z.string().nullable(),
  /** May the signed-in actor record this CIL's review (its EPCI, the draft not yet signed). */
  enregistrable: z.boolean(),
});
export type AvisCilApi = z.infer<typeof avisCilApiSchema>;

export const projetApiSchema = z.object({
  id: z.string(),
  bailleur: partie,
  reservataire: partie.extend({ type: z.string() }),
  departement: z.string(),
  /** The convention an avenant draft amends; null for a new convention. */
  conventionId: z.string().nullable(),
  etat: z.enum(ETATS_PROJET),
  version: z.number().int(),
  taux: z.number(),
  effectifLe: z.string(),
  motif: z.string().nullable(),
  parametres: z.record(z.string(), z.unknown()),
  creeLe: z.string(),
  auteur: z.string().nullable(),
  signeLe: z.string().nullable(),
  versionId: z.string().nullable(),
  /** One per EPCI whose territory the draft covers, in name order. */
  avisCil: z.array(avisCilApiSchema),
  /** « en attente de l’avis de la CIL » / « en attente de signature » / « signé le … » / « abandonné ». */
  statut: z.string(),
  /** May the signed-in actor record the parties' signature (the bailleur's agent, a draft). */
  signable: z.boolean(),
  avertissements: z.array(avertissementSchema),
  /** The legal content (ADR 0043); the defaults when the draft was written before clauses were. */
  clauses: clausesSchema,
  /** May the signed-in actor change the clauses (the bailleur's agent, a draft). */
  clausesModifiables: z.boolean(),
  /** SHA-256 of the document's canonical content as it reads now (null in lists). */
  empreinte: z.string().nullable(),
  /** Every signature of the document, oldest first: who signed which fingerprint. */
  signatures: z.array(signatureDocumentApiSchema),
  /** As which party the signed-in actor may sign the document now (null: not a party, or not a draft). */
  signataire: z.enum(PARTIES_SIGNATAIRES).nullable(),
});
export type ProjetApi = z.infer<typeof projetApiSchema>;

export const projetsApiSchema = z.object({ projets: z.array(projetApiSchema) });
export type ProjetsApi = z.infer<typeof projetsApiSchema>;

// ───────────────────────────── the EPCI's consolidation ─────────────────────────────

export const termesQualitatifsSchema = z.object({
  decompte: z.string(),
  gestion: z.string(),
  delaiPropositionJours: z.number().int(),
  /** The qualitative commitments in words (uniformity, outside-QPV share, typology and financing ranges). */
  contraintes: z.array(z.string()),
});

export const conventionTerritoireSchema = z.object({
  conventionId: z.string(),
  bailleur: partie,
  taux: z.number(),
  /** Flow units of the year on the territory within the convention's périmètre (to date). */
  fluxTerritoire: z.number().int(),
  /** taux × fluxTerritoire: the units the convention gives the réservataire on the territory this year. */
  logementsAttendus: z.number(),
  perimetre: z.string(),
  forme: z.string(),
  termes: termesQualitatifsSchema,
});

export const reservataireTerritoireSchema = z.object({
  reservataire: partie.extend({ type: z.string() }),
  conventions: z.array(conventionTerritoireSchema),
  /** Σ logementsAttendus over its conventions. */
  logementsAttendus: z.number(),
  /** Flow-weighted mean of its taux on the territory (null without flow). */
  tauxMoyen: z.number().nullable(),
});

export const consolidationEpciSchema = z.object({
  annee: z.number().int(),
  aujourdhui: z.string(),
  epci: z.object({ siren: z.string(), nom: z.string() }),
  /** The bailleurs with units on the territory and their flow of the year there. */
  bailleurs: z.array(partie.extend({ fluxTerritoire: z.number().int(), conventions: z.number().int() })),
  reservataires: z.array(reservataireTerritoireSchema),
  projets: z.array(projetApiSchema),
});
export type ConsolidationEpciApi = z.infer<typeof consolidationEpciSchema>;

// ───────────────────────────── the State pilot's départemental view ─────────────────────────────

export const bailleurDepartementSchema = z.object({
  bailleur: partie,
  logements: z.number().int(),
  fluxAnnuel: z.number().int(),
  conventions: z.number().int(),
  /** The State's convention in force today; null when there is none. */
  etat: z
    .object({
      conventionId: z.string(),
      taux: z.number(),
      tauxAgents: z.number().nullable(),
      droit: z.number().nullable(),
      decomptes: z.number().nullable(),
      misADisposition: z.number().nullable(),
    })
    .nullable(),
  /** Share of the year's flow units oriented to the State's line (null without flow). */
  partEtatRealisee: z.number().nullable(),
});

export const communeDepartementSchema = z.object({
  commune: z.string(),
  nom: z.string(),
  fluxAnnuel: z.number().int(),
  orientesEtat: z.number().int(),
  partEtat: z.number().nullable(),
  /** The State's taux weighted by each bailleur's flow in the commune (its expected share). */
  tauxEtatAttendu: z.number().nullable(),
});

export const GENRES_MANQUE = ['sans_convention_etat', 'sans_version_en_vigueur', 'caduque'] as const;
export const manqueSchema = z.object({
  genre: z.enum(GENRES_MANQUE),
  bailleur: partie,
  reservataire: partie.nullable(),
  conventionId: z.string().nullable(),
  message: z.string(),
});

export const vueDepartementaleSchema = z.object({
  annee: z.number().int(),
  aujourdhui: z.string(),
  departement: z.string(),
  bailleurs: z.array(bailleurDepartementSchema),
  communes: z.array(communeDepartementSchema),
  manques: z.array(manqueSchema),
  projets: z.array(projetApiSchema),
  /** Every convention of the département (version in force), for the export and the table. */
  conventions: z.array(
    z.object({
      conventionId: z.string(),
      bailleur: partie,
      reservataire: partie.extend({ type: z.string() }),
      taux: z.number().nullable(),
      forme: z.string(),
      statut: z.string(),
    }),
  ),
});
export type VueDepartementaleApi = z.infer<typeof vueDepartementaleSchema>;

export const anneeQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
});

// ───────────────────────────── delegation of the State's contingent ─────────────────────────────

/** POST /api/delegations — the préfet's delegation, recorded by the State pilot. */
export const delegationEntreeSchema = z
  .strictObject({
    delegataire: texte(200, 'choisissez la commune ou l’EPCI délégataire'),
    communes: z
      .array(z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'code INSEE de commune attendu'))
      .min(1, 'indiquez au moins une commune du périmètre délégué')
      .max(500),
    debut: dateCalendaire,
    fin: dateCalendaire,
    acte: texte(300, 'la référence de la convention de délégation est obligatoire'),
  })
  .superRefine((v, ctx) => {
    if (v.fin < v.debut)
      ctx.addIssue({ code: 'custom', path: ['fin'], message: 'la fin de la délégation suit son début' });
  });
export type DelegationEntree = z.input<typeof delegationEntreeSchema>;

/** POST /api/delegations/:id/fin — the préfet ends a delegation early. */
export const finDelegationSchema = z.strictObject({
  dernierJour: dateCalendaire,
  motif: texte(300, 'indiquez la décision qui met fin à la délégation (sa référence, son motif)'),
});
export type FinDelegation = z.input<typeof finDelegationSchema>;

export const delegationApiSchema = z.object({
  id: z.string(),
  departement: z.string(),
  delegataire: partie,
  communes: z.array(z.object({ code: z.string(), nom: z.string() })),
  debut: z.string(),
  fin: z.string(),
  acte: z.string(),
  /** `a_venir`, `active` or `terminee` today. */
  statut: z.enum(['a_venir', 'active', 'terminee']),
  enregistreLe: z.string(),
  auteur: z.string().nullable(),
  /** Ended before the act's last day by the préfet's decision: that day and the decision. */
  finAnticipee: z.object({ finInitiale: z.string(), motif: z.string() }).nullable(),
  /** Whether the actor may end it early (the State pilot, while it is to come or in force). */
  terminable: z.boolean(),
});
export type DelegationApi = z.infer<typeof delegationApiSchema>;

export const delegationsApiSchema = z.object({
  aujourdhui: z.string(),
  delegations: z.array(delegationApiSchema),
  /** The organisations the State pilot may delegate to (communes and EPCIs of its département). */
  delegatairesPossibles: z.array(partie.extend({ type: z.string() })),
});
export type DelegationsApi = z.infer<typeof delegationsApiSchema>;
