/** API contracts of the annual bilan's issuing, sending, year lock and late corrections (issue 7). */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';
import { FENETRE_MAX_JOURS, MOTIF_FENETRE_MIN } from '../domain/emission-bilan.ts';

const annee = z.coerce.number().int().min(2000, 'année invalide').max(2100, 'année invalide');
const departement = z.string().regex(/^(\d{2,3}|2[AB])$/, 'département : 2 ou 3 caractères (45, 2A, 971)');

export const emissionQuerySchema = z.strictObject({
  annee,
  bailleur: z.string().min(1).max(200).optional(),
  departement: departement.optional(),
});

export const emissionVersionParamsSchema = z.strictObject({ version: z.coerce.number().int().min(1) });

/** An issued version as a document: XLSX, PDF or CSV. */
export const emissionDocumentParamsSchema = z.strictObject({
  version: z.coerce.number().int().min(1),
  format: z.enum(['xlsx', 'pdf', 'csv']),
});

export const emettreSchema = z.strictObject({ annee, departement: departement.optional() });

export const envoiSchema = z.strictObject({
  annee,
  departement: departement.optional(),
  version: z.number().int().min(1),
  organisationId: z.string().min(1).max(200),
});

export const fenetreSchema = z.strictObject({
  annee,
  departement: departement.optional(),
  motif: z
    .string()
    .trim()
    .min(MOTIF_FENETRE_MIN, `motif écrit d’au moins ${MOTIF_FENETRE_MIN} caractères obligatoire`)
    .max(2000),
  /** Last day of the window (inclusive), at most FENETRE_MAX_JOURS days ahead. */
  fin: dateCalendaire.describe(`dernier jour de la fenêtre, au plus ${FENETRE_MAX_JOURS} jours après aujourd’hui`),
});

const changement = { avant: z.number(), apres: z.number() };
export const differenceSchema = z.object({
  identique: z.boolean(),
  lignes: z.array(z.object({ ligne: z.string(), nom: z.string(), compteur: z.string(), ...changement })),
  dimensions: z.array(
    z.object({
      dimension: z.string(),
      valeur: z.string(),
      libelle: z.string(),
      ligne: z.string(),
      nom: z.string(),
      compteur: z.string(),
      ...changement,
    }),
  ),
  flux: z.array(z.object({ champ: z.string(), ...changement })),
  logements: z.array(
    z.object({
      logement: z.string(),
      date: z.string(),
      champ: z.string(),
      avant: z.string().nullable(),
      apres: z.string().nullable(),
    }),
  ),
});

export const correctionSchema = z.object({
  id: z.string(),
  locationId: z.string().nullable(),
  logementId: z.string().nullable(),
  action: z.string(),
  motif: z.string(),
  par: z.string().nullable(),
  le: z.string(),
  fenetre: z.object({ id: z.string(), motif: z.string() }),
});

export const emissionsAnneeSchema = z.object({
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  departement: z.string(),
  annee: z.number().int(),
  aujourdhui: z.string(),
  emissionPossibleLe: z.string(),
  echeance: z.string(),
  peutEmettre: z.boolean(),
  etat: z.enum(['ouverte', 'verrouillee', 'correction']),
  fenetreMaxJours: z.number().int(),
  fenetres: z.array(
    z.object({
      id: z.string(),
      motif: z.string(),
      fin: z.string(),
      ouverteLe: z.string(),
      ouvertePar: z.string(),
      clotureeLe: z.string().nullable(),
      ouverte: z.boolean(),
    }),
  ),
  destinataires: z.array(
    z.object({ organisationId: z.string(), nom: z.string(), nature: z.enum(['reservataire', 'epci']) }),
  ),
  versions: z.array(
    z.object({
      version: z.number().int(),
      emisLe: z.string(),
      emisPar: z.string(),
      empreinte: z.string(),
      difference: differenceSchema.nullable(),
      corrections: z.array(correctionSchema),
      envois: z.array(
        z.object({ organisationId: z.string(), nom: z.string(), envoyeLe: z.string(), envoyePar: z.string() }),
      ),
      telechargements: z.array(
        z.object({ organisationId: z.string(), nom: z.string(), utilisateur: z.string(), le: z.string() }),
      ),
    }),
  ),
  correctionsEnAttente: z.array(correctionSchema),
});
export type EmissionsAnneeApi = z.infer<typeof emissionsAnneeSchema>;

/** A stored version as downloaded: the BilanAnnuel JSON (src/domain/bilan.ts), scoped for a réservataire. */
export const versionEmiseSchema = z.object({
  version: z.number().int(),
  emisLe: z.string(),
  empreinte: z.string(),
  bilan: z.record(z.string(), z.unknown()),
});
