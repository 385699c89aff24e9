/**
 * The HTTP API's contracts: one zod schema per request and response, shared by the server (which
 * validates with them and publishes them as OpenAPI) and the web front end (which types its calls).
 */
import { z } from 'zod';
import { dateCalendaire } from './dates.ts';
import { DECISIONS_CAL, EXCLUSIONS, FINANCEMENTS, TYPOLOGIES } from '../domain/types.ts';
import { champsMenage } from './orientation.ts';

export const ROLES_API = [
  'agent_bailleur',
  'agent_reservataire',
  'pilote_etat',
  'lecteur_epci',
  'administrateur',
] as const;

export { erreurSchema } from './erreur.ts';

export const connexionSchema = z.strictObject({
  email: z.string().min(3, 'adresse électronique attendue').max(254),
  motDePasse: z.string().min(1, 'mot de passe attendu').max(200),
});

export const sessionSchema = z.object({
  utilisateur: z.object({ id: z.string(), email: z.string(), nom: z.string() }),
  organisation: z.object({
    id: z.string(),
    nom: z.string(),
    categorie: z.string(),
    typeReservataire: z.string().nullable(),
    departement: z.string().nullable(),
  }),
  role: z.enum(ROLES_API),
  csrf: z.string(),
});
export type SessionApi = z.infer<typeof sessionSchema>;

/** The figures of a ledger line every screen shows (`chiffresLigne`, src/domain/bilan.ts). */
export const chiffresLigneSchema = z.object({
  taux: z.number(),
  droit: z.number(),
  misADisposition: z.number(),
  proposes: z.number(),
  attribues: z.number(),
  bauxSignes: z.number(),
  echecs: z.number(),
  decomptes: z.number(),
  solde: z.number(),
});

export const ligneConventionSchema = chiffresLigneSchema.extend({
  conventionId: z.string().nullable(),
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  reservataire: z.object({ id: z.string(), nom: z.string(), type: z.string() }),
  departement: z.string(),
});
export type LigneConventionApi = z.infer<typeof ligneConventionSchema>;

export const stockSchema = z.object({
  logements: z.number(),
  horsFlux: z.number(),
  enQpv: z.number(),
  parTypologie: z.record(z.string(), z.number()),
  parFinancement: z.record(z.string(), z.number()),
});

export const fluxSchema = z.object({
  disponibles: z.number(),
  exclus: z.number(),
  fluxAnnuel: z.number(),
});

export const accueilSchema = z.object({
  role: z.enum(ROLES_API),
  organisation: z.object({ id: z.string(), nom: z.string() }),
  annee: z.number(),
  perimetre: z.string(),
  stock: stockSchema.nullable(),
  flux: fluxSchema.nullable(),
  conventions: z.array(ligneConventionSchema),
  administration: z.object({ organisations: z.number(), utilisateurs: z.number() }).nullable(),
});
export type AccueilApi = z.infer<typeof accueilSchema>;

export const anneeQuerySchema = z.strictObject({ annee: z.coerce.number().int().min(2000).max(2100).optional() });

/** The most rows a list answers at once (issue 12: lists page on the server). */
export const PAR_PAGE_MAX = 100;

/**
 * Paging of a list: `page` from 1, `parPage` rows (at most 100, 50 by default). `taille` is the
 * former name of `parPage`, still accepted and capped at 100 so that older links keep working.
 */
const pagination = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  parPage: z.coerce.number().int().min(1).max(PAR_PAGE_MAX).optional(),
  taille: z.coerce.number().int().min(1).max(10_000).optional(),
};

/** The rows per page a query asks for (`parPage`, else the capped `taille`, else 50). */
export function parPageDe(q: { parPage?: number | undefined; taille?: number | undefined }): number {
  return q.parPage ?? Math.min(q.taille ?? 50, PAR_PAGE_MAX);
}

const codeCommune = z.string().regex(/^\d[\dAB]\d{3}$/, 'code INSEE de commune attendu (5 caractères)');
/** A search for a unit: its RPLS number, its internal id or part of its address. */
const recherche = z.string().trim().min(1).max(100).optional();

export const pageQuerySchema = z.strictObject({
  ...pagination,
  commune: codeCommune.optional(),
  typologie: z.enum(TYPOLOGIES).optional(),
  bailleur: z.string().min(1).max(200).optional(),
  q: recherche,
});

export const logementSchema = z.object({
  id: z.string(),
  bailleurId: z.string(),
  rpls: z.string(),
  /** Street address from the RPLS file, null when unknown. */
  adresse: z.string().nullable(),
  commune: z.string(),
  /** The commune's name (COG), what lists show first; the INSEE code comes second. */
  nomCommune: z.string(),
  qpv: z.string().nullable(),
  typologie: z.string(),
  financement: z.string(),
  construction: z.number(),
  horsFlux: z.string().nullable(),
});
export const pageLogementsSchema = z.object({
  total: z.number(),
  page: z.number(),
  parPage: z.number(),
  logements: z.array(logementSchema),
});

export const locationSchema = z.object({
  id: z.string(),
  logementId: z.string(),
  bailleurId: z.string(),
  /** The unit's RPLS number and address, shown with its internal id (issue 12: one name for a unit). */
  rpls: z.string(),
  adresse: z.string().nullable(),
  commune: z.string(),
  nomCommune: z.string(),
  typologie: z.string(),
  /** The day the letting opened: the tenant's notice (ADR 0026). */
  dateLiberation: z.string(),
  /** The tenant's departure when later than the notice; the lease is dated on or after it. */
  dateDepart: z.string().nullable(),
  /** The réservataire's proposal deadline once the bailleur decided the orientation (Europe/Paris), else null. */
  echeance: z.string().nullable(),
  etat: z.string(),
  exclusion: z.string().nullable(),
  ligne: z.string().nullable(),
  reservataireId: z.string().nullable(),
  pool: z.array(z.string()).nullable(),
  forcee: z.boolean(),
  motif: z.string().nullable(),
  /** The version to send back with the next transition (optimistic lock). */
  version: z.number(),
  /** The letting's year (the engine's: its events are events of this year). */
  annee: z.number(),
  /**
   * The lock of that year (issue 7, ADR 0017): null while its bilan is not issued; `verrouillee`
   * once issued (writes refused, 409); `correction` while a late-correction window is open until
   * `fin` (inclusive): every transition then needs a written `motif`.
   */
  verrouAnnee: z
    .object({
      etat: z.enum(['verrouillee', 'correction']),
      version: z.number().int(),
      emisLe: z.string(),
      fin: z.string().nullable(),
    })
    .nullable(),
});
export type LocationApi = z.infer<typeof locationSchema>;
export const pageLocationsSchema = z.object({
  total: z.number(),
  page: z.number(),
  parPage: z.number(),
  locations: z.array(locationSchema),
});
/** Deadline filters: passed, within 7 days, within 30 days (proposal deadline, Europe/Paris). */
export const FILTRES_ECHEANCE = ['depassee', 'semaine', 'mois'] as const;
export const locationsQuerySchema = z.strictObject({
  ...pagination,
  etat: z.string().max(40).optional(),
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
  echeance: z.enum(FILTRES_ECHEANCE).optional(),
  commune: codeCommune.optional(),
  typologie: z.enum(TYPOLOGIES).optional(),
  reservataire: z.string().min(1).max(200).optional(),
  bailleur: z.string().min(1).max(200).optional(),
  q: recherche,
  /** `urgence` (default): open lettings first, soonest deadline first; `recentes`: latest liberation first. */
  tri: z.enum(['urgence', 'recentes']).default('urgence'),
});

const dateIso = dateCalendaire;

export const declarationSchema = z.strictObject({
  logementId: z.string().min(1),
  /** The day the letting opens: the tenant's notice (préavis), or a first letting's announcement (ADR 0026). */
  date: dateIso,
  /** The tenant's departure, when later than the notice: candidates and the CAL may come before it, the lease not. */
  dateDepart: dateIso.optional(),
  exclusion: z.enum(EXCLUSIONS).optional(),
  premiereMiseEnLocation: z.boolean().optional(),
  /** Required on a year whose bilan is issued, in a late-correction window (issue 7). */
  motif: z.string().max(2000).optional(),
});

const commun = {
  etatAttendu: z.string().min(1, 'état attendu (pour détecter un conflit)'),
  /** The letting's `version` as the user saw it: another change in between → 409. */
  version: z.number().int().min(0),
  date: dateIso,
  /** The reason: required by some transitions, and by any on a year whose bilan is issued, in a late-correction window (issue 7). */
  motif: z.string().max(2000).optional(),
};
export const transitionSchema = z.discriminatedUnion('transition', [
  z.strictObject({
    ...commun,
    transition: z.literal('orienter'),
    reservataire: z.string().min(1),
    motif: z.string().min(3, 'motif écrit obligatoire'),
  }),
  z.strictObject({
    ...commun,
    transition: z.literal('orienter_multiple'),
    reservataires: z.array(z.string().min(1)).min(2),
    motif: z.string().min(3, 'motif écrit obligatoire'),
  }),
  z.strictObject({
    ...commun,
    transition: z.literal('proposer_candidats'),
    candidats: z
      .array(
        z.strictObject({
          numeroSne: z.string().regex(/^[0-9A-Z]{8,20}$/, 'numéro unique SNE attendu'),
          tailleMenage: z.number().int().min(1).max(20).optional(),
          ...champsMenage,
          /** A priority household, category not given; stored true as well for any of the three below. */
          prioritaire: z.boolean().default(false),
          dalo: z.boolean().default(false),
          pdalhpd: z.boolean().default(false),
          /** Another priority category of CCH L.441-1. */
          autreL4411: z.boolean().default(false),
        }),
      )
      .min(1),
  }),
  z.strictObject({
    ...commun,
    transition: z.literal('decider'),
    decision: z.enum(DECISIONS_CAL),
    motif: z.string().max(2000).optional(),
  }),
  z.strictObject({
    ...commun,
    transition: z.literal('signer_bail'),
    /**
     * The letting's candidate who signs, by SNE number: the lease takes the household entered with
     * the proposal, its quartile fixed at the CAL (entered once, ADR 0050). Either this or `menage`.
     */
    candidatSne: z
      .string()
      .regex(/^[0-9A-Z]{8,20}$/, 'numéro unique SNE attendu')
      .optional(),
    /**
     * The household as the engine reads it (scenario « Second edition »), when no candidate of the
     * letting signs: composition and resources, the quartile computed; `quartile1Declare` with its
     * `motifQuartile1` an explicit override. `quartile1`, `prioritaire`, `relogementAnru`: the first
     * edition's flags, still read.
     */
    menage: z
      .strictObject({
        quartile1Declare: z.boolean().nullable().optional(),
        motifQuartile1: z.string().trim().max(300, 'motif : 300 caractères au plus').optional(),
        quartile1: z.boolean().nullable().optional(),
        prioritaire: z.boolean().default(false),
        relogementAnru: z.boolean().default(false),
        ressourcesAnnuelles: z.number().int().min(0).max(10_000_000).optional(),
        personnes: z.number().int().min(1).max(30).optional(),
        enfantsMoins14: z.number().int().min(0).max(29).optional(),
        categories: z.array(z.string().min(1).max(60)).max(20).optional(),
        relogement: z.enum(['anru', 'orcod']).nullable().optional(),
        agentEtat: z.boolean().optional(),
      })
      .optional(),
    reservataire: z.string().optional(),
  }),
  z.strictObject({ ...commun, transition: z.literal('refuser') }),
  z.strictObject({ ...commun, transition: z.literal('constater_sans_candidat') }),
]);
export type TransitionApi = z.infer<typeof transitionSchema>;

export const idParamSchema = z.strictObject({ id: z.string().min(1).max(200) });

export const verificationAuditSchema = z.object({
  ok: z.boolean(),
  evenements: z.number(),
  anomalie: z.object({ seq: z.number(), message: z.string() }).nullable(),
});

export const organisationSchema = z.object({
  id: z.string(),
  nom: z.string(),
  categorie: z.string(),
  siren: z.string().nullable(),
  typeReservataire: z.string().nullable(),
  departement: z.string().nullable(),
});
export const nouvelleOrganisationSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{2,40}$/, 'identifiant : lettres, chiffres, - et _'),
  nom: z.string().min(2).max(200),
  categorie: z.enum(['bailleur', 'reservataire', 'etat', 'epci', 'administration']),
  siren: z
    .string()
    .regex(/^\d{9}$/, 'SIREN : 9 chiffres')
    .optional(),
  typeReservataire: z.string().max(40).optional(),
  departement: z
    .string()
    .regex(/^(\d{2}|2[AB]|97\d)$/, 'code de département attendu (45, 2A, 971)')
    .optional(),
});
export const utilisateurSchema = z.object({
  id: z.string(),
  email: z.string(),
  nom: z.string(),
  actif: z.boolean(),
  adhesions: z.array(z.object({ organisationId: z.string(), role: z.string() })),
});
export const nouvelUtilisateurSchema = z.strictObject({
  email: z.email('adresse électronique invalide'),
  nom: z.string().min(2).max(200),
  motDePasse: z.string().min(12, 'au moins 12 caractères').max(200),
  organisationId: z.string().min(1),
  role: z.enum(ROLES_API),
});

/** GET /api/patrimoine/qualite(.xlsx): the bailleur (required for the State pilot) and the lettings' year (default: the previous year). */
export const qualiteQuerySchema = z.strictObject({
  bailleur: z.string().min(1).max(200).optional(),
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
});

export const controleQualiteSchema = z.object({
  code: z.string(),
  libelle: z.string(),
  gravite: z.enum(['erreur', 'avertissement']),
  nombre: z.number(),
  /** Up to 20 unit ids. */
  exemples: z.array(z.string()),
});

export const rapportQualiteSchema = z.object({
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  totalLogements: z.number(),
  controles: z.array(controleQualiteSchema),
  indicateurs: z.object({
    partAttributionsReservataireConnu: z.object({
      realise: z.number().nullable(),
      numerateur: z.number(),
      denominateur: z.number(),
      annee: z.number(),
      reference: z.string(),
    }),
  }),
});
export type RapportQualiteApi = z.infer<typeof rapportQualiteSchema>;

/** POST /api/patrimoine/import-rpls: « import the valid rows only » (`valides=1`) and the file's name (summary, audit). */
export const importRplsQuerySchema = z.strictObject({
  valides: z.enum(['0', '1', 'true', 'false']).optional(),
  nom: z.string().min(1).max(255).optional(),
});

/** The summary of an RPLS import (`ResumeImportRpls` of the use case; `fichierErreurs` is a link here, not a path). */
export const resumeImportRplsSchema = z.object({
  fichier: z.string(),
  bailleur: z.object({ id: z.string(), nom: z.string(), siren: z.string() }),
  departement: z.string().nullable(),
  encodage: z.enum(['utf-8', 'windows-1252']),
  separateur: z.enum([';', ',']),
  /** The identifier column used, or "adresse+rang" (built). */
  identifiant: z.string(),
  lignes: z.number(),
  logements: z.number(),
  rejetes: z.number(),
  horsDepartement: z.number(),
  importe: z.boolean(),
  nouveaux: z.number(),
  modifies: z.number(),
  inchanges: z.number(),
  disparus: z.number(),
  dejaAbsents: z.number(),
  champsModifies: z.record(z.string(), z.number()),
  communesFusionnees: z.array(z.object({ code: z.string(), courante: z.string(), logements: z.number() })),
  parCategorie: z.record(z.enum(FINANCEMENTS), z.number()),
  detail: z.object({
    nouveaux: z.array(z.string()),
    modifies: z.array(z.object({ rpls: z.string(), champs: z.array(z.string()) })),
    disparus: z.array(z.string()),
  }),
  dureeMs: z.number(),
  /** With `valides=1` and rows rejected: the link of the error file (GET, 24 hours). */
  fichierErreurs: z.string().optional(),
});
export type ResumeImportRplsApi = z.infer<typeof resumeImportRplsSchema>;

/** A refused RPLS import (422): the summary, the first problems and the error file's link (`contracts/televersement.ts`). */
export type { ErreurTeleversementApi as ErreurImportRplsApi } from './televersement.ts';
