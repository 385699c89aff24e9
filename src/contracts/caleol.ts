/**
 * Contracts of the CALEOL's occupancy review (ADR 0044): the occupancy upload's summary, the list of
 * households to examine by case (units named by their RPLS number, never an internal id shown),
 * the sessions and their avis, the follow-up. Shared by the server and the web app.
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';

/** The largest occupancy file (one short row per unit). */
export const TAILLE_MAX_OCCUPATION = 20 * 1024 * 1024;

export const CAS = [
  'sur_occupation',
  'sous_occupation',
  'adapte_quitte',
  'handicap_non_adapte',
  'depassement_plafond',
] as const;
export const AVIS = ['proposition_mutation', 'accession_sociale', 'maintien', 'situation_non_constatee'] as const;
export const SUIVIS = ['en_attente', 'proposee', 'acceptee', 'refusee', 'abandonnee'] as const;

export const occupationUploadQuerySchema = z.strictObject({ nom: z.string().max(200).optional() });

export const resumeOccupationSchema = z.object({
  bailleur: z.string(),
  fichier: z.string(),
  empreinte: z.string(),
  encodage: z.enum(['utf-8', 'windows-1252']),
  lignes: z.number(),
  nouveaux: z.number(),
  modifies: z.number(),
  inchanges: z.number(),
  purges: z.number(),
  champsModifies: z.record(z.string(), z.number()),
});
export type ResumeOccupationApi = z.infer<typeof resumeOccupationSchema>;

const casSchema = z.object({ cas: z.string(), motif: z.string(), libelle: z.string(), texte: z.string() });

export const menageCaleolSchema = z.object({
  occupationId: z.string(),
  rpls: z.string(),
  adresse: z.string().nullable(),
  typologie: z.string(),
  dateBail: z.string(),
  personnes: z.number(),
  echeance: z.string(),
  echu: z.boolean(),
  cas: z.array(casSchema),
  manquants: z.array(z.string()),
});
export type MenageCaleolApi = z.infer<typeof menageCaleolSchema>;

export const avisCaleolSchema = z.object({
  id: z.string(),
  rpls: z.string(),
  echeance: z.string(),
  cas: z.array(casSchema),
  avis: z.enum(AVIS),
  libelleAvis: z.string(),
  caracteristiques: z.string().nullable(),
  suivi: z.enum(SUIVIS).nullable(),
  rplsPropose: z.string().nullable(),
  mutationOuverte: z.boolean(),
  version: z.number(),
});
export type AvisCaleolApi = z.infer<typeof avisCaleolSchema>;

export const seanceCaleolSchema = z.object({ id: z.string(), date: z.string(), avis: z.array(avisCaleolSchema) });
export type SeanceCaleolApi = z.infer<typeof seanceCaleolSchema>;

export const listeCaleolSchema = z.object({
  date: z.string(),
  horizonJours: z.number(),
  occupations: z.number(),
  communesEnZone: z.number(),
  sourcesZones: z.array(z.string()),
  parCas: z.array(z.object({ cas: z.enum(CAS), libelle: z.string(), texte: z.string(), menages: z.number() })),
  sansCas: z.number(),
  incomplets: z.number(),
  horsZone: z.number(),
  nonDus: z.number(),
  menages: z.array(menageCaleolSchema),
  seances: z.array(seanceCaleolSchema),
});
export type ListeCaleolApi = z.infer<typeof listeCaleolSchema>;

export const listeCaleolQuerySchema = z.strictObject({ date: dateCalendaire.optional() });
export const creerSeanceCaleolSchema = z.strictObject({ date: dateCalendaire });
export const avisCaleolBodySchema = z.strictObject({
  occupationId: z.string().min(1).max(100),
  avis: z.enum(AVIS),
  caracteristiques: z.string().max(1000).nullable().optional(),
});
export const suiviCaleolBodySchema = z.strictObject({
  suivi: z.enum(SUIVIS),
  version: z.number().int(),
  logementPropose: z.string().max(50).optional(),
  date: dateCalendaire.optional(),
  dateLiberation: dateCalendaire.optional(),
});

export const saisieOccupationSchema = z.strictObject({
  rpls: z.string().min(1).max(50),
  dateBail: dateCalendaire,
  personnes: z.number().int(),
  ressources: z.number().nullable().optional(),
  plafond: z.number().nullable().optional(),
  handicap: z.boolean().nullable().optional(),
  logementAdapte: z.boolean().nullable().optional(),
  pieces: z.number().int().nullable().optional(),
  surface: z.number().nullable().optional(),
});
export const resultatSaisieOccupationSchema = z.object({
  rpls: z.string(),
  nouveau: z.boolean(),
  champs: z.array(z.string()),
});
