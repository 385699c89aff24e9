/**
 * The Monte Carlo year's speed (issue 18 item 6): « a département's year (the demo's largest
 * bailleur) × 1,000 runs ≤ 10 s on this 2-core machine (worker threads where it helps) ».
 * Called by bench/plan/run.ts (after the linear program), or alone:
 *
 *   node bin/run-ts.js bench/plan/run.ts --monte-carlo            # HLD's year × 1,000 runs
 *   node bin/run-ts.js bench/plan/run.ts --monte-carlo --smoke    # the Loiret example, 12 runs (CI)
 *   node bin/run-ts.js bench/plan/run.ts --monte-carlo --tirages 300 --fils 1
 *
 * Input: HLD's year as the « Simulation » page reads it (the demo seeded in an in-memory PGlite,
 * `preparerSimulation`: the whole stock in RPLS, the year's conventions and events, the observed
 * assumptions), kept in bench/out/plan-hld.json after the first run; in smoke mode
 * examples/loiret-2019.json (8,040 units). Timed, with the process's CPU time (every thread):
 *   moteur seul     `simuler` on one drawn year (explanations, checks, all results), median of 5
 *                   after 2 warm-ups: the reference the per-run time is read against
 *   N tirages       `planifierEnParallele` under the conventions as written, on every core (this
 *                   thread and one worker per other core), workers' start included
 *   un fil          the same runs in this thread only (`planifier`), 1/5 of them
 *   4 options       100 runs under the conventions and the three counting rules, as
 *                   `flux simulate --monte-carlo 100` (the figure quoted before: 41–50 s)
 * Target: N tirages ≤ 10 s wall for 1,000 runs; exits 1 above it (not in smoke mode).
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lireScenario } from '../../src/app/scenario.ts';
import { filsParDefaut, planifierEnParallele } from '../../src/app/tirages-paralleles.ts';
import { Rng } from '../../src/domain/aleatoire.ts';
import { simuler } from '../../src/domain/engine.ts';
import { optionsComparees, PARAMETRES_OPTIONS_DEFAUT } from '../../src/domain/options-comparees.ts';
import { hypothesesObservees, planifier, tirerAnnee, type Plan } from '../../src/domain/planification.ts';
import { anneeHld } from './annee-hld.ts';

const racine = resolve(import.meta.dirname, '../..');
const CIBLE_MS = 10_000;

export interface OptionsBanc {
  smoke: boolean;
  tirages?: number;
  fils?: number;
}

const mediane = (t: number[]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;

/** Wall and CPU time (ms) of `f`. */
async function chrono<T>(f: () => T | Promise<T>): Promise<{ r: T; mur: number; cpu: number }> {
  const u = process.cpuUsage();
  const t = performance.now();
  const r = await f();
  const mur = performance.now() - t;
  const c = process.cpuUsage(u);
  return { r, mur, cpu: (c.user + c.system) / 1000 };
}

/** Runs the measures and prints them; true when the target is met (always true in smoke mode). */
export async function bancMonteCarlo(o: OptionsBanc): Promise<boolean> {
  const scenario = o.smoke
    ? lireScenario(readFileSync(`${racine}/examples/loiret-2019.json`, 'utf8'))
    : await anneeHld(`${racine}/bench/out/plan-hld.json`);
  const hypotheses = hypothesesObservees(scenario);
  const tirages = o.tirages ?? (o.smoke ? 12 : 1000);
  // In smoke mode too, one worker: CI runs the threads' path.
  const fils = o.fils ?? (o.smoke ? 2 : filsParDefaut(tirages, 1));
  const plan: Plan = { scenario, hypotheses, tirages, graine: 1 };
  const flux = scenario.logements.filter((l) => l.horsFlux === null).length;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ms = (x: number) => `${x.toFixed(1)} ms`;

  // The bare engine on one drawn year.
  const annee = tirerAnnee(scenario, hypotheses, new Rng(7));
  const seul = { ...scenario, evenements: annee };
  for (let i = 0; i < 2; i++) simuler(seul);
  const moteur: number[] = [];
  const moteurCpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await chrono(() => simuler(seul));
    moteur.push(c.mur);
    moteurCpu.push(c.cpu);
  }
  const locations = annee.filter((e) => e.type === 'liberation').length;
  console.log(
    `\nMonte Carlo : ${o.smoke ? 'examples/loiret-2019.json' : `${scenario.bailleur.nom} (${scenario.bailleur.id}) ${scenario.annee}`}, ` +
      `${flux} logements dans le flux, ${scenario.conventions.length} conventions, rotation ${(hypotheses.rotation * 100).toFixed(1)} % ` +
      `(une année tirée : ${locations} préavis, ${annee.length} événements)`,
  );
  console.log(
    `moteur seul, une année (simuler, explications comprises ; médiane de 5) : ${ms(mediane(moteur))} (CPU ${ms(mediane(moteurCpu))})`,
  );

  const par = await chrono(() => planifierEnParallele(plan, { fils, ceFil: true }));
  const parTirage = par.mur / tirages;
  console.log(
    `${tirages} tirages, conventions telles quelles, ${fils} fil(s) de calcul (ce fil + ${fils - 1} worker(s)) : ` +
      `${s(par.mur)} (CPU ${s(par.cpu)}), ${(tirages / (par.mur / 1000)).toFixed(0)} tirages/s, ` +
      `${ms(parTirage)} par tirage (${(parTirage / mediane(moteur)).toFixed(2)} × le moteur seul), ` +
      `CPU ${ms(par.cpu / tirages)} par tirage`,
  );

  const nUn = Math.max(1, Math.round(tirages / 5));
  const un = await chrono(() => planifier({ ...plan, tirages: nUn }));
  console.log(
    `${nUn} tirages dans ce seul fil (planifier) : ${s(un.mur)} (CPU ${s(un.cpu)}), ${ms(un.mur / nUn)} par tirage`,
  );

  // The options `flux simulate --monte-carlo` runs (ADR 0049; no history given: no history option).
  const nQuatre = o.smoke ? 4 : 100;
  const comparees = optionsComparees(scenario, hypotheses, PARAMETRES_OPTIONS_DEFAUT).options;
  const quatre = await chrono(() =>
    planifierEnParallele({ ...plan, tirages: nQuatre, options: comparees }, { fils, ceFil: true }),
  );
  console.log(
    `${nQuatre} tirages × ${1 + comparees.length} options (flux simulate --monte-carlo ${nQuatre}) : ` +
      `${s(quatre.mur)} (CPU ${s(quatre.cpu)})`,
  );
  console.log(
    `charge de la machine : ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} (${cpus().length} cœurs)`,
  );

  if (o.smoke) return true;
  const objectif = (par.mur * 1000) / tirages;
  if (objectif > CIBLE_MS) {
    console.error(`objectif manqué : 1 000 tirages en ${s(objectif)} > ${s(CIBLE_MS)} (au rythme mesuré)`);
    return false;
  }
  return true;
}
