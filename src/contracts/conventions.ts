/**
 * API and CLI contracts of conventions kept as versions (avenants): a version's parameters are the
 * scenario format's convention (`conventionSchema`) without its id and réservataire, plus the date it
 * takes effect. One schema per contract, shared by the API, the web client and `flux conventions`.
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';
import { chiffresLigneSchema } from './api.ts';
import { FORMES_CONVENTION, type FormeConvention } from '../domain/types.ts';
import { conventionSchema } from './scenario.ts';

const dateIso = dateCalendaire;
const departement = z.string().regex(/^(\d{2}|2[AB]|97\d)$/, 'code de département attendu (45, 2A, 971)');
const motif = z.string().trim().min(1, 'le motif est obligatoire').max(2000, '2 000 caractères au plus');

export const LIBELLES_FORME: Readonly<Record<FormeConvention, string>> = {
  stock: 'en stock',
  conversion: 'en conversion',
  flux: 'en flux',
};

/** A version's parameters in the scenario format (taux, périmètre, décompte, contraintes, forme…). */
export const parametresVersionSchema = conventionSchema.omit({ id: true, reservataire: true });
export type ParametresVersion = z.output<typeof parametresVersionSchema>;

/** The file of `flux conventions avenant --fichier`: the version's parameters and the date it takes effect. */
export const fichierAvenantSchema = parametresVersionSchema.extend({
  effectifLe: dateIso,
  motif: motif.optional(),
});

/** POST /api/conventions/:id/versions — a new version (avenant), never a change to a written one. */
export const avenantSchema = parametresVersionSchema.extend({
  effectifLe: dateIso,
  motif,
  /** The version the author read: if another one was written since, the avenant is refused (409). */
  versionLue: z.number().int().min(1, 'numéro de version attendu'),
});
export type AvenantEntree = z.input<typeof avenantSchema>;

/** POST /api/conventions — a new convention of the signed-in bailleur, with its first version. */
export const nouvelleConventionSchema = parametresVersionSchema.extend({
  reservataire: z.string().min(1, 'réservataire attendu').max(200),
  departement,
  effectifLe: dateIso,
  motif: motif.optional(),
});
export type NouvelleConventionEntree = z.input<typeof nouvelleConventionSchema>;

export const registreQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
  bailleur: z.string().min(1).max(200).optional(),
  /** Issue 12: one page (at most 100), filtered by réservataire, form status or a name, most urgent first. */
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  parPage: z.coerce.number().int().min(1).max(100).default(50),
  reservataire: z.string().min(1).max(200).optional(),
  statut: z.enum(['flux', 'a_convertir', 'caduque']).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export const anneeConventionQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
});

const partieSchema = z.object({ id: z.string(), nom: z.string() });

/** The year's ledger line of the convention (the engine's run over the year's events). */
export const ligneAnneeSchema = chiffresLigneSchema.extend({
  annee: z.number().int(),
  /** Carry-over from the previous year in this year's droit: the issued bilan's (ADR 0019), else the convention's. */
  report: z.number(),
  reportAnneeSuivante: z.number(),
  enCours: z.number(),
});

/** A stock convention past the conversion deadline: its rights fall to the préfet, and what that does to the State's flow. */
/** The préfet's decision taking back a caduque convention's rights, as the State pilot recorded it. */
export const repriseApiSchema = z.object({
  decideLe: z.string(),
  reference: z.string(),
  commentaire: z.string().nullable(),
  enregistreLe: z.string(),
  auteur: z.string().nullable(),
});
export type RepriseApi = z.infer<typeof repriseApiSchema>;

/** POST /api/conventions/:id/reprise-prefet — the préfet's reprise decision, recorded once (irreversible). */
export const repriseEntreeSchema = z.strictObject({
  decideLe: dateIso,
  reference: z
    .string()
    .trim()
    .min(1, 'la référence de l’acte du préfet est obligatoire (arrêté, décision)')
    .max(300, '300 caractères au plus'),
  commentaire: z.string().trim().max(2000, '2 000 caractères au plus').optional(),
});
export type RepriseEntree = z.input<typeof repriseEntreeSchema>;

export const caduciteSchema = z.object({
  /** The first day the convention is caduque (the day after the deadline). */
  depuis: z.string(),
  source: z.string(),
  /** The convention's share of the flow now exercised by the préfet, and this year's droit on it. */
  tauxRepris: z.number(),
  droitRepris: z.number().nullable(),
  /** The State's line before and after taking these rights back (null when the bailleur has no State convention). */
  etat: z
    .object({
      conventionId: z.string(),
      tauxAvant: z.number(),
      tauxApres: z.number(),
      droitAvant: z.number().nullable(),
      droitApres: z.number().nullable(),
    })
    .nullable(),
  /** The préfet's decision once recorded; null while the reprise is only possible. */
  reprise: repriseApiSchema.nullable(),
  /** May the signed-in actor record the préfet's decision (the State pilot, none recorded yet). */
  repriseEnregistrable: z.boolean(),
  message: z.string(),
});

export const formeSchema = z.object({
  forme: z.enum(FORMES_CONVENTION),
  libelle: z.string(),
  /** The conversion deadline in force (24 Nov 2023) and its source; null before the loi ELAN. */
  echeance: z.object({ date: z.string(), source: z.string() }).nullable(),
  statut: z.enum(['flux', 'a_convertir', 'caduque']),
  /** « caduque — reprise possible par décision du préfet » (or the decision once recorded), or what is left before the deadline. */
  message: z.string(),
  caducite: caduciteSchema.nullable(),
});

/** A warning the law raises without forbidding (the collectivities' 20 % of guarantees, CCH R.441-5): the write succeeds. */
export const avertissementSchema = z.object({ chemin: z.string(), message: z.string() });
export type AvertissementApi = z.infer<typeof avertissementSchema>;

/**
 * What the réservataire gave for its rights (CCH R.441-5): the taux split, Σ = taux, and the act.
 * Null on a version written before it was recorded: all of the taux counted as loan guarantee.
 */
export const contrepartieApiSchema = z.object({
  garantie: z.number(),
  financement: z.number(),
  terrain: z.number(),
  autre: z.number(),
  reference: z.string().nullable(),
});
export type ContrepartieApi = z.infer<typeof contrepartieApiSchema>;

export const versionConventionSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  effectifLe: z.string(),
  taux: z.number(),
  tauxAgents: z.number().nullable(),
  forme: z.enum(FORMES_CONVENTION),
  parametres: z.record(z.string(), z.unknown()),
  contrepartie: contrepartieApiSchema.nullable(),
  creeLe: z.string(),
  /** From the audit trail: who wrote it and why. */
  auteur: z.string().nullable(),
  motif: z.string().nullable(),
  enVigueur: z.boolean(),
});
export type VersionConventionApi = z.infer<typeof versionConventionSchema>;

/** One line of the register: a convention, its version in force and its balance of the year. */
export const conventionResumeSchema = z.object({
  id: z.string(),
  bailleur: partieSchema,
  reservataire: partieSchema.extend({ type: z.string() }),
  departement: z.string(),
  versionEnVigueur: versionConventionSchema.nullable(),
  versions: z.number().int(),
  forme: formeSchema,
  ligne: ligneAnneeSchema.nullable(),
});
export type ConventionResumeApi = z.infer<typeof conventionResumeSchema>;

export const registreConventionsSchema = z.object({
  annee: z.number().int(),
  aujourdhui: z.string(),
  /** Conventions matching the filters (all pages); `conventions` holds page `page` of `parPage`. */
  total: z.number().int(),
  page: z.number().int(),
  parPage: z.number().int(),
  conventions: z.array(conventionResumeSchema),
});
export type RegistreConventionsApi = z.infer<typeof registreConventionsSchema>;

export const conventionDetailSchema = conventionResumeSchema.extend({
  annee: z.number().int(),
  aujourdhui: z.string(),
  /** Every version, latest first. */
  historique: z.array(versionConventionSchema),
  /** May the signed-in actor write an avenant (the bailleur's agent). */
  modifiable: z.boolean(),
  /**
   * What the law flags on this convention without forbidding it (CCH R.441-5, the collectivities' 20 %
   * of guarantees): today's conventions on a read; after a write, those of the version written.
   */
  avertissements: z.array(avertissementSchema),
});
export type ConventionDetailApi = z.infer<typeof conventionDetailSchema>;
