/**
 * The Monte Carlo year on several cores (issue 18 item 6: « 1,000 runs ≤ 10 s on this 2-core
 * machine, worker threads where it helps »). The runs are cut into slices of consecutive indexes;
 * each worker thread takes the next slice, draws its years from the generator as the years before
 * left it, runs them under every option and sends back each run's figures (`MesureTirage`); the
 * ranges are made here from every run in index order. So a seed gives the same answer, byte for
 * byte, with 1, 2 or 8 workers, and the same as `planifier` in one thread.
 *
 * The workers run the TypeScript sources through tsx, as `bin/flux.js` and the server do; each
 * costs about half a second to start (loader and modules) and holds a copy of the plan.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Rng } from '../domain/aleatoire.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import {
  agregerTirages,
  planifier,
  preparerPlanification,
  type MesureTirage,
  type Plan,
  type ResultatPlan,
} from '../domain/planification.ts';

export interface OptionsParalleles {
  /** Worker threads (default: the cores available, at most 8); 0 or 1: in this thread, as `planifier`. */
  travailleurs?: number;
  /** Runs per slice handed to a worker (default: about a sixteenth of the runs per worker, 4 to 50). */
  tranche?: number;
}

/** What a worker is asked: runs `debut` to `fin − 1`, the generator's state at `debut`. */
export interface DemandeTranche {
  debut: number;
  fin: number;
  etat: number;
}

/** What a worker answers: the runs' figures by option, or the error that stopped it. */
export type ReponseTranche =
  | { debut: number; mesures: MesureTirage[][] }
  | { erreur: string; problemes?: Probleme[] };

/** Below this many engine runs (runs × options), the workers' start costs more than it saves. */
export const PASSAGES_MIN_PARALLELES = 40;

/** The default number of workers for `tirages` runs of `options` options (0: stay in this thread). */
export function travailleursParDefaut(tirages: number, options: number): number {
  if (tirages * options < PASSAGES_MIN_PARALLELES) return 0;
  return Math.min(8, availableParallelism(), tirages);
}

// The worker's entry, as a CommonJS script: tsx first, then the TypeScript module.
const AMORCE = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api')
  .then((tsx) => { tsx.register(); return import(workerData.module); })
  .catch((err) => { throw err; });
`;
const MODULE = new URL('./travailleur-planification.ts', import.meta.url).href;

/**
 * `planifier(plan)` with the runs spread over worker threads; the same answer byte for byte. The
 * scenario is checked here first (a `DonneesInvalides` names its fields as `planifier`'s would).
 */
export async function planifierEnParallele(plan: Plan, options: OptionsParalleles = {}): Promise<ResultatPlan> {
  const nbOptions = 1 + (plan.options?.length ?? 0);
  const n = Math.min(options.travailleurs ?? travailleursParDefaut(plan.tirages, nbOptions), plan.tirages);
  if (n <= 1) return planifier(plan);
  const p = preparerPlanification(plan);
  const tranche = Math.max(1, options.tranche ?? Math.min(50, Math.max(4, Math.ceil(plan.tirages / (16 * n)))));
  // The generator's state at the start of each slice: the years before it drawn without their events.
  const rng = new Rng(plan.graine);
  let prochain = 0;
  const suivante = (): DemandeTranche | null => {
    if (prochain >= plan.tirages) return null;
    const debut = prochain;
    const fin = Math.min(plan.tirages, debut + tranche);
    const etat = rng.etat;
    for (let i = debut; i < fin; i++) p.tirer(rng, false);
    prochain = fin;
    return { debut, fin, etat };
  };
  const mesures: MesureTirage[][] = p.options.map(() => new Array<MesureTirage>(plan.tirages));
  const travailleurs: Worker[] = [];
  try {
    await new Promise<void>((fini, echec) => {
      let actifs = n;
      let arrete = false;
      const arreter = (err: Error) => {
        if (arrete) return;
        arrete = true;
        echec(err);
      };
      for (let w = 0; w < n; w++) {
        const worker = new Worker(AMORCE, { eval: true, workerData: { module: MODULE, plan } });
        travailleurs.push(worker);
        const donner = () => {
          const d = arrete ? null : suivante();
          if (d) worker.postMessage(d);
          else if (--actifs === 0 && !arrete) fini();
        };
        worker.on('message', (r: ReponseTranche | 'pret') => {
          if (r === 'pret') return donner();
          if ('erreur' in r)
            return arreter(r.problemes ? new DonneesInvalides(r.problemes) : new Error(`tirages : ${r.erreur}`));
          r.mesures.forEach((parTirage, k) => parTirage.forEach((m, j) => (mesures[k]![r.debut + j] = m)));
          donner();
        });
        worker.on('error', arreter);
        worker.on('exit', (code) => {
          if (code !== 0) arreter(new Error(`un fil de calcul des tirages s’est arrêté (code ${code})`));
        });
      }
    });
  } finally {
    await Promise.all(travailleurs.map((w) => w.terminate()));
  }
  return agregerTirages(p, mesures);
}
