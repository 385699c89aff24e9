/**
 * Contracts of the CAL sessions (issue 6 item 4) and of the live allocation objectives (item 6),
 * shared by the server (validation, OpenAPI) and the web front end.
 */
import { z } from 'zod';
import { PAR_PAGE_MAX } from './api.ts';
import { cotationCandidatSchema } from './cotation.ts';
import { dateCalendaire } from './dates.ts';
import { candidatureBoiteSchema } from './orientation.ts';
import { SUITES_ECHEC } from '../domain/cal.ts';
import { TENDANCES } from '../domain/objectifs.ts';
import { DECISIONS_CAL } from '../domain/types.ts';

const dateIso = dateCalendaire;

export const nouvelleSessionSchema = z.strictObject({
  date: dateIso,
  departement: z.string().regex(/^(\d{2}|2A|2B|\d{3})$/, 'code de département attendu'),
  lieu: z.string().max(200).optional(),
});

export const sessionCalSchema = z.object({
  id: z.string(),
  bailleurId: z.string(),
  bailleur: z.string(),
  departement: z.string(),
  date: z.string(),
  lieu: z.string().nullable(),
  examens: z.number(),
  decides: z.number(),
  /** A cancelled session: when, and the written reason (its undecided units were withdrawn). */
  annulation: z.object({ le: z.string(), motif: z.string() }).nullable(),
});
export type SessionCalApi = z.infer<typeof sessionCalSchema>;

/**
 * A session's state as the list filters it (issue 12 item 2): « à venir » (not cancelled, today or
 * later), « tenue » (not cancelled, before today), « annulée ».
 */
export const ETATS_SESSION = ['a_venir', 'tenue', 'annulee'] as const;
export type EtatSession = (typeof ETATS_SESSION)[number];

export const sessionsCalQuerySchema = z
  .strictObject({
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    parPage: z.coerce.number().int().min(1).max(PAR_PAGE_MAX).default(50),
    etat: z.enum(ETATS_SESSION).optional(),
    /** Sessions held on or after this day. */
    du: dateIso.optional(),
    /** Sessions held on or before this day. */
    au: dateIso.optional(),
  })
  .refine((q) => !q.du || !q.au || q.du <= q.au, {
    message: 'la date de fin précède la date de début',
    path: ['au'],
  });

/** One page of sessions: those to come soonest first, then past ones latest first. */
export const pageSessionsCalSchema = z.object({
  aujourdhui: z.string(),
  total: z.number(),
  page: z.number(),
  parPage: z.number(),
  sessions: z.array(sessionCalSchema),
});
export type PageSessionsCalApi = z.infer<typeof pageSessionsCalSchema>;

/** A candidate as the CAL page shows it: the household reserved to its bailleur and proposer (`masque`). */
export const candidatCalSchema = candidatureBoiteSchema.extend({
  id: z.string(),
  reservataireId: z.string().nullable(),
  /** Its demand's cotation and its rank among the noted candidates (an aid; null: no note). */
  cotation: cotationCandidatSchema.nullable(),
});

export const offreCalSchema = z.object({
  id: z.string(),
  candidatureId: z.string(),
  numeroSne: z.string(),
  rang: z.number(),
  dateOffre: z.string(),
  echeance: z.string(),
  reponse: z.enum(['acceptee', 'refusee', 'silence']).nullable(),
  dateReponse: z.string().nullable(),
});
export type OffreCalApi = z.infer<typeof offreCalSchema>;

export const examenCalSchema = z.object({
  id: z.string(),
  ordre: z.number(),
  locationId: z.string(),
  logementId: z.string(),
  commune: z.string(),
  /** The commune's name (COG), null when unknown. */
  nomCommune: z.string().nullable(),
  typologie: z.string(),
  financement: z.string(),
  qpv: z.string().nullable(),
  ligne: z.string().nullable(),
  reservataireId: z.string().nullable(),
  pool: z.array(z.string()).nullable(),
  etat: z.string(),
  version: z.number(),
  /** The tenant's notice that opened the letting, and the departure when later (ADR 0026). */
  dateLiberation: z.string(),
  dateDepart: z.string().nullable(),
  motifMoinsDeTrois: z.string().nullable(),
  candidats: z.array(candidatCalSchema),
  decision: z
    .object({
      decision: z.enum(DECISIONS_CAL),
      libelle: z.string(),
      motif: z.string().nullable(),
      date: z.string(),
      /** Candidature ids ranked by the CAL, rang 1 first. */
      classement: z.array(z.string()),
      /** Why the CAL ranked against the cotation's order (issue 17), null when it did not. */
      motifEcartCotation: z.string().nullable(),
    })
    .nullable(),
  offres: z.array(offreCalSchema),
  suite: z.enum([...SUITES_ECHEC, 'bail']).nullable(),
  libelleSuite: z.string().nullable(),
});
export type ExamenCalApi = z.infer<typeof examenCalSchema>;

export const sessionCalDetailSchema = sessionCalSchema.extend({ liste: z.array(examenCalSchema) });
export type SessionCalDetailApi = z.infer<typeof sessionCalDetailSchema>;

/** A letting with candidates, waiting for a CAL. */
export const aExaminerSchema = z.object({
  locationId: z.string(),
  logementId: z.string(),
  departement: z.string(),
  commune: z.string(),
  typologie: z.string(),
  qpv: z.string().nullable(),
  ligne: z.string().nullable(),
  candidats: z.number(),
  dalo: z.boolean(),
});
export type AExaminerApi = z.infer<typeof aExaminerSchema>;

export const ajoutExamenSchema = z.strictObject({
  locationId: z.string().min(1),
  motifMoinsDeTrois: z.string().max(2000).optional(),
});

/** Withdrawing a unit from a session before its decision (it goes back to « à examiner »). */
export const retraitExamenSchema = z.strictObject({
  locationId: z.string().min(1),
  motif: z.string().max(2000).optional(),
});

/** Cancelling a session that has decided nothing: a written reason is required. */
export const annulationSessionSchema = z.strictObject({
  motif: z.string().trim().min(3, 'indiquez pourquoi la séance est annulée (3 caractères au moins)').max(2000),
});

export const decisionExamenSchema = z.strictObject({
  locationId: z.string().min(1),
  /** The letting's version as the user saw it (optimistic lock, 409 when it changed). */
  version: z.number().int().min(0),
  decision: z.enum(DECISIONS_CAL),
  motif: z.string().max(2000).optional(),
  classement: z.array(z.string().min(1)).max(3).default([]),
  /** Required when the ranking goes against the cotation's order (the CAL decides, and says why). */
  motifEcartCotation: z.string().trim().max(2000).optional(),
});
export type DecisionExamenApi = z.infer<typeof decisionExamenSchema>;

export const reponseOffreSchema = z.strictObject({
  reponse: z.enum(['acceptee', 'refusee']),
  date: dateIso,
});

export const bailOffreSchema = z.strictObject({
  date: dateIso,
  version: z.number().int().min(0),
  relogementAnru: z.boolean().default(false),
});

export const expirationSchema = z.object({ expirees: z.number(), offres: z.array(z.string()) });

export const objectifsQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
});

const suiviSchema = z.object({
  numerateur: z.number(),
  denominateur: z.number(),
  /** Leases of the denominator whose household's quartile is unknown (in no numerator). */
  inconnus: z.number().int(),
  part: z.number().nullable(),
  cible: z.number(),
  projectionFinAnnee: z.number(),
  restants: z.number(),
  manquants: z.number(),
  partRequiseRestants: z.number().nullable(),
  tendance: z.enum(TENDANCES),
  explication: z.string(),
});

export const objectifsSchema = z.object({
  annee: z.number(),
  aujourdhui: z.string(),
  avancement: z.number(),
  baux: z.number(),
  /** Of which leases outside the flow (mutations, rehousings): counted per EPCI, on no line. */
  bauxHorsFlux: z.number(),
  methode: z.string(),
  parEpci: z.array(
    z.object({
      epci: z.string().nullable(),
      nom: z.string(),
      /** The CIA whose targets apply (ADR 0038); null: the law's targets. */
      referenceCia: z.string().nullable(),
      quartile1HorsQpv: suiviSchema,
      nonQuartile1EnQpv: suiviSchema,
    }),
  ),
  parLigne: z.array(z.object({ ligne: z.string(), nom: z.string(), prioritaires: suiviSchema })),
  alertes: z.array(z.string()),
});
export type ObjectifsApi = z.infer<typeof objectifsSchema>;

export const bauxObjectifsQuerySchema = z.strictObject({
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
  /** The EPCI's SIREN (9 digits), or « aucun » for the units in no known EPCI. */
  epci: z.union([z.literal('aucun'), z.string().regex(/^\d{9}$/, 'numéro SIREN de l’EPCI attendu (9 chiffres)')]),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  parPage: z.coerce.number().int().min(1).max(100).default(50),
});

/** The leases behind an EPCI's objectives (drill-down), every one of the year, in the flow or outside it. */
export const bauxObjectifsSchema = z.object({
  annee: z.number(),
  epci: z.string().nullable(),
  nom: z.string(),
  total: z.number(),
  page: z.number(),
  parPage: z.number(),
  baux: z.array(
    z.object({
      locationId: z.string(),
      dateSignature: z.string(),
      bailleur: z.string(),
      logement: z.object({
        id: z.string(),
        rpls: z.string(),
        adresse: z.string().nullable(),
        commune: z.string(),
        nomCommune: z.string(),
        qpv: z.string().nullable(),
      }),
      /** The exclusion of a lease outside the flow, in words; null in the flow. */
      horsFlux: z.string().nullable(),
      /** The line's name in the flow; null outside it. */
      ligne: z.string().nullable(),
      /** The household's first quartile; null when unknown. */
      quartile1: z.boolean().nullable(),
      relogement: z.enum(['ANRU', 'ORCOD']).nullable(),
      prioritaire: z.boolean(),
      agentEtat: z.boolean(),
      /** The EPCI objective it counts in (by its unit: outside QPV or in QPV), and whether it serves it. */
      objectif: z.enum(['quartile1HorsQpv', 'nonQuartile1EnQpv']),
      sert: z.boolean(),
    }),
  ),
});
export type BauxObjectifsApi = z.infer<typeof bauxObjectifsSchema>;
