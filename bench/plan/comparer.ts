/**
 * The Monte Carlo year of HLD under two versions of the code, one after the other in one session
 * (ADR 0051): the CPU time of a run, the preparation's, and a fingerprint of the answer (the same
 * seed must give the same bytes). The machine is shared: run main's tree and this one alternately,
 * several times, and compare CPU times measured at the same load.
 *
 *   node bin/run-ts.js bench/plan/comparer.ts --racine /work/main --tirages 200          # one thread
 *   node bin/run-ts.js bench/plan/comparer.ts --tirages 1000 --fils 2                    # this tree, 2 threads
 *
 * Input: bench/out/plan-hld.json (written by `bench/plan/run.ts --monte-carlo` on its first run).
 * One thread: 20 runs to warm up, then the plan prepared again (`preparerPlanification`, timed) and
 * its runs (`mesurerTirages`, timed). Several threads: `planifierEnParallele`, this thread one of
 * them, the workers' start included.
 */
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type * as Parallele from '../../src/app/tirages-paralleles.ts';
import type * as Planification from '../../src/domain/planification.ts';
import { anneeHld } from './annee-hld.ts';

const { values } = parseArgs({
  options: { racine: { type: 'string' }, tirages: { type: 'string' }, fils: { type: 'string' } },
});
const ici = resolve(import.meta.dirname, '../..');
const racine = resolve(values.racine ?? ici);
const tirages = Number(values.tirages ?? 200);
const fils = Number(values.fils ?? 1);
const pl = (await import(`${racine}/src/domain/planification.ts`)) as typeof Planification;
const par = (await import(`${racine}/src/app/tirages-paralleles.ts`)) as typeof Parallele;
const scenario = await anneeHld(`${ici}/bench/out/plan-hld.json`);
const plan: Planification.Plan = { scenario, hypotheses: pl.hypothesesObservees(scenario), tirages, graine: 1 };
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const courir = (p: Planification.PlanPrepare, n: number) => {
  const etapes = pl.mesurerTirages(p, pl.generateurs(p), 0, n);
  let x = etapes.next();
  while (!x.done) x = etapes.next();
  return pl.agregerTirages(
    p,
    x.value.map((m) => m.slice(0, n)),
  );
};

let resultat: Planification.ResultatPlan;
let ligne: string;
if (fils <= 1) {
  courir(pl.preparerPlanification({ ...plan, tirages: 20 }), 20);
  let t = cpu();
  const p = pl.preparerPlanification(plan);
  const preparation = cpu() - t;
  t = cpu();
  resultat = courir(p, tirages);
  const runs = cpu() - t;
  ligne = `préparation ${preparation.toFixed(0)} ms CPU, ${tirages} tirages ${(runs / 1000).toFixed(2)} s CPU, ${(runs / tirages).toFixed(2)} ms CPU par tirage`;
} else {
  const t = cpu();
  const mur = performance.now();
  resultat = await par.planifierEnParallele(plan, { fils, ceFil: true });
  const s = (performance.now() - mur) / 1000;
  const c = cpu() - t;
  ligne = `${tirages} tirages sur ${fils} fils : ${s.toFixed(2)} s, CPU ${(c / 1000).toFixed(2)} s (${(c / tirages).toFixed(2)} ms par tirage)`;
}
const empreinte = createHash('sha256').update(JSON.stringify(resultat)).digest('hex').slice(0, 16);
console.log(
  `${racine} : ${ligne} ; réponse ${empreinte} ; charge ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} (${cpus().length} cœurs)`,
);
