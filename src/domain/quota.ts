/**
 * The quota rule: which ledger line is owed the next vacated unit.
 *
 * Each line j has, at the moment a unit of the flow arrives, an exact entitlement E_j (micro-units)
 * and a count of units it holds x_j. Its lag is L_j = E_j − x_j·MICRO. A line may receive the unit
 * only if it is below its entitlement (L_j > 0). Among those, the earliest-deadline rule
 * (Tijdeman's chairman assignment) serves the line whose lag would reach one whole unit soonest:
 * the smallest (MICRO − L_j) / ρ_j, where ρ_j is the line's rate on this unit's perimeter.
 * With one perimeter and no other choice this keeps |x_j − E_j| < 1 for every line at every step
 * (the quota property of rules.md §5). Greedy largest-lag does not.
 *
 * `faisable` tells whether a state still lets every future deadline be met; the qualitative
 * balance may only pick a line other than the earliest deadline when the state stays feasible.
 */
import { MICRO, compareFractions, floorDiv } from './exact.ts';

/** A line as the quota rule sees it for one unit. */
export interface LigneQuota {
  /** Index of the line in the engine (stable, used to break ties). */
  index: number;
  /** Lag in micro-units, entitlement minus units held, this unit's entitlement included. */
  retard: number;
  /** The line's rate on this unit's perimeter, in millionths. */
  rho: number;
}

/** Negative when a is more urgent than b. */
export function compareUrgence(a: LigneQuota, b: LigneQuota): number {
  const ka = a.rho === 0 ? (a.retard >= MICRO ? -1 : 1) : 0;
  const kb = b.rho === 0 ? (b.retard >= MICRO ? -1 : 1) : 0;
  if (ka !== 0 || kb !== 0) {
    if (ka !== kb) return ka - kb;
    return b.retard - a.retard || a.index - b.index;
  }
  return compareFractions(MICRO - a.retard, a.rho, MICRO - b.retard, b.rho) || a.index - b.index;
}

/** Units of this perimeter's flow before the line's lag reaches one unit (null when its rate is 0). */
export function echeance(ligne: LigneQuota): number | null {
  if (ligne.rho === 0) return null;
  return (MICRO - ligne.retard) / ligne.rho;
}

/** The line the earliest-deadline rule serves, among those below their entitlement; -1 if none. */
export function choisirEcheance(lignes: readonly LigneQuota[]): number {
  let best = -1;
  for (let i = 0; i < lignes.length; i++) {
    const l = lignes[i]!;
    if (l.retard <= 0) continue;
    if (best < 0 || compareUrgence(l, lignes[best]!) < 0) best = i;
  }
  return best;
}

/** Longest look-ahead of the feasibility test; past it a state is deemed unsafe (conservative). */
export const HORIZON_MAX = 5000;

/**
 * Whether, from these lags (after the current unit is given), every line can still be kept within
 * one unit of its entitlement on all future steps, assuming future units arrive on the same
 * perimeter. Hall's condition for unit jobs with deadlines: for every m ≥ 0, the units owed by
 * step n+m, Σ_j max(0, ⌊(L_j + m·ρ_j)/MICRO⌋), must not exceed m. Only the first m up to the
 * step where no line is ahead any more need checking; later ones hold because Σρ = MICRO.
 */
export function faisable(lignes: readonly LigneQuota[]): boolean {
  let horizon = 0;
  for (const l of lignes) {
    if (l.retard < 0 && l.rho > 0) horizon = Math.max(horizon, Math.ceil(-l.retard / l.rho));
  }
  if (horizon > HORIZON_MAX) return false;
  for (let m = 0; m <= horizon; m++) {
    let du = 0;
    for (const l of lignes) {
      const v = floorDiv(l.retard + m * l.rho, MICRO);
      if (v > 0) du += v;
    }
    if (du > m) return false;
  }
  return true;
}
