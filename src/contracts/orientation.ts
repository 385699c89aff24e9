/**
 * Contracts of the orientation decision (the engine's recommendation, confirmed or overridden),
 * the réservataire's inbox with its proposal deadlines, candidates by SNE number, and the
 * notifications. Shared by the server and the web front end.
 */
import { z } from 'zod';
import { cotationCandidatSchema } from './cotation.ts';
import { pieceBoiteSchema } from './pieces.ts';

/** A ledger line named for people: a réservataire organisation, or the bailleur's own share. */
export const ligneNommeeSchema = z.object({ ligne: z.string(), nom: z.string() });

export const ecartLigneSchema = z.object({
  dimension: z.enum(['typologie', 'financement', 'qpv', 'commune']),
  /** The unit's value in this dimension (T3, PLUS, qpv / hors_qpv, a commune code). */
  valeur: z.string(),
  /** Share of this value among the units the line holds, and in its périmètre's flow; ecart = part − partFlux. */
  part: z.number(),
  partFlux: z.number(),
  ecart: z.number(),
});

export const candidatRecommandationSchema = ligneNommeeSchema.extend({
  droitExact: z.number(),
  oriente: z.number(),
  /** droit − orientés: > 0 = owed units. */
  retard: z.number(),
  echeance: z.number().nullable(),
  besoinQualitatif: z.number(),
  recommande: z.boolean(),
  raison: z.string(),
  ecarts: z.array(ecartLigneSchema),
  /** One French sentence: who is owed, by how much, why (not) this line. */
  phrase: z.string(),
});

export const decisionOrientationSchema = z.object({
  decision: z.enum(['confirmee', 'forcee', 'pool']),
  orienteeLe: z.string(),
  echeance: z.string().nullable(),
});

export const recommandationSchema = z.object({
  locationId: z.string(),
  version: z.number(),
  etat: z.string(),
  logement: z.object({
    id: z.string(),
    commune: z.string(),
    typologie: z.string(),
    financement: z.string(),
    qpv: z.string().nullable(),
  }),
  /** The engine's line for this unit, given the year's ledger. */
  recommande: ligneNommeeSchema.nullable(),
  /** The line the unit counts for now (the recommendation until the bailleur decides otherwise). */
  actuelle: ligneNommeeSchema.nullable(),
  pool: z.array(ligneNommeeSchema).nullable(),
  forcee: z.boolean(),
  motif: z.string().nullable(),
  /** The bailleur's decision, null while it is still to be taken. */
  decision: decisionOrientationSchema.nullable(),
  /** The engine's explanation in French. */
  explication: z.string(),
  candidats: z.array(candidatRecommandationSchema),
});
export type RecommandationApi = z.infer<typeof recommandationSchema>;

const motifEcrit = z.string().trim().min(3, 'motif écrit obligatoire (au moins 3 caractères)').max(2000);

/** POST /api/locations/:id/orientation: confirm the recommendation, or override it (another line or a pool) with a reason. */
export const decisionOrientationCorpsSchema = z.discriminatedUnion('decision', [
  z.strictObject({ decision: z.literal('confirmer'), version: z.number().int().min(0) }),
  z.strictObject({
    decision: z.literal('forcer'),
    version: z.number().int().min(0),
    reservataire: z.string().min(1),
    /** Required unless the line is the recommended one. */
    motif: motifEcrit.optional(),
  }),
  z.strictObject({
    decision: z.literal('pool'),
    version: z.number().int().min(0),
    reservataires: z.array(z.string().min(1)).min(2, 'au moins deux réservataires'),
    motif: motifEcrit,
  }),
]);
export type DecisionOrientationCorps = z.infer<typeof decisionOrientationCorpsSchema>;

/**
 * The SNE number (numéro unique d'enregistrement): its official layout is not documented in this
 * repository, so 10 to 20 letters or digits are accepted (ADR 0014).
 */
export const FORMAT_NUMERO_SNE = /^[0-9A-Za-z]{10,20}$/;
export const MESSAGE_NUMERO_SNE =
  'numéro unique SNE invalide : 10 à 20 lettres ou chiffres, sans espace ni tiret (par exemple 045261100012345)';

/**
 * A candidate's household as the objectives and the bilan need it, and nothing more (docs/rgpd.md):
 * children under 14 (consumption units), the annual resources recorded in the demand (€, null =
 * not recorded), the rehousing operation, a State agent (State line only), and a declared first
 * quartile — an override that needs its motif; without it the quartile is computed at the CAL
 * decision from the resources per UC against the EPCI's threshold (ADR 0034).
 */
export const champsMenage = {
  enfantsMoins14: z
    .number()
    .int('enfants de moins de 14 ans : un nombre entier')
    .min(0, 'enfants de moins de 14 ans : 0 ou plus')
    .max(19)
    .optional(),
  ressourcesAnnuelles: z
    .number()
    .int('ressources annuelles : un nombre entier d’euros')
    .min(0, 'ressources annuelles : 0 € ou plus')
    .max(10_000_000, 'ressources annuelles : au plus 10 000 000 €')
    .nullable()
    .optional(),
  relogement: z.enum(['anru', 'orcod']).nullable().optional(),
  agentEtat: z.boolean().optional(),
  quartile1Declare: z.boolean().nullable().optional(),
  motifQuartile1: z.string().trim().max(300, 'motif : 300 caractères au plus').optional(),
  /** Before resources were entered the quartile was a box: `true` is no longer accepted without a motif. */
  quartile1: z
    .boolean()
    .optional()
    .refine(
      (v): boolean => v !== true,
      'premier quartile : il est calculé à la décision de la CAL sur les ressources ; pour le déclarer, renseignez « quartile1Declare » et son motif',
    ),
};

/** A candidate: only what the CAL and the objectives need — no name (docs/rgpd.md). */
export const candidatBoiteSchema = z.strictObject({
  numeroSne: z.string().regex(FORMAT_NUMERO_SNE, MESSAGE_NUMERO_SNE),
  tailleMenage: z.number().int().min(1, 'taille du ménage : au moins 1 personne').max(20),
  dalo: z.boolean(),
  pdalhpd: z.boolean(),
  /** Another priority category of CCH L.441-1. */
  autreL4411: z.boolean(),
  ...champsMenage,
});
export type CandidatBoite = z.infer<typeof candidatBoiteSchema>;

export const propositionCorpsSchema = z.strictObject({
  version: z.number().int().min(0),
  candidats: z.array(candidatBoiteSchema).min(1, 'au moins un candidat').max(10, 'au plus 10 candidats'),
});

export const candidatureBoiteSchema = z.object({
  numeroSne: z.string(),
  rang: z.number(),
  tailleMenage: z.number().nullable(),
  /** Null: not decided yet, unknown, or hidden from this reader (`masque`). */
  quartile1: z.boolean().nullable(),
  enfantsMoins14: z.number().nullable(),
  ressourcesAnnuelles: z.number().nullable(),
  relogement: z.enum(['anru', 'orcod']).nullable(),
  agentEtat: z.boolean().nullable(),
  origineQuartile1: z.enum(['calcule', 'declare']).nullable(),
  /** « 1er quartile : oui — 7 889 € par UC, seuil 10 000 € (arrêté …) », in French. */
  libelleQuartile1: z.string(),
  /** The household's data is reserved to the bailleur and the réservataire who proposed it. */
  masque: z.boolean(),
  /** Any of the three priority categories below: what the allocation objectives count. */
  prioritaire: z.boolean(),
  dalo: z.boolean(),
  pdalhpd: z.boolean(),
  /** Another priority category of CCH L.441-1. */
  autreL4411: z.boolean(),
  /** Its demand's cotation and rank among the unit's noted candidates (issue 17): an aid. */
  cotation: cotationCandidatSchema.nullable().optional(),
});

export const elementBoiteSchema = z.object({
  locationId: z.string(),
  version: z.number(),
  etat: z.string(),
  bailleur: z.object({ id: z.string(), nom: z.string() }),
  logement: z.object({
    id: z.string(),
    commune: z.string(),
    typologie: z.string(),
    financement: z.string(),
    qpv: z.string().nullable(),
    construction: z.number(),
  }),
  dateLiberation: z.string(),
  /** For whom candidates are designated; the bailleur itself for a letting outside the flow. */
  reservataire: z.object({ id: z.string(), nom: z.string() }),
  /** The exclusion of a letting outside the flow (its candidates are the bailleur's to designate), else null. */
  exclusion: z.string().nullable(),
  pool: z.array(z.string()).nullable(),
  gestion: z.enum(['directe', 'deleguee']),
  orienteeLe: z.string(),
  echeance: z.string().nullable(),
  /** Days left until the deadline (Europe/Paris), 0 on its last day, negative once passed. */
  joursRestants: z.number().nullable(),
  candidatsDemandes: z.number(),
  /** Whether the signed-in actor may propose candidates (the réservataire in directe, the bailleur in déléguée). */
  peutProposer: z.boolean(),
  candidats: z.array(candidatureBoiteSchema),
  /** Photos and plans the bailleur attached (GET /api/locations/:id/pieces/:piece for each). */
  pieces: z.array(pieceBoiteSchema),
  /** The State's contingent delegated to a maire or an EPCI for this unit (CCH L.441-1), else null. */
  delegation: z.object({ delegataire: z.string(), acte: z.string(), fin: z.string() }).nullable(),
});
export type ElementBoiteApi = z.infer<typeof elementBoiteSchema>;

export const boiteSchema = z.object({ aujourdhui: z.string(), elements: z.array(elementBoiteSchema) });
export type BoiteApi = z.infer<typeof boiteSchema>;

export const notificationSchema = z.object({
  id: z.string(),
  type: z.string(),
  locationId: z.string().nullable(),
  titre: z.string(),
  message: z.string(),
  creeLe: z.string(),
  lue: z.boolean(),
});
export type NotificationApi = z.infer<typeof notificationSchema>;
export const notificationsSchema = z.object({ nonLues: z.number(), notifications: z.array(notificationSchema) });
export type NotificationsApi = z.infer<typeof notificationsSchema>;
