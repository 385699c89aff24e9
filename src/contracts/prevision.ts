/** API contracts of the flow forecast (prévisionnel) and of the stock → flow conversion (issue 5). */
import { z } from 'zod';
import { METHODES_CONVERSION } from '../domain/conversion.ts';
import { MOTIFS_EXCLUSION } from '../domain/prevision.ts';
import { TYPOLOGIES } from '../domain/types.ts';

const unites = z.number().int('un nombre entier de logements').min(0, 'positif ou nul').max(10_000_000);
const motifs = z.enum(MOTIFS_EXCLUSION as unknown as [string, ...string[]]);
const departement = z.string().regex(/^(\d{2,3}|2[AB])$/, 'département : 2 ou 3 caractères (45, 2A, 971)');

/** A past year's flow entered by hand (a year Flux holds no events for). */
export const fluxSaisiSchema = z.strictObject({
  annee: z.number().int().min(2000).max(2100),
  disponibles: unites,
  premieresMisesEnLocation: unites,
  exclus: z.partialRecord(motifs, unites).default({}),
});

export const parametresPrevisionSchema = z.strictObject({
  /** Complete past years averaged (1 to 3). */
  fenetre: z.number().int().min(1, 'la fenêtre est de 1 à 3 ans').max(3, 'la fenêtre est de 1 à 3 ans').default(1),
  livraisons: unites.default(0),
  demolitions: unites.default(0),
  ventes: unites.default(0),
  /** Forecast exclusions entered by category; a category left out is the window's average. */
  exclusionsPrevues: z.partialRecord(motifs, unites).default({}),
  /** Volume reserved for PRU/ANRU rehousing, taken out of the flow. */
  volumePru: unites.default(0),
  /** How the PRU volume is « plus ou moins qualifié »: by typology and by commune (each ≤ the volume). */
  pru: z
    .strictObject({
      typologies: z.partialRecord(z.enum(TYPOLOGIES), unites).default({}),
      communes: z
        .record(z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'code commune INSEE à 5 caractères'), unites)
        .default({}),
    })
    .default({ typologies: {}, communes: {} }),
  fluxSaisis: z.array(fluxSaisiSchema).max(10).default([]),
});
export type ParametresPrevision = z.infer<typeof parametresPrevisionSchema>;

export const previsionQuerySchema = z.strictObject({
  bailleur: z.string().min(1).max(200).optional(),
  departement: departement.optional(),
  annee: z.coerce.number().int().min(2018).max(2100).optional(),
});

export const enregistrementPrevisionSchema = z.strictObject({
  bailleur: z.string().min(1).max(200).optional(),
  departement: departement.optional(),
  annee: z.number().int().min(2018).max(2100),
  /** The version read (0 when none was saved yet): a concurrent save gets 409. */
  version: z.number().int().min(0),
  parametres: parametresPrevisionSchema,
});

const quantite = z.object({ micro: z.number(), valeur: z.number(), arrondi: z.number(), explication: z.string() });
const droit = z.object({
  convention: z.string().nullable(),
  reservataire: z.string(),
  nom: z.string(),
  tauxMicro: z.number(),
  taux: z.number(),
  applicable: z.boolean(),
  droitFlux: quantite,
  report: quantite,
  droit: quantite,
  droitAgents: quantite.optional(),
});
const prevision = z.object({
  annee: z.number(),
  perimetre: z.union([
    z.object({ departement: z.string() }),
    z.object({ communes: z.array(z.string()) }),
    z.object({ epci: z.string() }),
  ]),
  libelle: z.string(),
  fenetre: z.number(),
  anneesRetenues: z.array(z.number()),
  remisesEnLocation: quantite,
  premieresMisesEnLocation: quantite,
  fluxBrut: quantite,
  exclusions: z.array(
    quantite.extend({ motif: z.string(), libelle: z.string(), source: z.enum(['saisie', 'moyenne']) }),
  ),
  totalExclusions: quantite,
  volumePru: quantite,
  fluxNet: quantite,
  droits: z.array(droit),
  bailleur: droit,
  avertissements: z.array(z.string()),
});

export const reponsePrevisionSchema = z.object({
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  departement: z.string(),
  annee: z.number(),
  version: z.number(),
  majLe: z.string().nullable(),
  parametres: parametresPrevisionSchema,
  parc: z.number(),
  /** Every past year known (events in Flux, else entered), oldest first: the chart's bars. */
  historique: z.array(
    z.object({
      annee: z.number(),
      source: z.enum(['flux', 'saisi']),
      /** The year is not over (events up to today only). */
      incomplete: z.boolean(),
      disponibles: z.number(),
      premieresMisesEnLocation: z.number(),
      exclus: z.record(z.string(), z.number()),
      fluxAnnuel: z.number(),
    }),
  ),
  /** The forecast of the département, then one per territorial convention perimeter. */
  previsions: z.array(prevision),
  /** The PRU/ANRU volume followed during the forecast year (rehousings so far, by typology and commune). */
  suiviPru: z.object({
    volume: z.number(),
    realises: z.number(),
    parTypologie: z.array(z.object({ typologie: z.string(), prevus: z.number().nullable(), realises: z.number() })),
    parCommune: z.array(
      z.object({ commune: z.string(), nom: z.string(), prevus: z.number().nullable(), realises: z.number() }),
    ),
  }),
  /**
   * The programmes whose planned delivery falls in the forecast year (« Programmes neufs », ADR
   * 0047): their units are that year's first lettings; the rights negotiated at their financing say
   * who holds the first of them. Their sum is compared with the deliveries entered (`livraisons`).
   */
  livraisonsProgrammes: z.array(
    z.object({
      nom: z.string(),
      livraisonPrevue: z.string(),
      logements: z.number(),
      droits: z.array(z.object({ nom: z.string(), logements: z.number() })),
    }),
  ),
});
export type ReponsePrevision = z.infer<typeof reponsePrevisionSchema>;

export const conversionQuerySchema = z.strictObject({
  bailleur: z.string().min(1).max(200).optional(),
  departement: departement.optional(),
  annee: z.coerce.number().int().min(2018).max(2100).optional(),
  fenetre: z.coerce.number().int().min(1).max(3).optional(),
  /** One-shot rights: counted once the first year (ponctuel, default) or spread over `annees` years. */
  droitsUniques: z.enum(['ponctuel', 'etale']).optional(),
  annees: z.coerce.number().int().min(2).max(10).optional(),
  effectifMinimal: z.coerce.number().int().min(1).max(1000).optional(),
});

export const methodeSchema = z.enum(METHODES_CONVERSION);

/** POST /api/flux/conversion/avenants: the conversion's hypotheses (as in the query), the method kept, and the avenants' reason. */
export const avenantsConversionSchema = z.strictObject({
  bailleur: z.string().min(1).max(200).optional(),
  departement: departement.optional(),
  annee: z.number().int().min(2018).max(2100).optional(),
  fenetre: z.number().int().min(1).max(3).optional(),
  droitsUniques: z.enum(['ponctuel', 'etale']).optional(),
  annees: z.number().int().min(2).max(10).optional(),
  effectifMinimal: z.number().int().min(1).max(1000).optional(),
  methode: z.enum(METHODES_CONVERSION),
  motif: z.string().max(500).optional(),
});
