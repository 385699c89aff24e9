/**
 * API contracts of the annual bilan (CCH R.441-5-1; issue 7): the (bailleur, département) pairs an
 * actor may read, the query, and the bilan itself (src/domain/bilan.ts `BilanAnnuel`), checked on
 * the way out. The web app reads its types from here.
 */
import { z } from 'zod';
import { COMPTEURS, DIMENSIONS_BILAN, type BilanAnnuel } from '../domain/bilan.ts';
import { LIBELLES_EXCLUSION, type MotifExclusion } from '../domain/flow.ts';
import { EXCLUSIONS } from '../domain/types.ts';

const departement = z.string().regex(/^(\d{2,3}|2[AB])$/, 'département : 2 ou 3 caractères (45, 2A, 971)');
const motif = z.enum(Object.keys(LIBELLES_EXCLUSION) as [MotifExclusion, ...MotifExclusion[]]);

export const bilanQuerySchema = z.strictObject({
  annee: z.coerce.number().int('une année entière').min(2000, 'année à partir de 2000').max(2100, 'année jusqu’à 2100'),
  /** Omitted by a bailleur: its own. */
  bailleur: z.string().min(1).max(200).optional(),
  /** Omitted when the bailleur has conventions in one département only. */
  departement: departement.optional(),
});
export type BilanQuery = z.infer<typeof bilanQuerySchema>;

export const bilanAccessibleSchema = z.object({
  bailleurId: z.string(),
  bailleur: z.string(),
  departement: z.string(),
});
export const bilansAccessiblesSchema = z.object({ bilans: z.array(bilanAccessibleSchema) });
export type BilanAccessibleApi = z.infer<typeof bilanAccessibleSchema>;

const compteurs = Object.fromEntries(COMPTEURS.map((c) => [c, z.number().int().min(0)])) as Record<
  (typeof COMPTEURS)[number],
  z.ZodNumber
>;
const compteursSchema = z.object(compteurs);

const indicateurSchema = z.object({
  realise: z.number().nullable(),
  cible: z.number(),
  numerateur: z.number(),
  denominateur: z.number(),
  inconnus: z.number().int().optional(),
});
const indicateurEpciSchema = indicateurSchema.extend({ inconnus: z.number().int() });

const dimensionSchema = z.object({
  valeurs: z.array(z.string()),
  libelles: z.record(z.string(), z.string()),
  parLigne: z.record(z.string(), z.record(z.string(), compteursSchema)),
  flux: z.record(z.string(), z.number().int().min(0)),
});

export const bilanSchema = z.object({
  annee: z.number().int(),
  departement: z.string(),
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  flux: z.object({
    disponibles: z.number().int(),
    premieresMisesEnLocation: z.number().int(),
    exclus: z.record(motif, z.number().int()),
    fluxAnnuel: z.number().int(),
  }),
  lignes: z.array(
    z.object({
      ligne: z.string(),
      nom: z.string(),
      taux: z.number(),
      droit: z.number(),
      solde: z.number(),
      reportAnneeSuivante: z.number(),
      ...compteurs,
    }),
  ),
  dimensions: z.object(
    Object.fromEntries(DIMENSIONS_BILAN.map((d) => [d, dimensionSchema])) as Record<
      (typeof DIMENSIONS_BILAN)[number],
      typeof dimensionSchema
    >,
  ),
  exclusions: z.array(z.object({ motif, libelle: z.string(), logements: z.number().int() })),
  relogements: z.object({
    categories: z.array(
      z.object({
        motif: z.enum(EXCLUSIONS),
        libelle: z.string(),
        liberes: z.number().int(),
        bauxSignes: z.number().int(),
        enCours: z.number().int(),
      }),
    ),
    volumePru: z.number().nullable(),
  }),
  objectifs: z.object({
    quartile1HorsQpv: indicateurSchema,
    nonQuartile1EnQpv: indicateurSchema,
    prioritaires: z.record(z.string(), indicateurSchema),
    parEpci: z.record(
      z.string(),
      z.object({ quartile1HorsQpv: indicateurEpciSchema, nonQuartile1EnQpv: indicateurEpciSchema }),
    ),
    quartile1Declares: z.number().int(),
  }),
  /** The names of the EPCIs of `objectifs.parEpci`, by SIREN (absent from `flux simulate --bilan`). */
  nomsEpci: z.record(z.string(), z.string()).optional(),
  detail: z.array(
    z.object({
      logement: z.string(),
      commune: z.string(),
      typologie: z.string(),
      financement: z.string(),
      qpv: z.string().nullable(),
      periode: z.string(),
      date: z.string(),
      exclusion: motif.nullable(),
      ligne: z.string().nullable(),
      pool: z.array(z.string()).nullable(),
      statut: z.enum(['exclue', 'bail_signe', 'echec', 'en_cours']),
      decision: z.string().nullable(),
      dateFin: z.string().nullable(),
      decompte: z.boolean(),
      pourUnTour: z.boolean(),
      quartile1: z.boolean().nullable(),
      prioritaire: z.boolean().nullable(),
      relogementAnru: z.boolean().nullable(),
    }),
  ),
});
export type BilanApi = z.infer<typeof bilanSchema>;

// The contract describes the domain's type exactly: a change on one side breaks the build.
type Egal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _memeForme: Egal<BilanApi, BilanAnnuel> = true;
void _memeForme;
