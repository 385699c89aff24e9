/**
 * API contracts of the « Simulation » page (issue 18 items 2–5): the Monte Carlo year of a stored
 * year, its assumptions observed then edited in the query, and the answer per option and per line.
 */
import { z } from 'zod';

const departement = z.string().regex(/^(\d{2,3}|2[AB])$/, 'département : 2 ou 3 caractères (45, 2A, 971)');

/** Most runs one request may ask for: each run is a year through the engine, for four options. */
export const TIRAGES_MAX_API = 100;
export const TIRAGES_DEFAUT_API = 30;

const part = z.coerce.number().min(0, 'une part entre 0 et 1').max(1, 'une part entre 0 et 1 (0,15 = 15 %)');
const unites = z.coerce.number().int('un nombre entier de logements').min(0, 'positif ou nul').max(100_000);

export const simulationQuerySchema = z
  .strictObject({
    bailleur: z.string().min(1).max(200).optional(),
    departement: departement.optional(),
    /** The stored year whose stock, conventions and observed flow the runs start from. */
    annee: z.coerce.number().int().min(2018).max(2100).optional(),
    tirages: z.coerce
      .number()
      .int('un nombre entier de tirages')
      .min(1, 'au moins un tirage')
      .max(
        TIRAGES_MAX_API,
        `au plus ${TIRAGES_MAX_API} tirages par requête ; pour davantage, la commande flux simulate --monte-carlo`,
      )
      .default(TIRAGES_DEFAUT_API),
    graine: z.coerce
      .number()
      .int('un entier')
      .min(0, 'un entier positif ou nul')
      .max(2 ** 32 - 1, 'au plus 4 294 967 295')
      .default(1),
    /** The PRU rehousing range, replacing the observed volume. */
    pruMin: unites.optional(),
    pruMax: unites.optional(),
    /** The share of lettings ending in a refusal, replacing the observed one. */
    refus: part.optional(),
    /** Visits per candidate examined in CAL (the workload's assumption). */
    visitesParCandidat: z.coerce.number().min(0, 'positif ou nul').max(10, 'au plus 10').default(1),
    /** k: a line is « en retard » when its balance at 31 December is below −k. */
    seuil: z.coerce.number().min(0, 'positif ou nul').max(1000, 'au plus 1 000 logements').default(1),
    /** Delegated management: share of the State's lettings still ending without a candidate. */
    sansCandidatDelegue: part.default(0),
    /** Capped carry-over: the cap, in units either way. */
    plafondReport: z.coerce.number().min(0, 'positif ou nul').max(1000, 'au plus 1 000 logements').default(2),
    /**
     * The turnover of one or two past years, oldest first, as shares separated by « ; » (e.g.
     * « 0,085;0,09 »): replaces the years read in the stored events; the observed year comes after.
     */
    historique: z
      .string()
      .max(200)
      .regex(
        /^\s*\d+(?:[.,]\d+)?(?:\s*;\s*\d+(?:[.,]\d+)?)?\s*$/,
        'historique : la rotation d’une ou deux années passées, des parts séparées par « ; » (0,085;0,09)',
      )
      .transform((x) => x.split(';').map((v) => Number(v.trim().replace(',', '.'))))
      .refine((v) => v.every((x) => x <= 1), 'historique : chaque rotation est une part entre 0 et 1')
      .optional(),
  })
  .refine((q) => q.pruMin === undefined || q.pruMax === undefined || q.pruMin <= q.pruMax, {
    message: 'fourchette PRU : le minimum ne peut dépasser le maximum',
    path: ['pruMin'],
  });
export type SimulationQuery = z.input<typeof simulationQuerySchema>;

const fourchette = z.object({ p10: z.number(), mediane: z.number(), p90: z.number() });

const ligne = z.object({
  reservataire: z.string(),
  nom: z.string(),
  droit: fourchette,
  misADisposition: fourchette,
  bauxSignes: fourchette,
  solde: fourchette,
  reportAnneeSuivante: fourchette,
  probabiliteRetard: z.number(),
  cumulMensuel: z.array(fourchette),
});

const chargeMois = z.object({
  mois: z.string(),
  /** Files each line instructs (median), by line id; the bailleur's own line under BAILLEUR. */
  dossiers: z.record(z.string(), z.number()),
  examensCal: z.number(),
  visites: z.number(),
});

export const reponseSimulationSchema = z.object({
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  departement: z.string(),
  annee: z.number(),
  /** Units of the stock in the flow (the draws' base). */
  parc: z.number(),
  observees: z.object({
    rotation: z.number(),
    refus: z.number(),
    sansCandidat: z.number(),
    pru: z.tuple([z.number(), z.number()]),
    saisonnalite: z.array(z.number()).nullable(),
  }),
  hypotheses: z.object({
    rotation: z.number(),
    refus: z.number(),
    sansCandidat: z.number(),
    pru: z.tuple([z.number(), z.number()]),
    visitesParCandidat: z.number(),
    sansCandidatDelegue: z.number(),
    plafondReport: z.number(),
    /** Turnover of the years the history option replays (oldest first); null: no such option. */
    historique: z
      .object({ annees: z.array(z.number()), rotations: z.array(z.number()), source: z.enum(['stockee', 'saisie']) })
      .nullable(),
  }),
  tirages: z.number(),
  graine: z.number(),
  tiragesMax: z.number(),
  seuilRetard: z.number(),
  /** The lines this reader sees: every one for the bailleur and the State, its own for a réservataire. */
  options: z.array(
    z.object({
      nom: z.string(),
      /** The option's assumptions in words. */
      description: z.string(),
      fluxAnnuel: fourchette,
      lignes: z.array(ligne),
      charge: z.array(chargeMois),
    }),
  ),
  /** Options not run for this year, and why (no State convention, no history). */
  optionsAbsentes: z.array(z.object({ nom: z.string(), raison: z.string() })),
});
export type ReponseSimulation = z.infer<typeof reponseSimulationSchema>;
