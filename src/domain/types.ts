/**
 * The domain's vocabulary as types. Names follow CONTEXT.md: legal terms stay French.
 * A count of dwellings is a `number` of units; rates are fractions (0.3 = 30 %) at the edges
 * and exact integers in millionths inside the engine (see `exact.ts`).
 */

export const TYPOLOGIES = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'] as const;
export type Typologie = (typeof TYPOLOGIES)[number];

export const FINANCEMENTS = ['PLAI', 'PLUS', 'PLS', 'PLI', 'AUTRE'] as const;
export type Financement = (typeof FINANCEMENTS)[number];

/** Units kept in identified stock, never in the flow (defence, internal security, public hospitals). */
export const HORS_FLUX = ['defense', 'securite_interieure', 'eps'] as const;
export type HorsFlux = (typeof HORS_FLUX)[number];

/** Legal exclusions from the annual flow (CCH R.441-5 I). */
export const EXCLUSIONS = [
  'mutation_interne',
  'relogement_anru',
  'relogement_orcod',
  'relogement_insalubrite',
  'relogement_vente',
] as const;
export type Exclusion = (typeof EXCLUSIONS)[number];

export const TYPES_RESERVATAIRE = [
  'etat',
  'action_logement',
  'commune',
  'epci',
  'ept',
  'departement',
  'region',
  'employeur',
  'organisme_desinteresse',
] as const;
export type TypeReservataire = (typeof TYPES_RESERVATAIRE)[number];

export const REGLES_DECOMPTE = ['mise_a_disposition', 'attribution', 'bail_signe'] as const;
export type RegleDecompte = (typeof REGLES_DECOMPTE)[number];

export const MODES_GESTION = ['directe', 'deleguee'] as const;
export type ModeGestion = (typeof MODES_GESTION)[number];

/**
 * The convention's form: still on identified units (stock), being converted, or in flow. A stock
 * convention not converted by the deadline (`dateLimiteConversion`) falls to the préfet.
 */
export const FORMES_CONVENTION = ['stock', 'conversion', 'flux'] as const;
export type FormeConvention = (typeof FORMES_CONVENTION)[number];

/** The five decisions of a CAL (CCH R.441-3). */
export const DECISIONS_CAL = [
  'attribution',
  'attribution_rang',
  'attribution_condition_suspensive',
  'non_attribution',
  'irrecevabilite',
] as const;
export type DecisionCal = (typeof DECISIONS_CAL)[number];
export const DECISIONS_POSITIVES: ReadonlySet<DecisionCal> = new Set([
  'attribution',
  'attribution_rang',
  'attribution_condition_suspensive',
]);

export interface Logement {
  id: string;
  commune: string;
  /** QPV code, null outside QPV. */
  qpv: string | null;
  typologie: Typologie;
  financement: Financement;
  construction: number;
  horsFlux: HorsFlux | null;
  /** SIREN of the unit's EPCI, when known (needed by EPCI perimeters). */
  epci?: string;
}

export interface Reservataire {
  id: string;
  type: TypeReservataire;
  nom: string;
  /** For a commune réservataire: its INSEE code. */
  commune?: string;
  /** For an EPCI/EPT réservataire: its SIREN. */
  epci?: string;
}

export type Perimetre = { departement: string } | { communes: string[] } | { epci: string };

export type Fourchettes<K extends string> = Partial<Record<K, [number, number]>>;

export interface Contraintes {
  /** The rate applies in each commune (default: true for the State, false otherwise). */
  uniformiteCommunale?: boolean;
  /** Least share of this line's units outside QPV (default 0.30 for the State). */
  partHorsQpvMin?: number;
  typologie?: Fourchettes<Typologie>;
  financement?: Fourchettes<Financement>;
}

/** A préfet's arrêté allowing the State above its caps, for at most one year (R.441-5-2 I). */
export interface Derogation {
  arrete: string;
  du: string;
  au: string;
}

/** Carry-over rule of the year's balance: none, all of it, or capped at ± plafond units. */
export type RegleReport = 'aucun' | 'integral' | { plafond: number };

export interface Convention {
  id: string;
  reservataire: string;
  taux: number;
  tauxAgents?: number;
  perimetre: Perimetre;
  decompte: RegleDecompte;
  echecDecompte: boolean;
  delaiPropositionJours: number;
  candidatsDemandes: number;
  gestion: ModeGestion;
  /** Carry-over from last year, in units, added to this year's droit (may be < 0). */
  report: number;
  contraintes?: Contraintes;
  derogation?: Derogation;
  regleReport?: RegleReport;
  /** The convention's form; absent = 'flux'. Recorded, not used by the engine. */
  forme?: FormeConvention;
}

export interface Menage {
  quartile1: boolean;
  prioritaire: boolean;
  relogementAnru: boolean;
}

interface EvenementBase {
  date: string;
  logement: string;
}

export type Evenement =
  | (EvenementBase & {
      type: 'liberation';
      exclusion?: Exclusion;
      premiereMiseEnLocation?: boolean;
      /** The tenant's departure when the letting opens on the notice (ADR 0026): the lease cannot precede it. */
      depart?: string;
    })
  | (EvenementBase & { type: 'orientation_forcee'; reservataire: string; motif: string; confirmee?: true })
  | (EvenementBase & { type: 'orientation_multiple'; reservataires: string[]; motif: string })
  | (EvenementBase & { type: 'candidats'; nombre: number })
  | (EvenementBase & { type: 'decision_cal'; decision: DecisionCal })
  | (EvenementBase & { type: 'bail_signe'; menage?: Menage; reservataire?: string })
  | (EvenementBase & { type: 'refus' })
  | (EvenementBase & { type: 'sans_candidat' });

export type TypeEvenement = Evenement['type'];

export interface Scenario {
  annee: number;
  departement: string;
  bailleur: { id: string; nom: string };
  logements: Logement[];
  reservataires: Reservataire[];
  conventions: Convention[];
  evenements: Evenement[];
}

/** The bailleur's own share, a ledger line like any réservataire's. */
export const BAILLEUR = 'BAILLEUR';
