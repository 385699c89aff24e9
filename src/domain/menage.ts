/**
 * The household of a lease as the allocation objectives read it (CCH L.441-1): its consumption
 * units, its first quartile against the annual threshold of the unit's EPCI, its priority and its
 * rehousing. Pure: the caller gives the threshold in force.
 *
 * - Consumption units, the official scale (INSEE / OCDE modifiée, used by the arrêté fixing the
 *   first-quartile amounts): 1 for the first person, 0.5 for each other person aged 14 or more,
 *   0.3 for each child under 14.
 * - First quartile ⇔ annual resources per consumption unit **strictly below** the threshold
 *   (L.441-1: « demandeurs dont le niveau de ressources par unité de consommation est inférieur »).
 * - An explicit `quartile1` flag is a declaration: it overrides the computation and the bilan
 *   counts it apart (`origineQuartile1: 'declare'`).
 * - Otherwise, without resources, persons or a threshold, the quartile is unknown (null).
 */
import type { Menage, MenageSaisi, Relogement } from './types.ts';

/** Consumption units in tenths (exact): 10 for the first person, 5 per other person of 14 or more, 3 per child under 14. */
export function unitesDeConsommationDixiemes(personnes: number, enfantsMoins14: number): number {
  const enfants = Math.min(enfantsMoins14, Math.max(0, personnes - 1));
  const autresAdultes = Math.max(0, personnes - 1 - enfants);
  return 10 + 5 * autresAdultes + 3 * enfants;
}

/** Consumption units of a household (1 person → 1; a couple and two children under 14 → 2.1). */
export function unitesDeConsommation(personnes: number, enfantsMoins14 = 0): number {
  return unitesDeConsommationDixiemes(personnes, enfantsMoins14) / 10;
}

/** Whether resources per consumption unit are strictly below the threshold (€ per UC and per year). */
export function estPremierQuartile(
  ressourcesAnnuelles: number,
  personnes: number,
  enfantsMoins14: number,
  seuil: number,
): boolean {
  // r / (d / 10) < s ⇔ 10 r < s d, without dividing (tenths are exact integers).
  return ressourcesAnnuelles * 10 < seuil * unitesDeConsommationDixiemes(personnes, enfantsMoins14);
}

/**
 * The household as the objectives read it, from what was entered and the first-quartile threshold
 * of the unit's EPCI (undefined when none is known). No household entered: everything unknown or no.
 */
export function resoudreMenage(saisi: MenageSaisi | undefined, seuil: number | undefined): Menage {
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
  if (s.personnes !== undefined) m.uc = unitesDeConsommation(s.personnes, s.enfantsMoins14 ?? 0);
  if (declare === null && s.ressourcesAnnuelles !== undefined && s.personnes !== undefined && seuil !== undefined) {
    m.quartile1 = estPremierQuartile(s.ressourcesAnnuelles, s.personnes, s.enfantsMoins14 ?? 0, seuil);
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
