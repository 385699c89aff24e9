/**
 * The scenario file's contract (docs/scenario-format.md) as one zod schema,
 * shared by the CLI, the API and the published JSON Schema (`schemas/scenario.schema.json`).
 * Unknown fields are errors. Fields added to the contract: `logements[].epci`,
 * `reservataires[].epci`, `conventions[].derogation`, `conventions[].regleReport`, `conventions[].forme`,
 * `conventions[].contrepartie.autre|reference`; the second edition's households, thresholds and CIA
 * targets (docs/scenario-format.md « Deuxième édition »); optional with defaults: `horsFlux`, `report`, `delaiPropositionJours`, `candidatsDemandes`, `gestion`.
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';
import {
  DECISIONS_CAL,
  EXCLUSIONS,
  FINANCEMENTS,
  FORMES_CONVENTION,
  HORS_FLUX,
  MODES_GESTION,
  REGLES_DECOMPTE,
  RELOGEMENTS,
  TYPES_RESERVATAIRE,
  TYPOLOGIES,
} from '../domain/types.ts';

const dateIso = dateCalendaire;
const id = z.string().min(1, 'identifiant vide');
const codeCommune = z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'code commune INSEE attendu (5 caractères)');
const taux = z
  .number()
  .min(0, 'un taux est une fraction entre 0 et 1')
  .max(1, 'un taux est une fraction entre 0 et 1 (0,3 = 30 %)');
const fourchette = z
  .tuple([taux, taux])
  .refine(([min, max]) => min <= max, { message: 'fourchette [min, max] avec min ≤ max' });

export const logementSchema = z.strictObject({
  id,
  commune: codeCommune,
  qpv: z.string().min(1).nullable(),
  typologie: z.enum(TYPOLOGIES),
  financement: z.enum(FINANCEMENTS),
  construction: z.number().int().min(1000).max(2200),
  horsFlux: z.enum(HORS_FLUX).nullable().default(null),
  epci: z
    .string()
    .regex(/^\d{9}$/, 'SIREN d’EPCI attendu (9 chiffres)')
    .optional(),
});

export const reservataireSchema = z.strictObject({
  id,
  type: z.enum(TYPES_RESERVATAIRE),
  nom: z.string().min(1),
  commune: codeCommune.optional(),
  epci: z
    .string()
    .regex(/^\d{9}$/, 'SIREN d’EPCI attendu (9 chiffres)')
    .optional(),
});

const perimetreSchema = z.union([
  z.strictObject({ departement: z.string().regex(/^(\d{2}|2[AB]|97\d)$/, 'code de département attendu') }),
  z.strictObject({ communes: z.array(codeCommune).min(1) }),
  z.strictObject({ epci: z.string().regex(/^\d{9}$/, 'SIREN d’EPCI attendu (9 chiffres)') }),
]);

/** Parts of a convention's taux by what the réservataire gave (CCH R.441-5); Σ = taux. */
const contrepartieSchema = z.strictObject({
  garantie: taux.default(0),
  financement: taux.default(0),
  terrain: taux.default(0),
  autre: taux.default(0),
  reference: z.string().min(1).max(300).optional(),
});

export const conventionSchema = z.strictObject({
  id,
  reservataire: id,
  taux,
  tauxAgents: taux.optional(),
  perimetre: perimetreSchema,
  decompte: z.enum(REGLES_DECOMPTE),
  echecDecompte: z.boolean(),
  delaiPropositionJours: z.number().int().min(1).max(365).default(30),
  candidatsDemandes: z.number().int().min(1).max(10).default(3),
  gestion: z.enum(MODES_GESTION).default('directe'),
  report: z.number().min(-1e6).max(1e6).default(0),
  contraintes: z
    .strictObject({
      uniformiteCommunale: z.boolean().optional(),
      partHorsQpvMin: taux.optional(),
      typologie: z.partialRecord(z.enum(TYPOLOGIES), fourchette).optional(),
      financement: z.partialRecord(z.enum(FINANCEMENTS), fourchette).optional(),
    })
    .optional(),
  derogation: z.strictObject({ arrete: z.string().min(1), du: dateIso, au: dateIso }).optional(),
  regleReport: z.union([z.enum(['aucun', 'integral']), z.strictObject({ plafond: z.number().min(0) })]).optional(),
  forme: z.enum(FORMES_CONVENTION).optional(),
  contrepartie: contrepartieSchema.optional(),
});

const base = { date: dateIso, logement: id };
/**
 * The household of a lease. Second edition: resources, composition, priority categories, rehousing,
 * State agent; the first edition's flags (`quartile1`, `prioritaire`, `relogementAnru`) stay
 * accepted, and an explicit `quartile1` overrides the computation (counted apart as declared).
 */
const menageSchema = z.strictObject({
  quartile1: z.boolean().nullable().optional(),
  prioritaire: z.boolean().optional(),
  relogementAnru: z.boolean().optional(),
  ressourcesAnnuelles: z
    .number()
    .min(0, 'des ressources annuelles en euros, positives ou nulles')
    .max(10_000_000, 'des ressources annuelles en euros (au plus 10 000 000)')
    .optional(),
  personnes: z.number().int('un nombre entier de personnes').min(1, 'au moins une personne').max(30).optional(),
  enfantsMoins14: z.number().int('un nombre entier d’enfants').min(0).max(29).optional(),
  categories: z.array(z.string().min(1, 'catégorie vide').max(60)).max(20).optional(),
  relogement: z.enum(RELOGEMENTS).nullable().optional(),
  agentEtat: z.boolean().optional(),
});

const siren = z.string().regex(/^\d{9}$/, 'SIREN d’EPCI attendu (9 chiffres)');

export const evenementSchema = z.discriminatedUnion('type', [
  z.strictObject({
    ...base,
    type: z.literal('liberation'),
    exclusion: z.enum(EXCLUSIONS).optional(),
    premiereMiseEnLocation: z.boolean().optional(),
    /** [Flux] The tenant's departure, on or after the notice (`date`); the lease is dated on or after it (ADR 0026). */
    depart: dateIso.optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('orientation_forcee'),
    reservataire: id,
    motif: z.string().min(1, 'le motif est obligatoire'),
    /** [Flux] The bailleur confirmed the engine's recommendation: the unit keeps this line whatever is recorded before it. */
    confirmee: z.literal(true).optional(),
  }),
  z.strictObject({
    ...base,
    type: z.literal('orientation_multiple'),
    reservataires: z.array(id).min(2, 'au moins deux réservataires'),
    motif: z.string().min(1, 'le motif est obligatoire'),
  }),
  z.strictObject({ ...base, type: z.literal('candidats'), nombre: z.number().int().min(1) }),
  z.strictObject({ ...base, type: z.literal('decision_cal'), decision: z.enum(DECISIONS_CAL) }),
  z.strictObject({
    ...base,
    type: z.literal('bail_signe'),
    menage: menageSchema.optional(),
    reservataire: id.optional(),
  }),
  z.strictObject({ ...base, type: z.literal('refus') }),
  z.strictObject({ ...base, type: z.literal('sans_candidat') }),
]);

export const scenarioSchema = z.strictObject({
  annee: z
    .number()
    .int()
    .min(2017, 'année 2017 ou suivante (objectifs d’attribution de la loi Égalité et citoyenneté)')
    .max(2100),
  departement: z.string().regex(/^(\d{2}|2[AB]|97\d)$/, 'code de département attendu'),
  bailleur: z.strictObject({ id, nom: z.string().min(1) }),
  logements: z.array(logementSchema),
  reservataires: z.array(reservataireSchema),
  conventions: z.array(conventionSchema),
  evenements: z.array(evenementSchema),
  seuilsPremierQuartile: z
    .record(siren, z.number().positive('un montant en euros par unité de consommation et par an').max(1_000_000))
    .optional(),
  objectifsEpci: z
    .record(siren, z.strictObject({ quartile1HorsQpv: taux.optional(), nonQuartile1EnQpv: taux.optional() }))
    .optional(),
  programmes: z
    .array(
      z.strictObject({
        id,
        nom: z.string().min(1).optional(),
        financement: z.strictObject({ decision: z.string().min(1, 'la référence de la décision'), date: dateIso }),
        logements: z.array(id).min(1, 'au moins un logement'),
        droits: z
          .array(
            z.strictObject({
              reservataire: id,
              logements: z.number().int('un nombre entier de logements').min(1, 'au moins un logement'),
            }),
          )
          .min(1, 'au moins un droit négocié'),
      }),
    )
    .optional(),
});

export type ScenarioEntree = z.input<typeof scenarioSchema>;
