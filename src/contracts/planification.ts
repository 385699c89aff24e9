/**
 * The plan file of `flux planifier` (docs/planification.md): a scenario's stock, réservataires and
 * conventions, the assumptions the years are drawn from, how many runs and the seed, the options to
 * compare. Unknown fields are errors, as in the scenario.
 */
import { z } from 'zod';
import { REGLES_DECOMPTE, TYPOLOGIES } from '../domain/types.ts';
import { evenementSchema, scenarioSchema } from './scenario.ts';

const part = z.number().min(0, 'une part entre 0 et 1').max(1, 'une part entre 0 et 1 (0,09 = 9 %)');

export const hypothesesSchema = z
  .strictObject({
    rotation: part,
    rotationParTypologie: z.partialRecord(z.enum(TYPOLOGIES), part).optional(),
    historiqueRotation: z.array(part).min(1, 'au moins une année').max(30).optional(),
    saisonnalite: z
      .array(z.number().min(0, 'un poids positif ou nul'))
      .length(12, 'douze poids mensuels, de janvier à décembre')
      .refine((p) => p.some((w) => w > 0), 'au moins un mois de poids non nul')
      .optional(),
    refus: part,
    sansCandidat: part,
    pru: z
      .tuple([z.number().int().min(0), z.number().int().min(0)])
      .refine(([a, b]) => a <= b, 'fourchette [min, max] avec min ≤ max')
      .optional(),
    delais: z
      .strictObject({
        candidats: z.number().int().min(0).max(365),
        cal: z.number().int().min(0).max(365),
        bail: z.number().int().min(0).max(365),
      })
      .refine((d) => d.candidats <= d.cal && d.cal <= d.bail, 'candidats ≤ CAL ≤ bail (jours après le préavis)')
      .optional(),
  })
  .refine((h) => h.refus + h.sansCandidat <= 1, {
    message: 'refus + sansCandidat ne peuvent dépasser 1 (toutes les locations)',
    path: ['refus'],
  });

export const planSchema = z.strictObject({
  scenario: scenarioSchema.extend({
    evenements: z.array(evenementSchema).max(0, 'un plan ne lit pas d’événements : ils sont tirés').default([]),
  }),
  hypotheses: hypothesesSchema,
  tirages: z.number().int().min(1, 'au moins un tirage').max(2000, 'au plus 2 000 tirages').default(200),
  graine: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  options: z
    .array(
      z.strictObject({
        nom: z.string().min(1, 'le nom de l’option'),
        description: z.string().max(2000).optional(),
        decompte: z.enum(REGLES_DECOMPTE).optional(),
        echecDecompte: z.boolean().optional(),
        /** ADR 0049: every réservataire covering a unit is offered it at once; the first to fill takes it. */
        parLogement: z.enum(['un', 'tous']).optional(),
        /** ADR 0049: the bailleur designates for these lines; `sansCandidat` of their lettings still missed. */
        gestionDeleguee: z
          .strictObject({
            lignes: z.array(z.string().min(1)).min(1, 'au moins une ligne'),
            sansCandidat: part.default(0),
          })
          .optional(),
        regleReport: z
          .union([z.enum(['aucun', 'integral']), z.strictObject({ plafond: z.number().min(0).max(1000) })])
          .optional(),
      }),
    )
    .max(12)
    .optional(),
  seuilRetard: z.number().min(0).max(1000).default(1),
});
