/**
 * New programmes and the rights negotiated at their financing (ADR 0035, 0047): read by the
 * bailleur, the réservataires holding rights and the State pilot; entered by the bailleur.
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';

export const programmesQuerySchema = z.strictObject({
  /** The bailleur (organisation id); a bailleur's agent reads its own by default. */
  bailleur: z.string().min(1).max(200).optional(),
  /** Any programme whose name or commune contains this text (default: the new programmes). */
  recherche: z.string().max(100, 'recherche : 100 caractères au plus').optional(),
});

export const saisieDroitsProgrammeSchema = z.strictObject({
  decisionFinancement: z
    .string()
    .trim()
    .min(3, 'décision de financement : 3 caractères au moins (sa référence : convention, délibération, numéro)')
    .max(300, 'décision de financement : 300 caractères au plus'),
  dateFinancement: dateCalendaire,
  /** The programme's planned delivery (its first lettings), counted by that year's forecast; null when unknown. */
  livraisonPrevue: dateCalendaire.nullable().default(null),
  /** In order: the first lettings go to the first right while it lasts, then the next. Empty withdraws them. */
  droits: z
    .array(
      z.strictObject({
        reservataire: z.string().min(1, 'choisissez le réservataire').max(200),
        logements: z
          .number({ error: 'nombre de logements : un nombre entier attendu' })
          .int('nombre de logements : un nombre entier attendu')
          .min(1, 'nombre de logements : 1 au moins')
          .max(10_000, 'nombre de logements : 10 000 au plus'),
      }),
    )
    .max(20, '20 droits au plus par programme'),
  /** The version the form was filled from (0 = none yet): a concurrent entry is refused. */
  versionAttendue: z.number().int().min(0),
});
export type SaisieDroitsProgramme = z.input<typeof saisieDroitsProgrammeSchema>;

export const programmeSchema = z.object({
  id: z.string(),
  nom: z.string(),
  commune: z.string(),
  departement: z.string().nullable(),
  /** Units of the programme in the stock. */
  logements: z.number(),
  /** First lettings declared (liberations marked « première mise en location »). */
  premieresLocations: z.number(),
  /** The version of the rights in force (0: none entered). */
  version: z.number(),
  versions: z.number(),
  financement: z.object({ decision: z.string(), date: z.string() }).nullable(),
  livraisonPrevue: z.string().nullable(),
  droits: z.array(z.object({ reservataire: z.string(), nom: z.string(), logements: z.number() })),
  saisi: z.object({ par: z.string(), le: z.string() }).nullable(),
});
export type ProgrammeApi = z.infer<typeof programmeSchema>;

export const programmesSchema = z.object({
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  programmes: z.array(programmeSchema),
  /** More programmes match than listed (MAX_PROGRAMMES): narrow the search. */
  tronque: z.boolean(),
  /** The réservataires that can hold rights (the bailleur's convention partners); empty for readers. */
  reservataires: z.array(z.object({ id: z.string(), nom: z.string() })),
  modifiable: z.boolean(),
});
export type ProgrammesApi = z.infer<typeof programmesSchema>;
