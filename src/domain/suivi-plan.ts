/**
 * Following the allocation plan's segment targets in live orientation (issue 18 item 1, ADR 0042):
 * the unit goes to the line in lag that has the most of its plan left in the unit's segment,
 * provided the quota stays reachable for every line — the feasibility guard of ADR 0003 — else to
 * the earliest deadline (ADR 0002). The quota property therefore holds whatever the targets: every
 * line stays within one unit of its exact droit (tested with fast-check). The engine calls it
 * when it is given a plan (`OptionsMoteur.plan`), in place of its qualitative step.
 */
import { MICRO } from './exact.ts';
import { choisirEcheance, compareUrgence, faisable, type LigneQuota } from './quota.ts';
import type { Logement } from './types.ts';

/**
 * The plan's segment targets the engine follows (`OptionsMoteur.plan`): for each line id (the
 * conventions' réservataires, `BAILLEUR`), its planned units by segment key — the `parSegment` of
 * `flux plan --json` (`lignes[].ligne` → `lignes[].parSegment`).
 */
export type CiblesPlan = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** A unit's segment, keyed as the plan keys it (`cleSegment` of plan-attribution.ts): commune|typologie|financement|QPV. */
export const segmentDuLogement = (l: Pick<Logement, 'commune' | 'typologie' | 'financement' | 'qpv'>): string =>
  `${l.commune}|${l.typologie}|${l.financement}|${l.qpv !== null ? 'QPV' : 'horsQPV'}`;

/** The segment's key among a unit's keys in the engine (a prefix no dimension uses). */
export const CLE_PLAN = 'plan:';

/**
 * The line (index in `lignes`) a unit goes to. `resteCible[k]`: units of this unit's segment the
 * plan still gives line k (its target minus the units of that segment it already holds).
 */
export function choisirSelonPlan(lignes: readonly LigneQuota[], resteCible: readonly number[]): number {
  const ordre = lignes
    .map((_, k) => k)
    .filter((k) => lignes[k]!.retard > 0 && (resteCible[k] ?? 0) > 0)
    .sort((a, b) => resteCible[b]! - resteCible[a]! || compareUrgence(lignes[a]!, lignes[b]!));
  for (const k of ordre) {
    const apres = lignes.map((q, j) => (j === k ? { ...q, retard: q.retard - MICRO } : q));
    if (faisable(apres)) return k;
  }
  return choisirEcheance(lignes);
}

export interface SuiviPlan {
  /** The line of each unit, in arrival order. */
  lignes: number[];
  /** Units held by line and segment at the end. */
  tenus: number[][];
  /** The largest |units held − exact droit| over every line and every step, in units. */
  ecartMax: number;
}

/**
 * Orients a sequence of units of one perimeter (segment indexes) by the plan: `taux` in millionths
 * (Σ = MICRO, the bailleur's share included), `cibles[j][s]` the plan's units of segment s for line j.
 */
export function suivrePlan(
  taux: readonly number[],
  cibles: readonly (readonly number[])[],
  sequence: readonly number[],
): SuiviPlan {
  const nbSegments = Math.max(0, ...cibles.map((c) => c.length), ...sequence.map((s) => s + 1));
  const tenus = taux.map(() => Array.from({ length: nbSegments }, () => 0));
  const detenus = taux.map(() => 0);
  const choix: number[] = [];
  let ecartMax = 0;
  sequence.forEach((s, n) => {
    // Entitlements after n + 1 units: (n + 1) × ρ, exact in millionths.
    const lignes: LigneQuota[] = taux.map((rho, j) => ({ index: j, rho, retard: (n + 1) * rho - detenus[j]! * MICRO }));
    const reste = taux.map((_, j) => (cibles[j]?.[s] ?? 0) - tenus[j]![s]!);
    const k = choisirSelonPlan(lignes, reste);
    choix.push(k);
    detenus[k]!++;
    tenus[k]![s]!++;
    for (let j = 0; j < taux.length; j++)
      ecartMax = Math.max(ecartMax, Math.abs(detenus[j]! * MICRO - (n + 1) * taux[j]!) / MICRO);
  });
  return { lignes: choix, tenus, ecartMax };
}
