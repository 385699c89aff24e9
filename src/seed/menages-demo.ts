/**
 * The demo's households and first-quartile thresholds (ADR 0034, ADR 0050). The Loiret's five EPCI of
 * the allocation reform take the **official amounts** of the annual arrêtés 2024, 2025 and 2026 (the
 * rows of `data-ref/quartiles/`, checked equal by `test/cli/quartiles-officiels.test.ts`); any other
 * EPCI or year of the demo gets a **fictitious** amount, said so wherever it shows (its source text).
 * Households are drawn around them: composition by the unit's typology, then resources per
 * consumption unit below the threshold for a first-quartile household (35–97 %), above it otherwise
 * (105–320 %). Deterministic: each household has its own seeded stream, so the demo's other draws are
 * unchanged.
 */
import { estPremierQuartile, unitesDeConsommationMicro } from '../domain/menage.ts';
import type { MenageSaisi } from '../domain/types.ts';
import { hashSeed, Rng } from './synthetic.ts';

export const SOURCE_SEUILS_DEMO =
  'Seuils fictifs (démonstration) : montants illustratifs, pas ceux de l’arrêté annuel (aucun montant officiel chargé)';

/**
 * The official amounts (€ per UC) of the Loiret's EPCI, per year, with their act: the annexes'
 * rows as `data-ref/quartiles/seuils-q1-AAAA.csv` ship them (source and how they were read:
 * data-ref/README.md). Orléans Métropole 244500468, Montargoise et Rives du Loing 244500203,
 * Giennoises 244500211, Pithiverais 200066280, Val de Sully 200070100.
 */
export const SEUILS_OFFICIELS_LOIRET: Readonly<
  Record<number, { source: string; montants: Readonly<Record<string, number>> }>
> = {
  2024: {
    source: 'Arrêté annuel 2024 fixant le seuil de ressources des demandeurs du premier quartile (CCH L.441-1), annexe',
    montants: { '244500468': 10_154, '244500203': 8_492, '244500211': 8_624, '200066280': 9_468, '200070100': 9_326 },
  },
  2025: {
    source: 'Arrêté annuel 2025 fixant le seuil de ressources des demandeurs du premier quartile (CCH L.441-1), annexe',
    montants: { '244500468': 10_347, '244500203': 8_301, '244500211': 8_765, '200066280': 9_144, '200070100': 10_679 },
  },
  2026: {
    source:
      'Arrêté du 23 avril 2026 fixant le seuil de ressources des demandeurs du premier quartile (CCH L.441-1), JORF n° 103 du 2 mai 2026, annexe',
    montants: { '244500468': 10_289, '244500203': 8_769, '244500211': 8_320, '200066280': 9_869, '200070100': 9_643 },
  },
};

/** A fictitious base amount for the EPCI the arrêtés do not list, drawn from their SIREN. */
const BASES: Readonly<Record<string, number>> = { '244500468': 9_900 };

/**
 * The demo's threshold (€ per UC) for an EPCI and year: the arrêté's when `SEUILS_OFFICIELS_LOIRET`
 * has it, else fictitious (7,600 to 10,200 € in 2025, +3.5 % a year).
 */
export function seuilDemo(epci: string, annee: number): number {
  const officiel = SEUILS_OFFICIELS_LOIRET[annee]?.montants[epci];
  if (officiel !== undefined) return officiel;
  const base = BASES[epci] ?? 7_600 + 10 * (hashSeed(`flux-demo-seuil-${epci}`) % 260);
  return Math.round(base * (1 + 0.035 * (annee - 2025)));
}

/** The act behind `seuilDemo(epci, annee)`: the arrêté's, or the fictitious amounts' warning. */
export function sourceSeuilDemo(epci: string, annee: number): string {
  return SEUILS_OFFICIELS_LOIRET[annee]?.montants[epci] !== undefined
    ? SEUILS_OFFICIELS_LOIRET[annee]!.source
    : SOURCE_SEUILS_DEMO;
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
