/**
 * The file of `flux plan` (docs/planification.md, « Le plan d’attribution »): the plan file of
 * `flux planifier` (its `tirages`, `graine`, `options` and `seuilRetard` are accepted and not read,
 * so one file serves both commands), whose `hypotheses` forecast the flow by segment, and an
 * optional `attribution` block: the forecast by segment given directly, and the units whose rent
 * is at or under the APL ceiling (the cheap units, with every PLAI unit).
 */
import { z } from 'zod';
import { FINANCEMENTS, TYPOLOGIES } from '../domain/types.ts';
import { hypothesesSchema, planSchema } from './planification.ts';

const part = z.number().min(0, 'une part entre 0 et 1').max(1, 'une part entre 0 et 1');

export const segmentSchema = z.strictObject({
  commune: z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'code INSEE de commune à 5 caractères'),
  typologie: z.enum(TYPOLOGIES),
  financement: z.enum(FINANCEMENTS),
  qpv: z.boolean(),
  epci: z
    .string()
    .regex(/^\d{9}$/, 'SIREN à 9 chiffres')
    .optional(),
  flux: z.number().min(0, 'un nombre de logements positif ou nul').max(1_000_000),
  partSousPlafondApl: part.optional(),
});

export const attributionSchema = z.strictObject({
  segments: z.array(segmentSchema).min(1, 'au moins un segment').max(20_000).optional(),
  loyersSousPlafondApl: z.array(z.string().min(1)).max(1_000_000).optional(),
});

export const planAttributionSchema = planSchema
  .extend({
    hypotheses: hypothesesSchema.optional(),
    tirages: z.number().optional(),
    graine: z.number().optional(),
    seuilRetard: z.number().optional(),
    attribution: attributionSchema.optional(),
  })
  .refine((p) => p.hypotheses !== undefined || p.attribution?.segments !== undefined, {
    message: 'il faut les hypothèses (rotation) ou les segments du flux prévu (attribution.segments)',
    path: ['hypotheses'],
  });

export type FichierPlanAttribution = z.infer<typeof planAttributionSchema>;
