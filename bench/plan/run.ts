/**
 * The allocation plan's linear program (issue 18 item 6): 200 segments × 12 conventions; then the
 * Monte Carlo year, HLD's year × 1,000 runs (bench/plan/monte-carlo.ts).
 *
 *   node bin/run-ts.js bench/plan/run.ts            # both, full size
 *   node bin/run-ts.js bench/plan/run.ts --smoke    # 24 segments × 4 conventions, 3 runs; 12 runs of the Loiret example (CI)
 *   node bin/run-ts.js bench/plan/run.ts --lp       # the linear program only
 *   node bin/run-ts.js bench/plan/run.ts --monte-carlo [--tirages N] [--fils N]   # the Monte Carlo only
 *
 * Input: a synthetic département (45) of 20 communes in 4 EPCI; the segments are commune ×
 * typology × financing × QPV cells drawn with a fixed seed (flow 0.5 to 12 units each, a third of
 * the PLUS units under the APL ceiling). Conventions: the State (25 %, its defaults: its rate in
 * each of the 20 communes, 30 % outside QPV), Action Logement (25 %, typology ranges), the
 * département (3 %), the 4 EPCI (5 % each), 5 communes (3 % each, one with a PLAI cap).
 * Timed, after one warm-up solve (HiGHS compiles its WebAssembly on the first one, ≈ 0.3 s):
 *   modèle   building the model in the domain (`construireModele`)
 *   solveur  the adapter: writing the LP text (`ecrireLp`), HiGHS parsing and solving it
 *   plan     `planifierAttribution` end to end (solve, read the answer, explain missed terms)
 * Target: modèle + solveur ≤ 200 ms (median).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { solveurHighs } from '../../src/app/solveur-lineaire.ts';
import { bancMonteCarlo } from './monte-carlo.ts';
import { Rng } from '../../src/domain/aleatoire.ts';
import {
  construireModele,
  planifierAttribution,
  preparerPlan,
  type Segment,
} from '../../src/domain/plan-attribution.ts';
import { FINANCEMENTS, TYPOLOGIES, type Convention, type Reservataire } from '../../src/domain/types.ts';
import { conventionDeBase } from '../../test/helpers/scenario.ts';

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean' },
    lp: { type: 'boolean' },
    'monte-carlo': { type: 'boolean' },
    tirages: { type: 'string' },
    fils: { type: 'string' },
  },
});
const smoke = values.smoke === true;
const seulementMc = values['monte-carlo'] === true && values.lp !== true;
const seulementLp = values.lp === true && values['monte-carlo'] !== true;
const NB_SEGMENTS = smoke ? 24 : 200;
const NB_CONVENTIONS = smoke ? 4 : 12;
const RUNS = smoke ? 3 : 20;

async function bancLp(): Promise<void> {
  const rng = new Rng(2026);
  const communes = Array.from({ length: 20 }, (_, i) => `45${String(100 + i * 7).padStart(3, '0')}`);
  const epciDe = (c: string) => `2445000${String(communes.indexOf(c) % 4).padStart(2, '0')}`;
  const cles = new Set<string>();
  const segments: Segment[] = [];
  while (segments.length < NB_SEGMENTS) {
    const commune = communes[rng.int(0, communes.length - 1)]!;
    const typologie = TYPOLOGIES[rng.int(0, 4)]!;
    const financement = FINANCEMENTS[rng.int(0, 2)]!;
    const qpv = rng.chance(0.35);
    const cle = `${commune}${typologie}${financement}${qpv}`;
    if (cles.has(cle)) continue;
    cles.add(cle);
    segments.push({
      commune,
      typologie,
      financement,
      qpv,
      epci: epciDe(commune),
      flux: Math.round((0.5 + rng.next() * 11.5) * 10) / 10,
      ...(financement === 'PLUS' ? { partSousPlafondApl: 0.33 } : {}),
    });
  }

  const reservataires: Reservataire[] = [];
  const conventions: Convention[] = [];
  const ajouter = (r: Reservataire, c: Pick<Convention, 'taux' | 'perimetre'> & Partial<Convention>) => {
    if (conventions.length >= NB_CONVENTIONS) return;
    reservataires.push(r);
    conventions.push({ ...conventionDeBase(), id: `CV-${r.id}`, reservataire: r.id, ...c });
  };
  ajouter({ id: 'ETAT', type: 'etat', nom: 'Préfet' }, { taux: 0.25, perimetre: { departement: '45' } });
  ajouter(
    { id: 'AL', type: 'action_logement', nom: 'Action Logement' },
    { taux: 0.25, perimetre: { departement: '45' }, contraintes: { typologie: { T1: [0.05, 0.2], T4: [0.1, 0.3] } } },
  );
  for (let i = 0; i < 4; i++)
    ajouter(
      { id: `EPCI${i}`, type: 'epci', nom: `EPCI ${i}`, epci: `2445000${String(i).padStart(2, '0')}` },
      { taux: 0.05, perimetre: { epci: `2445000${String(i).padStart(2, '0')}` } },
    );
  ajouter({ id: 'DEP', type: 'departement', nom: 'Département' }, { taux: 0.03, perimetre: { departement: '45' } });
  for (let i = 0; i < 5; i++)
    ajouter(
      { id: `C${i}`, type: 'commune', nom: `Commune ${i}`, commune: communes[i]! },
      {
        taux: 0.03,
        perimetre: { communes: [communes[i]!] },
        ...(i === 0 ? { contraintes: { financement: { PLAI: [0, 0.1] } } } : {}),
      },
    );

  const entree = preparerPlan({ annee: 2027, reservataires, conventions }, segments);
  const resoudre = await solveurHighs();
  const t0 = performance.now();
  resoudre(construireModele(entree).modele);
  const froid = performance.now() - t0;

  const mediane = (t: number[]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
  const modele: number[] = [];
  const solveur: number[] = [];
  const plan: number[] = [];
  /** CPU time of modèle + solveur (user + system): less sensitive than wall time to a busy machine. */
  const cpu: number[] = [];
  let taille = { variables: 0, contraintes: 0 };
  let manques = 0;
  for (let i = 0; i < RUNS; i++) {
    const u = process.cpuUsage();
    const a = performance.now();
    const m = construireModele(entree).modele;
    const b = performance.now();
    const v = resoudre(m)[0]!;
    const c = performance.now();
    const cu = process.cpuUsage(u);
    cpu.push((cu.user + cu.system) / 1000);
    const r = planifierAttribution(entree, resoudre);
    const d = performance.now();
    modele.push(b - a);
    solveur.push(c - b);
    plan.push(d - c);
    taille = { variables: m.colonnes.length, contraintes: m.contraintes.length };
    manques = r.manques.length;
    if (v.length !== m.colonnes.length || Math.abs(r.lignes.reduce((n, l) => n + l.logements, 0) - r.fluxPrevu) > 1e-3)
      throw new Error('le plan ne répartit pas tout le flux prévu');
  }
  // The same with a commitment that cannot hold (Action Logement at 90 % of T1, about a fifth of the
  // flow): the plan then solves again to say what it conflicts with.
  const conflit = preparerPlan(
    {
      annee: 2027,
      reservataires,
      conventions: conventions.map((c) =>
        c.reservataire === 'AL' ? { ...c, contraintes: { typologie: { T1: [0.9, 1] } } } : c,
      ),
    },
    segments,
  );
  const avecConflit: number[] = [];
  let explication = '';
  for (let i = 0; i < RUNS; i++) {
    const a = performance.now();
    const r = planifierAttribution(conflit, resoudre);
    avecConflit.push(performance.now() - a);
    explication = `${r.manques.length} manqué(s), ${r.manques.reduce((n, m) => n + m.enConflitAvec.length, 0)} conflit(s) nommé(s)`;
  }
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(
    `${segments.length} segments × ${conventions.length} conventions : ${taille.variables} variables, ${taille.contraintes} contraintes, ${manques} engagement(s) manqué(s)`,
  );
  console.log(`premier appel (WebAssembly compilé au chargement, solveur à froid) : ${ms(froid)}`);
  console.log(
    `médianes sur ${RUNS} : modèle ${ms(mediane(modele))}, solveur ${ms(mediane(solveur))}, modèle + solveur ${ms(mediane(modele.map((x, i) => x + solveur[i]!)))}, plan complet ${ms(mediane(plan))}`,
  );
  console.log(
    `modèle + solveur en temps CPU (médiane) : ${ms(mediane(cpu))} ; charge de la machine : ${loadavg()[0]!.toFixed(1)} (${cpus().length} cœurs)`,
  );
  console.log(`plan complet avec un engagement intenable expliqué (${explication}) : ${ms(mediane(avecConflit))}`);
  const total = mediane(modele.map((x, i) => x + solveur[i]!));
  if (!smoke && total > 200) {
    console.error(`objectif manqué : ${ms(total)} > 200 ms`);
    process.exitCode = 1;
  }
}

if (!seulementMc) await bancLp();
if (!seulementLp) {
  const entier = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const atteint = await bancMonteCarlo({ smoke, tirages: entier(values.tirages), fils: entier(values.fils) });
  if (!atteint) process.exitCode = 1;
}
