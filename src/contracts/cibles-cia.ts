/**
 * An EPCI's CIA targets (ADR 0038): read by everyone who sees the objectives, entered by the EPCI.
 * Shares are fractions 0–1 (the screen shows and takes percentages); null keeps the legal target.
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';

export const ciblesCiaQuerySchema = z.strictObject({
  /** The EPCI's SIREN; an EPCI reader's own by default. */
  epci: z
    .string()
    .regex(/^\d{9}$/, 'numéro SIREN de l’EPCI attendu (9 chiffres)')
    .optional(),
  annee: z.coerce.number().int().min(2017).max(2100).optional(),
});

const part = (quoi: string) =>
  z
    .number({ error: `${quoi} : un pourcentage entre 1 et 100 attendu` })
    .min(0.01, `${quoi} : 1 % au moins`)
    .max(1, `${quoi} : 100 % au plus`)
    .nullable();

export const saisieCiblesCiaSchema = z.strictObject({
  quartile1HorsQpv: part('objectif hors QPV'),
  nonQuartile1EnQpv: part('objectif en QPV'),
  applicableDu: dateCalendaire,
  adopteeLe: dateCalendaire,
  referenceCia: z
    .string()
    .trim()
    .min(3, 'référence de la CIA : 3 caractères au moins (délibération, date de signature…)')
    .max(300, 'référence de la CIA : 300 caractères au plus'),
  /** The version the form was filled from (0 = none yet): a concurrent entry is refused. */
  versionAttendue: z.number().int().min(0),
});
export type SaisieCiblesCia = z.infer<typeof saisieCiblesCiaSchema>;

const versionSchema = z.object({
  version: z.number(),
  quartile1HorsQpv: z.number().nullable(),
  nonQuartile1EnQpv: z.number().nullable(),
  applicableDu: z.string(),
  adopteeLe: z.string(),
  referenceCia: z.string(),
  saisiPar: z.string(),
  saisiLe: z.string(),
});

/** What the objectives of one EPCI are measured against, and where each figure comes from. */
export const ciblesEpciSchema = z.object({
  quartile1HorsQpv: z.number(),
  nonQuartile1EnQpv: z.number(),
  /** `cia`: at least one target comes from the CIA in force; `loi`: both are the law's defaults. */
  origine: z.enum(['cia', 'loi']),
  /** The CIA version in force for the year, null when none. */
  version: z.number().nullable(),
  referenceCia: z.string().nullable(),
  adopteeLe: z.string().nullable(),
  applicableDu: z.string().nullable(),
});

export const reformeEpciSchema = z.object({
  soumis: z.boolean(),
  motifs: z.array(z.enum(['plh', 'qpv'])),
  explication: z.string(),
  source: z.string(),
});

export const ciblesCiaSchema = z.object({
  epci: z.string(),
  nom: z.string(),
  annee: z.number(),
  reforme: reformeEpciSchema,
  /** The targets applied to the year's objectives. */
  enVigueur: ciblesEpciSchema,
  /** The law's targets (defaults) for the year, with their source. */
  legales: z.object({ quartile1HorsQpv: z.number(), nonQuartile1EnQpv: z.number(), source: z.string() }),
  /** Every version entered, most recent first. */
  versions: z.array(versionSchema),
  /** Whether the actor may enter a new version (the EPCI itself). */
  modifiable: z.boolean(),
});
export type CiblesCiaApi = z.infer<typeof ciblesCiaSchema>;
