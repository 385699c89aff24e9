/**
 * The engine's running state over a year: the ledger lines, the lettings, the flow so far. It is a
 * value the engine can copy (`copierEtat`) at the start of each month, so that a change dated D is
 * replayed from the last month start before D rather than from 1 January (ADR 0023); the answer
 * is byte for byte the one of a full replay.
 */
import type { FluxAnnuel, MotifExclusion } from './flow.ts';
import type { EtatLocation } from './lifecycle.ts';
import type { Convention, DecisionCal, Logement, Menage, Reservataire } from './types.ts';

export interface CandidatExplication {
  reservataire: string;
  /** Exact entitlement on this line's perimeter, this unit included. */
  droitExact: number;
  /** Units the line holds before this decision. */
  oriente: number;
  /** Further units of this perimeter's flow before the line's lag reaches one unit (null: rate 0). */
  echeance: number | null;
  /** How much the unit would improve the line's qualitative mix, in units (higher = more needed). */
  besoinQualitatif: number;
  retenu: boolean;
  raison: string;
}

export interface Orientation {
  logement: string;
  date: string;
  /** The line the unit counts for: a réservataire, "BAILLEUR", or null when out of the flow. */
  reservataire: string | null;
  motif: string;
  forcee: boolean;
  /** Réservataires of a pooled orientation (orientation_multiple). */
  pool?: string[];
  /** Recommended line when a person oriented otherwise. */
  recommandation?: string | null;
  explication: { candidats: CandidatExplication[] };
}

/** The dimensions of the qualitative mix, in this order everywhere (keys, deviations). */
export const DIMENSIONS = ['typologie', 'financement', 'qpv', 'commune'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Index of each dimension in `DIMENSIONS` and in a unit's keys (`clesDuLogement`). */
export const DIM_TYPOLOGIE = 0;
export const DIM_FINANCEMENT = 1;
export const DIM_QPV = 2;
export const DIM_COMMUNE = 3;

/** A dimension value as a map key: "dimension index:value" (e.g. "0:T1"). */
export function cleDimension(d: number, valeur: string): string {
  return `${d}:${valeur}`;
}

/** The key of a unit outside any QPV (the least share outside QPV counts these). */
export const CLE_HORS_QPV = cleDimension(DIM_QPV, 'hors_qpv');
const CLE_EN_QPV = cleDimension(DIM_QPV, 'qpv');

/** The unit's key in each dimension, indexed by `DIM_*`. */
export function clesDuLogement(l: Logement): string[] {
  return [
    cleDimension(DIM_TYPOLOGIE, l.typologie),
    cleDimension(DIM_FINANCEMENT, l.financement),
    l.qpv === null ? CLE_HORS_QPV : CLE_EN_QPV,
    cleDimension(DIM_COMMUNE, l.commune),
  ];
}

/** Per-line qualitative commitments, resolved with the State's defaults. */
export interface ContraintesResolues {
  uniformiteCommunale: boolean;
  partHorsQpvMin: number;
  /** Dimension key (`cleDimension`) → [min, max] share. */
  fourchettes: Map<string, [number, number]>;
}

export interface Ligne {
  readonly id: string;
  readonly convention: Convention | null; // null for the bailleur's own share
  readonly reservataire: Reservataire | null;
  readonly tauxMicro: number;
  /** Running exact entitlement in micro-units. */
  droit: number;
  /** Units held now (engine count): oriented, minus failures returned to the bailleur. */
  detenus: number;
  /** Held units by dimension key → count. */
  recus: Map<string, number>;
  /** Flow units of the line's perimeter by dimension key, and their total. */
  fluxParValeur: Map<string, number>;
  fluxTotal: number;
  /** Σ of the line's rate over the flow units of its perimeter (bailleur: its effective share). */
  rhoCumule: number;
  readonly contraintes: ContraintesResolues;
}

export interface Cellule {
  /** Line indexes eligible for units of this cell (conventions covering it, then the bailleur). */
  lignes: number[];
  /** Each eligible line's local rate, micro. */
  rhos: number[];
}

export interface Location {
  logement: Logement;
  /** Dimension keys of the unit (see `clesDuLogement`) and the lines eligible for it, computed once. */
  cles: string[];
  /** The keys' numbers when the engine counts the mix in typed arrays (`preparerAnnees`), else empty. */
  ids: number[];
  cel: Cellule;
  date: string;
  slot: number; // index in orientations
  etat: EtatLocation;
  dansLeFlux: boolean;
  detenteur: number; // line index, -1 when none
  pool: number[] | null;
  forcee: boolean;
  propose: boolean;
  attribue: boolean;
  decision: DecisionCal | null;
  echec: boolean;
  rendue: boolean; // returned to the bailleur for one letting
  bail: boolean;
  menage: Menage | null;
  exclusion: MotifExclusion | null;
  premiere: boolean;
  /** The tenant's departure when the letting opened on the notice (ADR 0026), else null. */
  depart: string | null;
  dates: { candidats: string | null; decision: string | null; fin: string | null };
}

/**
 * Everything the events change. Orientations are never changed in place once pushed (a later
 * event replaces the slot's object), so a copy of the state shares them safely.
 */
export interface EtatMoteur {
  lignes: Ligne[];
  flux: FluxAnnuel;
  orientations: Orientation[];
  locations: Location[];
  /** Lettings in progress by unit id (the same objects as in `locations`). */
  enCours: Map<string, Location>;
  /** Flow units per commune, for the communal uniformity of a rate. */
  fluxCommune: Map<string, number>;
  /** Programme rights used so far: "programme index|right index" → units given (ADR 0035). */
  droitsProgrammes: Map<string, number>;
}

/** A copy of the state that the copy's events cannot change (units, cells and orientations are shared, being immutable). */
export function copierEtat(e: EtatMoteur): EtatMoteur {
  const copies = new Map<Location, Location>();
  const locations = e.locations.map((loc) => {
    const c = { ...loc, dates: { ...loc.dates } };
    copies.set(loc, c);
    return c;
  });
  const enCours = new Map<string, Location>();
  for (const [k, loc] of e.enCours) enCours.set(k, copies.get(loc)!);
  return {
    lignes: e.lignes.map((l) => ({ ...l, recus: new Map(l.recus), fluxParValeur: new Map(l.fluxParValeur) })),
    flux: { ...e.flux, exclus: { ...e.flux.exclus } },
    orientations: e.orientations.slice(),
    locations,
    enCours,
    fluxCommune: new Map(e.fluxCommune),
    droitsProgrammes: new Map(e.droitsProgrammes),
  };
}

export function incr(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}
