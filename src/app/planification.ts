/**
 * Use case « plan the year before signing »: read a plan file, check it, complete the units' EPCI
 * from the COG, run the Monte Carlo year (`src/domain/planification.ts`).
 */
import { problemesZod } from '../contracts/issues.ts';
import { planSchema } from '../contracts/planification.ts';
import { z } from 'zod';
import type { OptionsMoteur } from '../domain/engine.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import type { CiblesPlan } from '../domain/suivi-plan.ts';
import { optionsComparees, PARAMETRES_OPTIONS_DEFAUT, type ParametresOptions } from '../domain/options-comparees.ts';
import { hypothesesObservees, type HypothesesAnnee, type ResultatPlan } from '../domain/planification.ts';
import { completerEpci, lireScenario, positionJson } from './scenario.ts';
import { planifierEnParallele, type OptionsParalleles } from './tirages-paralleles.ts';

export async function planifierTexte(
  texte: string,
  surcharges: { tirages?: number; graine?: number } = {},
  parallele: OptionsParalleles = { fils: 1 },
): Promise<ResultatPlan> {
  let brut: unknown;
  try {
    brut = JSON.parse(texte);
  } catch (err) {
    throw new DonneesInvalides([{ chemin: positionJson(texte, err), message: 'JSON invalide' }]);
  }
  const r = planSchema.safeParse(brut, { reportInput: true });
  if (!r.success) throw new DonneesInvalides(problemesZod(r.error));
  const plan = { ...r.data, ...surcharges, scenario: completerEpci(r.data.scenario) };
  try {
    return await planifierEnParallele(plan, parallele);
  } catch (err) {
    // The scenario's own problems, named in the plan file.
    if (err instanceof DonneesInvalides)
      throw new DonneesInvalides(err.problemes.map((p) => ({ ...p, chemin: `scenario.${p.chemin}` })));
    throw err;
  }
}

/** The Monte Carlo year of a scenario: its assumptions, observed, and the runs under each option. */
export interface MonteCarloScenario extends ResultatPlan {
  /** The scenario's year. */
  annee: number;
  hypotheses: HypothesesAnnee;
  /** The options' own numbers (delegated missed deadlines, cap of the carry-over, history). */
  parametres: ParametresOptions;
  /** Options not run for this scenario, and why. */
  optionsAbsentes: { nom: string; raison: string }[];
}

/**
 * `flux simulate SCENARIO --monte-carlo N`: the year the scenario's events show (turnover by
 * typology, months, refusals, missed deadlines, PRU) drawn N times and run through the engine, under
 * the conventions as written and under each option of `optionsComparees` (counting, one or all
 * réservataires per unit, delegated management, carry-over, history when given).
 */
export async function monteCarloTexte(
  texte: string,
  tirages: number,
  graine: number,
  moteur: OptionsMoteur = {},
  options: { plafondReport?: number; historique?: number[] } = {},
  parallele: OptionsParalleles = { fils: 1 },
): Promise<MonteCarloScenario> {
  const scenario = lireScenario(texte);
  const hypotheses = hypothesesObservees(scenario);
  const n = options.historique?.length ?? 0;
  const parametres: ParametresOptions = {
    ...PARAMETRES_OPTIONS_DEFAUT,
    ...(options.plafondReport !== undefined ? { plafondReport: options.plafondReport } : {}),
    historique:
      n > 0
        ? {
            annees: Array.from({ length: n + 1 }, (_, i) => scenario.annee - n + i),
            rotations: [...options.historique!, hypotheses.rotation],
            source: 'saisie',
          }
        : null,
  };
  const comparees = optionsComparees(scenario, hypotheses, parametres);
  return {
    annee: scenario.annee,
    hypotheses,
    parametres,
    optionsAbsentes: comparees.absentes,
    ...(await planifierEnParallele(
      { scenario, hypotheses, tirages, graine, options: comparees.options, moteur },
      parallele,
    )),
  };
}

const ciblesSchema = z.looseObject({
  lignes: z
    .array(
      z.looseObject({
        ligne: z.string().min(1),
        parSegment: z.record(z.string(), z.number().min(0, 'un nombre de logements positif ou nul')),
      }),
    )
    .min(1, 'au moins une ligne'),
});

/**
 * The segment targets of an allocation plan, from the output of `flux plan --json` (its
 * `lignes[].ligne` and `lignes[].parSegment`), for the engine to follow (`OptionsMoteur.plan`).
 */
export function lireCiblesPlan(texte: string): CiblesPlan {
  let brut: unknown;
  try {
    brut = JSON.parse(texte);
  } catch (err) {
    throw new DonneesInvalides([{ chemin: `--plan: ${positionJson(texte, err)}`, message: 'JSON invalide' }]);
  }
  const r = ciblesSchema.safeParse(brut, { reportInput: true });
  if (!r.success)
    throw new DonneesInvalides(
      problemesZod(r.error).map((p) => ({
        chemin: `--plan: ${p.chemin}`,
        message: `${p.message} (sortie de flux plan --json attendue)`,
      })),
    );
  return Object.fromEntries(r.data.lignes.map((l) => [l.ligne, l.parSegment]));
}
