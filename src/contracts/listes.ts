/**
 * Contracts of the work-queue lists (issue 12): the inbox page, the unit search of the
 * declaration form, and the letting page (`/locations/:id`) with its timeline. Shared by the
 * server and the web front end.
 */
import { z } from 'zod';
import { TYPOLOGIES } from '../domain/types.ts';
import { FILTRES_ECHEANCE, locationSchema, PAR_PAGE_MAX } from './api.ts';
import { candidatureBoiteSchema, elementBoiteSchema } from './orientation.ts';

export const boiteQuerySchema = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  parPage: z.coerce.number().int().min(1).max(PAR_PAGE_MAX).default(50),
  etat: z.string().max(40).optional(),
  echeance: z.enum(FILTRES_ECHEANCE).optional(),
  commune: z
    .string()
    .regex(/^\d[\dAB]\d{3}$/, 'code INSEE de commune attendu (5 caractères)')
    .optional(),
  typologie: z.enum(TYPOLOGIES).optional(),
  reservataire: z.string().min(1).max(200).optional(),
  bailleur: z.string().min(1).max(200).optional(),
  q: z.string().trim().min(1).max(100).optional(),
});

export const elementBoiteListeSchema = elementBoiteSchema.extend({
  logement: elementBoiteSchema.shape.logement.extend({
    rpls: z.string(),
    adresse: z.string().nullable(),
    nomCommune: z.string(),
  }),
});
export type ElementBoiteListeApi = z.infer<typeof elementBoiteListeSchema>;

export const pageBoiteSchema = z.object({
  aujourdhui: z.string(),
  total: z.number(),
  page: z.number(),
  parPage: z.number(),
  /** Units where the actor may still propose candidates (whatever the filters). */
  aProposer: z.number(),
  elements: z.array(elementBoiteListeSchema),
});
export type PageBoiteApi = z.infer<typeof pageBoiteSchema>;

export const rechercheQuerySchema = z.strictObject({
  q: z.string().trim().min(1, 'saisissez au moins un caractère').max(100),
});

export const suggestionLogementSchema = z.object({
  id: z.string(),
  rpls: z.string(),
  adresse: z.string().nullable(),
  commune: z.string(),
  nomCommune: z.string(),
  typologie: z.string(),
  horsFlux: z.string().nullable(),
  /** A letting is already under way: a new declaration would be refused. */
  locationEnCours: z.boolean(),
});
export type SuggestionLogementApi = z.infer<typeof suggestionLogementSchema>;
export const rechercheLogementsSchema = z.object({ logements: z.array(suggestionLogementSchema) });

/** One line of a letting's timeline: what happened, on which day, who recorded it and when, and why. */
export const faitChronologieSchema = z.object({
  /** The day it happened (the event's date), YYYY-MM-DD. */
  date: z.string(),
  /** When it was recorded (ISO instant), null for data recorded without a trace (demo or migration). */
  enregistreLe: z.string().nullable(),
  quoi: z.string(),
  /** « Prénom Nom (Organisation) », « Flux (automatique) », or null when not traced. */
  qui: z.string().nullable(),
  pourquoi: z.string().nullable(),
});
export type FaitChronologieApi = z.infer<typeof faitChronologieSchema>;

export const dossierLocationSchema = z.object({
  location: locationSchema,
  logement: z.object({
    id: z.string(),
    rpls: z.string(),
    adresse: z.string().nullable(),
    commune: z.string(),
    nomCommune: z.string(),
    typologie: z.string(),
    financement: z.string(),
    qpv: z.string().nullable(),
    construction: z.number(),
    surface: z.number().nullable(),
    loyer: z.number().nullable(),
  }),
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  /** The line the unit counts for, in words (« Action Logement Services », « Part propre du bailleur »…). */
  orientation: z.string().nullable(),
  delai: z
    .object({
      decision: z.string(),
      orienteeLe: z.string(),
      echeance: z.string().nullable(),
      joursRestants: z.number().nullable(),
    })
    .nullable(),
  candidats: z.array(candidatureBoiteSchema.extend({ reservataire: z.string().nullable() })),
  cal: z.array(
    z.object({
      sessionId: z.string(),
      dateSession: z.string(),
      lieu: z.string().nullable(),
      decision: z.string().nullable(),
      motif: z.string().nullable(),
      classement: z.array(z.string()),
    }),
  ),
  offres: z.array(
    z.object({
      rang: z.number(),
      numeroSne: z.string(),
      dateOffre: z.string(),
      echeance: z.string(),
      reponse: z.string().nullable(),
      dateReponse: z.string().nullable(),
    }),
  ),
  bail: z.object({ dateSignature: z.string() }).nullable(),
  chronologie: z.array(faitChronologieSchema),
  /** The letting as the actor's inbox shows it (deadline, who proposes), null when it is not in it. */
  boite: elementBoiteSchema.nullable(),
  /** What the signed-in actor may do now on this letting. */
  actions: z.object({
    /** Read (and for the bailleur, decide) the engine's recommendation. */
    recommandation: z.boolean(),
    decider: z.boolean(),
    proposer: z.boolean(),
    pieces: z.boolean(),
    corriger: z.boolean(),
  }),
});
export type DossierLocationApi = z.infer<typeof dossierLocationSchema>;

export const communesTrouveesSchema = z.object({ communes: z.array(z.object({ code: z.string(), nom: z.string() })) });
