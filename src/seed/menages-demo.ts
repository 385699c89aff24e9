/**
 * The demo's households and first-quartile thresholds (ADR 0034). No official amount of the annual
 * arrêté could be sourced for the Loiret's EPCI here, so the demo's thresholds are **fictifs
 * (démonstration)**, said so wherever they show (their source text). Households are drawn around
 * them: composition by the unit's typology, then resources per consumption unit below the threshold
 * for a first-quartile household (35–97 %), above it otherwise (105–320 %). Deterministic: each
 * household has its own seeded stream, so the demo's other draws are unchanged.
 */
import { estPremierQuartile, unitesDeConsommationMicro } from '../domain/menage.ts';
import type { MenageSaisi } from '../domain/types.ts';
import { hashSeed, Rng } from './synthetic.ts';

export const SOURCE_SEUILS_DEMO =
  'Seuils fictifs (démonstration) : montants illustratifs, pas ceux de l’arrêté annuel (aucun montant officiel chargé)';

/** Orléans Métropole's fictitious base amount; the other EPCI get one drawn from their SIREN. */
const BASES: Readonly<Record<string, number>> = { '244500468': 9_900 };

/** A fictitious threshold (€ per UC) for an EPCI and year: 7,600 to 10,200 € in 2025, +3.5 % a year. */
export function seuilDemo(epci: string, annee: number): number {
  const base = BASES[epci] ?? 7_600 + 10 * (hashSeed(`flux-demo-seuil-${epci}`) % 260);
  return Math.round(base * (1 + 0.035 * (annee - 2025)));
}

export interface MenageDemo {
  personnes: number;
  enfantsMoins14: number;
  ressourcesAnnuelles: number;
}

/**
 * A household of `personnes` (children drawn), whose resources per UC fall below `seuil` when
 * `q1`, above it otherwise (strictly, as the CAL decision tests it). Without a threshold, around
 * a 12,000 € per UC median.
 */
export function menageDemo(cle: string, personnes: number, q1: boolean, seuil: number | undefined): MenageDemo {
  const rng = new Rng(hashSeed(`flux-demo-menage-${cle}`));
  const enfantsMoins14 = personnes <= 1 ? 0 : rng.int(0, personnes - (personnes >= 3 ? 2 : 1));
  const dixiemes = unitesDeConsommationMicro(personnes, enfantsMoins14) / 100_000;
  const reference = seuil ?? 12_000;
  const part = seuil === undefined ? 0.5 + 2 * rng.next() : q1 ? 0.35 + 0.62 * rng.next() : 1.05 + 2.15 * rng.next();
  let ressourcesAnnuelles = Math.round((reference * part * dixiemes) / 10);
  if (seuil !== undefined) {
    // Rounding to the euro must not cross the threshold.
    while (q1 && !estPremierQuartile(ressourcesAnnuelles, personnes, enfantsMoins14, seuil)) ressourcesAnnuelles--;
    while (!q1 && estPremierQuartile(ressourcesAnnuelles, personnes, enfantsMoins14, seuil)) ressourcesAnnuelles++;
  }
  return { personnes, enfantsMoins14, ressourcesAnnuelles };
}

/**
 * The lease's household in the scenario's second edition: the first edition's flags of the generated
 * year turned into a composition and resources (the engine recomputes the quartile from them), the
 * priority flag and the ANRU rehousing kept.
 */
export function menageSaisiDemo(
  cle: string,
  premiereEdition: MenageSaisi | undefined,
  personnes: number,
  seuil: number | undefined,
): MenageSaisi {
  const m = menageDemo(cle, personnes, premiereEdition?.quartile1 === true, seuil);
  return {
    prioritaire: premiereEdition?.prioritaire ?? false,
    relogementAnru: premiereEdition?.relogementAnru ?? false,
    ressourcesAnnuelles: m.ressourcesAnnuelles,
    personnes: m.personnes,
    enfantsMoins14: m.enfantsMoins14,
  };
}
