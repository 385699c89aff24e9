/**
 * Contracts of the cotation (issue 17; ADR 0037, 0039): an EPCI's draft grid as its officers enter
 * it, the adoption, the grids as the pages show them (the public statement included), the trial of
 * the draft, and a demand's or a candidate's note. Shared by the server and the web app.
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';

const points = z.number().int('des points entiers').min(-500, '−500 points au moins').max(500, '500 points au plus');
const libelle = z.string().trim().min(3, 'un libellé de 3 caractères au moins').max(200);

/** The priority categories a stored demand carries (docs/demandes.md), as a grid can name them. */
export const CATEGORIES_COTATION = {
  dalo: 'Ménage reconnu prioritaire et urgent (DALO)',
  pdalhpd: 'Ménage prioritaire du PDALHPD',
  autre_l441_1: 'Autre public prioritaire (L.441-1)',
} as const;

export const critereSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('anciennete'),
    pointsParMois: z.number().min(0).max(50),
    plafond: z.number().int().min(0).max(1000),
  }),
  z.strictObject({
    type: z.literal('categorie'),
    categorie: z.enum(Object.keys(CATEGORIES_COTATION) as [keyof typeof CATEGORIES_COTATION]),
    libelle,
    points,
  }),
  z.strictObject({ type: z.literal('situation'), situation: z.string().min(1).max(60), libelle, points }),
  z.strictObject({
    type: z.literal('ressources'),
    plafondParUc: z.number().int().min(1, 'un montant par unité de consommation').max(100_000),
    points,
  }),
  z.strictObject({ type: z.literal('adequation'), points }),
  z.strictObject({ type: z.literal('lienLocal'), points }),
]);
export type CritereApi = z.infer<typeof critereSchema>;

/** The draft as the EPCI's officer saves it. */
export const brouillonSchema = z.strictObject({
  criteres: z.array(critereSchema).min(1, 'au moins un critère').max(40),
  refusAdapte: z.strictObject({
    points: z.number().int().min(0).max(500),
    dureeMois: z.number().int().min(1).max(60),
  }),
  mutationsInternes: z.strictObject({ points: z.number().int().min(0).max(500) }),
});
export type BrouillonApi = z.infer<typeof brouillonSchema>;

/** Adopting the draft: the act, the body that adopted it and when, and the date it applies from. */
export const adoptionSchema = z.strictObject({
  acte: z.string().trim().min(3, 'indiquez l’acte d’adoption (par exemple « délibération n° 2026-45 »)').max(300),
  par: z.string().trim().min(3, 'indiquez qui a adopté la grille (par exemple « le conseil communautaire »)').max(200),
  le: dateCalendaire,
  enVigueurDu: dateCalendaire,
});
export type AdoptionApi = z.infer<typeof adoptionSchema>;

export const grilleSchema = z.object({
  version: z.number().nullable(),
  statut: z.enum(['brouillon', 'adoptee']),
  criteres: z.array(critereSchema),
  refusAdapte: z.object({ points: z.number(), dureeMois: z.number() }),
  mutationsInternes: z.object({ points: z.number() }),
  enVigueurDu: z.string().nullable(),
  adoption: z.object({ par: z.string(), le: z.string(), acte: z.string() }).nullable(),
  /** Who recorded the adoption in Flux (a name), null for the demo's or an imported grid. */
  enregistreePar: z.string().nullable(),
  majLe: z.string(),
  /** The grid in plain French (the public page's text). */
  enonce: z.array(z.string()),
});
export type GrilleApi = z.infer<typeof grilleSchema>;

/** The EPCI's grids: in force today, the draft, and the earlier versions. */
export const grillesEpciSchema = z.object({
  epci: z.object({ siren: z.string(), nom: z.string() }),
  enVigueur: grilleSchema.nullable(),
  brouillon: grilleSchema.nullable(),
  historique: z.array(grilleSchema),
  /** Demands stored in Flux that wish a commune of the EPCI (what a trial runs on). */
  demandes: z.number(),
});
export type GrillesEpciApi = z.infer<typeof grillesEpciSchema>;

/** The public page (no sign-in): the EPCIs with a grid, and one EPCI's grid in force. */
export const grillesPubliquesSchema = z.object({
  epcis: z.array(z.object({ siren: z.string(), nom: z.string(), version: z.number(), enVigueurDu: z.string() })),
});
export type GrillesPubliquesApi = z.infer<typeof grillesPubliquesSchema>;

export const grillePubliqueSchema = z.object({
  epci: z.object({ siren: z.string(), nom: z.string() }),
  grille: grilleSchema,
  /** Earlier versions: number and dates, for the record. */
  versions: z.array(z.object({ version: z.number(), enVigueurDu: z.string(), adopteeLe: z.string() })),
});
export type GrillePubliqueApi = z.infer<typeof grillePubliqueSchema>;

export const epciParamsSchema = z.strictObject({ siren: z.string().regex(/^\d{9}$/, 'SIREN d’EPCI à 9 chiffres') });

export const essaiSchema = z.object({
  date: z.string(),
  demandes: z.number(),
  /** The draft is compared with the grid in force; without one, with a grid giving no points. */
  versionEnVigueur: z.number().nullable(),
  distribution: z.array(z.object({ tranche: z.string(), enVigueur: z.number(), brouillon: z.number() })),
  groupes: z.array(
    z.object({
      groupe: z.string(),
      demandes: z.number(),
      rangMoyen: z.number(),
      montent: z.number(),
      descendent: z.number(),
    }),
  ),
  /** The demands that move most: no numéro unique (the demands are the réservataires'), their profile. */
  mouvements: z.array(
    z.object({
      profil: z.string(),
      rangEnVigueur: z.number(),
      rangBrouillon: z.number(),
      noteEnVigueur: z.number(),
      noteBrouillon: z.number(),
    }),
  ),
  /** The quartile threshold used (€ per UC), null when none is set for the EPCI's département. */
  seuilQuartile: z.number().nullable(),
});
export type EssaiApi = z.infer<typeof essaiSchema>;

/** A demand's or a candidate's note, as an aid: never a decision. */
export const cotationSchema = z.object({
  epci: z.string(),
  version: z.number(),
  note: z.number(),
  detail: z.array(z.object({ critere: z.string(), points: z.number() })),
  rang: z.number(),
  sur: z.number(),
  dureeMoyenneAttenteJours: z.number(),
});
export type CotationApi = z.infer<typeof cotationSchema>;

/** A candidate's cotation: its demand's, and its rank among the unit's noted candidates. */
export const cotationCandidatSchema = cotationSchema.extend({ rangCandidats: z.number(), candidats: z.number() });
