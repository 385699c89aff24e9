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

/**
 * What the réservataire gave for its rights (CCH R.441-5): parts of the convention's taux, Σ = taux.
 * Only the collectivities' loan-guarantee parts are capped (20 %, a warning); land and financing
 * come on top. Absent: all of the taux counted as guarantee.
 */
export interface Contrepartie {
  garantie: number;
  financement: number;
  terrain: number;
  autre: number;
  /** The act granting the rights (deliberation, financing decision, land deed…). */
  reference?: string;
}

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
  contrepartie?: Contrepartie;
}

/** Rehousing operations whose households count in the first-quartile objective outside QPV (L.441-1). */
export const RELOGEMENTS = ['anru', 'orcod'] as const;
export type Relogement = (typeof RELOGEMENTS)[number];

/** How a household's first quartile is known: declared (an explicit override) or computed from its resources. */
export type OrigineQuartile1 = 'declare' | 'calcule';

/**
 * The household of a lease, as the objectives and the bilan read it (see `menage.ts` for how it is
 * resolved from what was entered). `quartile1` is null when unknown: no resources recorded, or no
 * first-quartile threshold for the unit's EPCI, and no declared flag.
 */
export interface Menage {
  quartile1: boolean | null;
  /** Absent on households recorded before resources were (first edition): read as declared. */
  origineQuartile1?: OrigineQuartile1;
  /** Priority household: a priority category (DALO, L.441-1) or the first edition's flag. */
  prioritaire: boolean;
  /** Rehoused under a renewal operation (ANRU/NPNRU); the first edition's flag, = relogement « anru ». */
  relogementAnru: boolean;
  relogement?: Relogement | null;
  /** Priority categories kept apart (« dalo », L.441-1 categories). */
  categories?: string[];
  /** A State agent housed on the State line (out of the State's priority denominator). */
  agentEtat?: boolean;
  /** € per year, as recorded in the demand. */
  ressourcesAnnuelles?: number;
  personnes?: number;
  enfantsMoins14?: number;
  /** Consumption units (official scale), when the composition is known. */
  uc?: number;
}

/** A household as entered: the second edition's fields, or the first edition's flags, or both. */
export interface MenageSaisi {
  /** Declared first quartile (an override); null or absent: computed from the resources, or unknown. */
  quartile1?: boolean | null;
  prioritaire?: boolean;
  relogementAnru?: boolean;
  ressourcesAnnuelles?: number;
  personnes?: number;
  enfantsMoins14?: number;
  categories?: string[];
  relogement?: Relogement | null;
  agentEtat?: boolean;
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
  | (EvenementBase & { type: 'bail_signe'; menage?: MenageSaisi; reservataire?: string })
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
  /** € per consumption unit and per year, by EPCI SIREN: the annual arrêté's first-quartile amounts. */
  seuilsPremierQuartile?: Record<string, number>;
  /** A CIA's own targets by EPCI SIREN; an EPCI not listed gets the legal ones. */
  objectifsEpci?: Record<string, CiblesEpci>;
  /** New programmes and the rights negotiated at their financing, for their first lettings (ADR 0035). */
  programmes?: Programme[];
}

/**
 * A new programme (an RPLS programme or an operation) and the rights a réservataire negotiated at
 * its financing: `logements` units at first letting (e.g. Action Logement « au moment du
 * financement »). Its first lettings go to those rights in order, then the programme joins the flow.
 */
export interface Programme {
  id: string;
  nom?: string;
  /** The financing decision: its reference and date. */
  financement: { decision: string; date: string };
  /** The programme's units (ids of `logements`). */
  logements: string[];
  droits: { reservataire: string; logements: number }[];
}

/** The allocation targets of an EPCI's intercommunal agreement (CIA), shares of its leases (L.441-1). */
export interface CiblesEpci {
  quartile1HorsQpv?: number;
  nonQuartile1EnQpv?: number;
}

/** The bailleur's own share, a ledger line like any réservataire's. */
export const BAILLEUR = 'BAILLEUR';
