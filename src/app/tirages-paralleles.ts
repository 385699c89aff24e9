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
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import {
  agregerTirages,
  etatsGenerateurs,
  generateurs,
  mesurerTirages,
  passerTirage,
  planifier,
  preparerPlanification,
  type EtatsGenerateurs,
  type MesureTirage,
  type Plan,
  type ResultatPlan,
} from '../domain/planification.ts';

export interface OptionsParalleles {
  /**
   * Threads computing the runs (default: the cores available, at most 8); 1: in this thread, as
   * `planifier`.
   */
  fils?: number;
  /**
   * Whether this thread computes runs too (one worker fewer to start, ≈ 0.3–1 s of CPU each): for
   * the command line and the benchmark. A server keeps its event loop free (false, the default).
   */
  ceFil?: boolean;
  /** Runs per slice (default: about a sixteenth of each thread's share, 2 to 25). */
  tranche?: number;
}

/**
 * What a worker is asked: runs `debut` to `fin − 1`, the generators' states at `debut` (the plan's,
 * and that of each option drawing its own years, ADR 0049).
 */
export interface DemandeTranche extends EtatsGenerateurs {
  debut: number;
  fin: number;
}

/** What a worker answers: the runs' figures by option, or the error that stopped it. */
export type ReponseTranche = { debut: number; mesures: MesureTirage[][] } | { erreur: string; problemes?: Probleme[] };

/** Below this many engine runs (runs × options), a worker's start costs more than it saves. */
export const PASSAGES_MIN_PARALLELES = 40;

/** The default number of threads for `tirages` runs of `options` options (1: this thread only). */
export function filsParDefaut(tirages: number, options: number): number {
  if (tirages * options < PASSAGES_MIN_PARALLELES) return 1;
  return Math.max(1, Math.min(8, availableParallelism(), tirages));
}

/**
 * A worker's young generation, in MB. With V8's default for a worker, a run cost ≈ 1.6 × its CPU
 * time in the main thread (garbage collected far more often: each run leaves ≈ 20,000 short-lived
 * objects); at 64 MB, the same (20 runs of HLD's year: 414 → 255 ms of CPU, main thread 258 ms).
 */
const JEUNE_GENERATION_MO = 64;

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
  const fils = Math.min(options.fils ?? filsParDefaut(plan.tirages, nbOptions), plan.tirages);
  if (fils <= 1) return planifier(plan);
  const ceFil = options.ceFil === true;
  const n = fils - (ceFil ? 1 : 0);
  const p = preparerPlanification(plan);
  const tranche = Math.max(1, options.tranche ?? Math.min(25, Math.max(2, Math.ceil(plan.tirages / (16 * fils)))));
  // The generators' states at the start of each slice: the years before it drawn without their events.
  const g = generateurs(p);
  let prochain = 0;
  /** The next slice; `passer` false: the caller draws its years from `g` at once (this thread's own slice). */
  const suivante = (passer = true): DemandeTranche | null => {
    if (prochain >= plan.tirages) return null;
    const debut = prochain;
    const fin = Math.min(plan.tirages, debut + tranche);
    const etats = etatsGenerateurs(g);
    if (passer) for (let i = debut; i < fin; i++) passerTirage(p, g);
    prochain = fin;
    return { debut, fin, ...etats };
  };
  const mesures: MesureTirage[][] = p.options.map(() => new Array<MesureTirage>(plan.tirages));
  const ranger = (debut: number, parOption: MesureTirage[][]) =>
    parOption.forEach((parTirage, k) => parTirage.forEach((m, j) => (mesures[k]![debut + j] = m)));
  // The scenario's own events are not read by the runs (each draws its year): not copied to the workers.
  const pourLesFils: Plan = { ...plan, scenario: { ...plan.scenario, evenements: [] } };
  const travailleurs: Worker[] = [];
  let arret: Error | null = null;
  try {
    const enCours = new Promise<void>((fini, echec) => {
      let actifs = n;
      const arreter = (err: Error) => {
        if (arret) return;
        arret = err;
        echec(err);
      };
      for (let w = 0; w < n; w++) {
        const worker = new Worker(AMORCE, {
          eval: true,
          workerData: { module: MODULE, plan: pourLesFils },
          resourceLimits: { maxYoungGenerationSizeMb: JEUNE_GENERATION_MO },
        });
        travailleurs.push(worker);
        // Two slices asked ahead, so that a worker never waits for this thread's own slice to end.
        let demandees = 0;
        const donner = () => {
          while (demandees < 2) {
            const d = arret ? null : suivante();
            if (!d) break;
            worker.postMessage(d);
            demandees++;
          }
          if (demandees === 0 && --actifs === 0 && !arret) fini();
        };
        worker.on('message', (r: ReponseTranche | 'pret') => {
          if (r === 'pret') return donner();
          if ('erreur' in r)
            return arreter(r.problemes ? new DonneesInvalides(r.problemes) : new Error(`tirages : ${r.erreur}`));
          demandees--;
          ranger(r.debut, r.mesures);
          donner();
        });
        worker.on('error', arreter);
        worker.on('exit', (code) => {
          if (code !== 0) arreter(new Error(`un fil de calcul des tirages s’est arrêté (code ${code})`));
        });
      }
    });
    // This thread's share: a slice at a time, the event loop given back between (the workers' answers).
    enCours.catch(() => {});
    while (ceFil && !arret) {
      const d = suivante(false);
      if (!d) break;
      // Drawn from `g` itself, to the end before any worker's answer is read: `g` then stands at `fin`
      // as the passing would have left it, the same draws made once instead of twice.
      const etapes = mesurerTirages(p, g, d.debut, d.fin);
      let x = etapes.next();
      while (!x.done) x = etapes.next();
      ranger(d.debut, x.value);
      await new Promise((suite) => setImmediate(suite));
    }
    await enCours;
  } finally {
    await Promise.all(travailleurs.map((w) => w.terminate()));
  }
  return agregerTirages(p, mesures);
}
