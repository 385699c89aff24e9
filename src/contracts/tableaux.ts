/**
 * Contract of the dashboards (issue 7 item 4), shared by the server (validation, OpenAPI) and the
 * web front end: GET /api/tableau?annee= answers what the actor's role may see.
 */
import { z } from 'zod';
import { objectifsSchema } from './cal.ts';

export const tableauQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
});

const douzeMois = z.array(z.number().int()).length(12);

const pointSchema = z.object({ mois: z.number().int().min(1).max(12), droit: z.number(), decomptes: z.number().int() });

const mixSchema = z.object({
  dimension: z.enum(['typologie', 'financement', 'qpv']),
  libelle: z.string(),
  valeurs: z.array(
    z.object({
      code: z.string(),
      libelle: z.string(),
      recus: z.number().int(),
      partRecue: z.number(),
      flux: z.number().int(),
      partFlux: z.number(),
    }),
  ),
});

export const ligneTableauSchema = z.object({
  /** Réservataire id, "BAILLEUR", or the id of a sum. */
  ligne: z.string(),
  nom: z.string(),
  type: z.string().nullable(),
  taux: z.number().nullable(),
  droit: z.number(),
  decomptes: z.number().int(),
  solde: z.number(),
  /** January to December: entitlement and counted units at the end of each month. */
  points: z.array(pointSchema).length(12),
  /** Lettings of the line ended without candidate, by month. */
  sansCandidat: douzeMois,
  mix: z.array(mixSchema),
});

export const tableauBailleurSchema = z.object({
  bailleurId: z.string(),
  bailleur: z.string(),
  departement: z.string(),
  fluxAnnuel: z.number().int(),
  lignes: z.array(ligneTableauSchema),
});

export const tableauSchema = z.object({
  annee: z.number().int(),
  aujourdhui: z.string(),
  /** The month of today when it is in the year shown (1–12), else null (a year over, or to come). */
  moisCourant: z.number().int().min(1).max(12).nullable(),
  role: z.enum(['agent_bailleur', 'agent_reservataire', 'pilote_etat', 'lecteur_epci']),
  /** What the dashboard covers, in French. */
  perimetre: z.string(),
  /** Each bailleur in scope with its lines (a réservataire: its own line only). */
  bailleurs: z.array(tableauBailleurSchema),
  /** A réservataire: its lines with every bailleur, as one. */
  total: ligneTableauSchema.nullable(),
  /** The State pilot: the use of the State's contingent in its département. */
  contingentEtat: z
    .object({
      droit: z.number(),
      decomptes: z.number().int(),
      /** decomptes ÷ droit, null without entitlement. */
      taux: z.number().nullable(),
      ligne: ligneTableauSchema,
      parBailleur: z.array(
        z.object({
          bailleurId: z.string(),
          bailleur: z.string(),
          droit: z.number(),
          decomptes: z.number().int(),
          taux: z.number().nullable(),
        }),
      ),
      explication: z.string(),
    })
    .nullable(),
  /** An EPCI reader: the lettings of its territory's units. */
  territoire: z
    .object({
      epci: z.string(),
      nom: z.string(),
      communes: z.number().int(),
      mois: z
        .array(
          z.object({
            mois: z.number().int(),
            flux: z.number().int(),
            attribues: z.number().int(),
            baux: z.number().int(),
            sansCandidat: z.number().int(),
          }),
        )
        .length(12),
      parLigne: z.array(z.object({ ligne: z.string(), nom: z.string(), logements: z.number().int() })),
      parBailleur: z.array(
        z.object({ bailleurId: z.string(), bailleur: z.string(), departement: z.string(), flux: z.number().int() }),
      ),
    })
    .nullable(),
  objectifs: objectifsSchema,
  /** Deadlines missed in the scope, by month. */
  delais: z.object({
    /** Lettings ended without candidate (the engine's). */
    sansCandidat: douzeMois,
    /** Proposal deadlines passed without candidates (month of the deadline). */
    propositionsDepassees: douzeMois,
    /** Offers of the CAL unanswered after ten days (silence = refusal; month of the deadline). */
    offresExpirees: douzeMois,
  }),
});

export type TableauApi = z.infer<typeof tableauSchema>;
export type LigneTableauApi = z.infer<typeof ligneTableauSchema>;
