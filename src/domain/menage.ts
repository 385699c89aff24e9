/**
 * The household of a lease as the allocation objectives read it (CCH L.441-1): its consumption
 * units, its first quartile against the annual threshold of the unit's EPCI, its priority and its
 * rehousing. Pure: the caller gives the threshold in force and the date.
 *
 * - Consumption units, the scale in force (legal parameters `ucPremierePersonne`,
 *   `ucAutrePersonne14Ans`, `ucEnfantMoins14Ans`: 1, 0.5 and 0.3 since 2017, ADR 0031).
 * - First quartile ⇔ annual resources per consumption unit **strictly below** the threshold
 *   (L.441-1: demandeurs « dont le niveau de ressources par unité de consommation est inférieur »).
 * - An explicit `quartile1` flag is a declaration: it overrides the computation and the bilan
 *   counts it apart (`origineQuartile1: 'declare'`).
 * - Otherwise, without resources, persons or a threshold, the quartile is unknown (null).
 */
import { fromMicro, toMicro } from './exact.ts';
import { valeurAu } from './legal-parameters.ts';
import type { Menage, MenageSaisi, Relogement } from './types.ts';

/** Without a date: the version of the scale that is still in force (no end date). */
const EN_VIGUEUR = '9999-12-31';

/** Consumption units in millionths (exact), on the scale in force on `date` (default: the one still in force). */
export function unitesDeConsommationMicro(personnes: number, enfantsMoins14 = 0, date = EN_VIGUEUR): number {
  const enfants = Math.min(enfantsMoins14, Math.max(0, personnes - 1));
  const autres = Math.max(0, personnes - 1 - enfants);
  return (
    toMicro(valeurAu('ucPremierePersonne', date))! +
    autres * toMicro(valeurAu('ucAutrePersonne14Ans', date))! +
    enfants * toMicro(valeurAu('ucEnfantMoins14Ans', date))!
  );
}

/** Consumption units of a household (1 person → 1; a couple and two children under 14 → 2.1). */
export function unitesDeConsommation(personnes: number, enfantsMoins14 = 0, date?: string): number {
  return fromMicro(unitesDeConsommationMicro(personnes, enfantsMoins14, date));
}

/** Whether resources per consumption unit are strictly below the threshold (€ per UC and per year). */
export function estPremierQuartile(
  ressourcesAnnuelles: number,
  personnes: number,
  enfantsMoins14: number,
  seuil: number,
  date?: string,
): boolean {
  // r / (u / 10⁶) < s ⇔ 10⁶ r < s u, in cents so that both sides are exact integers (< 2⁵³).
  const centimes = (x: number) => Math.round(x * 100);
  return (
    centimes(ressourcesAnnuelles) * 1_000_000 <
    centimes(seuil) * unitesDeConsommationMicro(personnes, enfantsMoins14, date)
  );
}

/**
 * The household as the objectives read it, from what was entered, the first-quartile threshold of
 * the unit's EPCI (undefined when none is known) and the lease's date. No household entered: its
 * quartile is unknown, it is not a priority household.
 */
export function resoudreMenage(saisi: MenageSaisi | undefined, seuil: number | undefined, date?: string): Menage {
  const s = saisi ?? {};
  const categories = s.categories ?? [];
  const relogement: Relogement | null = s.relogement ?? (s.relogementAnru ? 'anru' : null);
  const m: Menage = {
    quartile1: null,
    prioritaire: s.prioritaire === true || categories.length > 0,
    relogementAnru: relogement === 'anru',
  };
  const declare = s.quartile1 ?? null;
  if (declare !== null) {
    m.quartile1 = declare;
    m.origineQuartile1 = 'declare';
  }
  if (s.personnes !== undefined) m.uc = unitesDeConsommation(s.personnes, s.enfantsMoins14 ?? 0, date);
  if (declare === null && s.ressourcesAnnuelles !== undefined && s.personnes !== undefined && seuil !== undefined) {
    m.quartile1 = estPremierQuartile(s.ressourcesAnnuelles, s.personnes, s.enfantsMoins14 ?? 0, seuil, date);
    m.origineQuartile1 = 'calcule';
  }
  if (saisi?.relogement !== undefined || relogement !== null) m.relogement = relogement;
  if (categories.length > 0) m.categories = [...categories];
  if (s.agentEtat !== undefined) m.agentEtat = s.agentEtat;
  if (s.ressourcesAnnuelles !== undefined) m.ressourcesAnnuelles = s.ressourcesAnnuelles;
  if (s.personnes !== undefined) m.personnes = s.personnes;
  if (s.enfantsMoins14 !== undefined) m.enfantsMoins14 = s.enfantsMoins14;
  return m;
}

/** A household rehoused under a renewal (ANRU/NPNRU) or ORCOD operation: counted with the first quartile outside QPV. */
export function estRelogePru(m: Menage): boolean {
  return m.relogementAnru || m.relogement === 'anru' || m.relogement === 'orcod';
}
