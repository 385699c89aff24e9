/**
 * A worker thread of `planifierEnParallele` (tirages-paralleles.ts): prepares the plan it was given
 * once, then runs each slice it is sent from the generator state it is sent, and answers the runs'
 * figures. Loaded only inside a worker (through tsx).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DonneesInvalides } from '../domain/errors.ts';
import { mesurerTirages, preparerPlanification, reprendreGenerateurs, type Plan } from '../domain/planification.ts';
import type { DemandeTranche, ReponseTranche } from './tirages-paralleles.ts';

const port = parentPort!;
const repondre = (r: ReponseTranche) => port.postMessage(r);
const echec = (err: unknown) =>
  repondre(
    err instanceof DonneesInvalides
      ? { erreur: err.message, problemes: err.problemes }
      : { erreur: err instanceof Error ? err.message : String(err) },
  );

try {
  const p = preparerPlanification((workerData as { plan: Plan }).plan);
  port.on('message', (d: DemandeTranche) => {
    try {
      const etapes = mesurerTirages(p, reprendreGenerateurs(d), d.debut, d.fin);
      let n = etapes.next();
      while (!n.done) n = etapes.next();
      repondre({ debut: d.debut, mesures: n.value });
    } catch (err) {
      echec(err);
    }
  });
  port.postMessage('pret');
} catch (err) {
  echec(err);
}
