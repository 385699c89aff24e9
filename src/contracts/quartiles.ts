/**
 * The first-quartile thresholds' API (CCH L.441-1, ADR 0034): the year's amounts per EPCI, and their
 * import (CSV `siren;montant`, all or nothing, errors `fichier:ligne:colonne`).
 */
import { z } from 'zod';

export const quartilesQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2017, 'année : 2017 ou après').max(2100).optional(),
});

export const importQuartilesQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2017, 'année : 2017 ou après (loi Égalité et citoyenneté)').max(2100),
  /** The act: the arrêté's title and date (default: the annual arrêté of that year). */
  source: z.string().trim().min(3).max(300).optional(),
  nom: z.string().max(200).optional(),
});

export const seuilsAnneeSchema = z.object({
  annee: z.number(),
  annees: z.array(z.number()),
  seuils: z.array(
    z.object({
      epci: z.string(),
      nom: z.string(),
      montant: z.number(),
      montantPrecedent: z.number().nullable(),
      source: z.string(),
      importePar: z.string(),
      importeLe: z.string(),
    }),
  ),
  peutImporter: z.boolean(),
});
export type SeuilsAnneeApi = z.infer<typeof seuilsAnneeSchema>;

export const resumeImportQuartilesSchema = z.object({
  annee: z.number(),
  fichier: z.string(),
  epci: z.number(),
  modifies: z.number(),
  retires: z.number(),
  source: z.string(),
});

/** A thresholds file is a few hundred lines: 1 MB is plenty. */
export const TAILLE_MAX_QUARTILES = 1024 * 1024;
