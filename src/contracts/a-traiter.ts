/**
 * Contract of « À traiter » (issue 12 item 1), shared by the server (validation, OpenAPI) and the
 * web front end: GET /api/a-traiter answers what waits for the signed-in person, most urgent first,
 * each item with the page where to act and its deadline.
 */
import { z } from 'zod';

/** The kinds of item, per role (src/app/a-traiter.ts says where each one comes from). */
export const TYPES_A_TRAITER = [
  // bailleur
  'orientation_a_confirmer',
  'candidats_a_designer',
  'candidats_en_retard',
  'cal_a_preparer',
  'offre_en_attente',
  'bail_a_enregistrer',
  'correction_tardive',
  'bilan_a_emettre',
  'bilan_a_envoyer',
  'relogements_a_transmettre',
  // réservataire
  'candidats_a_proposer',
  'resultat_cal',
  // State pilot
  'contingent_en_attente',
  'delais_manques',
  'convention_a_convertir',
  'convention_caduque',
  'bilan_en_retard',
  // EPCI
  'objectif_a_risque',
  'bilan_manquant',
  'bilan_recu',
] as const;
export type TypeATraiter = (typeof TYPES_A_TRAITER)[number];

export const elementATraiterSchema = z.object({
  /** Stable key of the item (for lists), never displayed. */
  cle: z.string(),
  type: z.enum(TYPES_A_TRAITER),
  /** What to do, in French, with names (never an internal id). */
  titre: z.string(),
  /** Why and for whom, in French. */
  detail: z.string(),
  /** The deadline (YYYY-MM-DD, Europe/Paris day); null when the item has none (information). */
  echeance: z.string().nullable(),
  /** Days from today to the deadline: negative when late; null without deadline. */
  joursRestants: z.number().int().nullable(),
  /** The page where to act (a path of the web application). */
  lien: z.string(),
  /** The label of the link. */
  action: z.string(),
  /** How many units or documents the item stands for (1 for a single one). */
  nombre: z.number().int().min(1),
});
export type ElementATraiterApi = z.infer<typeof elementATraiterSchema>;

export const aTraiterSchema = z.object({
  /** Today (Europe/Paris) the countdowns are computed from. */
  aujourdhui: z.string(),
  /** Every item, before the limit. */
  total: z.number().int(),
  /** The most urgent items, at most `LIMITE_A_TRAITER`. */
  elements: z.array(elementATraiterSchema),
});
export type ATraiterApi = z.infer<typeof aTraiterSchema>;

/** The most items one answer lists (the others are reached from the lists they link to). */
export const LIMITE_A_TRAITER = 50;
