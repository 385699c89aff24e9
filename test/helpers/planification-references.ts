/**
 * The Monte Carlo plans whose seeded answers are kept in test/domain/references/ (captured from
 * main before the runner was made faster, issue 18 item 6): the faster runner, in one thread or in
 * worker threads, must give them byte for byte. Written again when ADR 0049 added each line's
 * `reportAnneeSuivante` and appended its option kinds to the synthetic plan: the figures of the
 * options before them did not move. `ecrireReferences` writes them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lireScenario } from '../../src/app/scenario.ts';
import { solveurHighs } from '../../src/app/solveur-lineaire.ts';
import { fluxPrevuParSegment, planifierAttribution, preparerPlan } from '../../src/domain/plan-attribution.ts';
import { hypothesesObservees, OPTIONS_DECOMPTE, planifier, type Plan } from '../../src/domain/planification.ts';
import type { CiblesPlan } from '../../src/domain/suivi-plan.ts';
import { convention, logement, reservataire, unScenario, COMMUNES } from './scenario.ts';

export const DOSSIER_REFERENCES = resolve(import.meta.dirname, '../domain/references');

const racine = resolve(import.meta.dirname, '../..');

/** The Loiret example (8,040 units, 5 conventions) as `flux simulate --monte-carlo` reads it. */
function loiret() {
  return lireScenario(readFileSync(`${racine}/examples/loiret-2019.json`, 'utf8'));
}

/** A small stock with every assumption set and every option kind: history, months, PRU, delays, ranges. */
function synthetique(): Plan {
  const typologies = ['T1', 'T2', 'T3', 'T4', 'T5'] as const;
  const financements = ['PLAI', 'PLUS', 'PLS'] as const;
  const unites = Array.from({ length: 300 }, (_, i) =>
    logement(`U${String(i).padStart(3, '0')}`, {
      commune: COMMUNES[i % 3],
      typologie: typologies[i % 5],
      financement: financements[(i >> 1) % 3],
      qpv: i % 4 === 0 ? 'QP045001' : null,
      horsFlux: i === 17 ? 'defense' : null,
    }),
  );
  return {
    scenario: unScenario({
      logements: unites,
      reservataires: [
        reservataire('ETAT', 'etat'),
        reservataire('AL', 'action_logement'),
        reservataire('C1', 'commune', { commune: COMMUNES[1] }),
      ],
      conventions: [
        convention('CV-ETAT', 'ETAT', 0.3, { report: 1.5 }),
        convention('CV-AL', 'AL', 0.2, {
          decompte: 'bail_signe',
          echecDecompte: false,
          candidatsDemandes: 4,
          contraintes: { typologie: { T1: [0.1, 0.3] }, financement: { PLAI: [0, 0.2] } },
        }),
        convention('CV-C1', 'C1', 0.05, { perimetre: { communes: [COMMUNES[1]] }, report: -1 }),
      ],
    }),
    hypotheses: {
      rotation: 0.12,
      rotationParTypologie: { T1: 0.2, T5: 0.05 },
      historiqueRotation: [0.1, 0.12, 0.15],
      saisonnalite: [1, 1, 1, 1, 1, 1.2, 1.5, 1.5, 1.2, 1, 0.8, 0.6],
      refus: 0.15,
      sansCandidat: 0.05,
      pru: [2, 6],
      delais: { candidats: 10, cal: 40, bail: 60 },
    },
    tirages: 40,
    graine: 2026,
    options: [
      ...OPTIONS_DECOMPTE,
      { nom: 'échecs non décomptés', echecDecompte: false },
      { nom: 'bail, échecs décomptés', decompte: 'bail_signe', echecDecompte: true },
      // ADR 0049's kinds, appended (the options before them keep their figures).
      { nom: 'tous par logement', description: 'un pool par logement', parLogement: 'tous' },
      { nom: 'gestion déléguée', gestionDeleguee: { lignes: ['ETAT'], sansCandidat: 0.02 } },
      { nom: 'report plafonné', regleReport: { plafond: 1 } },
      { nom: 'historique', hypotheses: { historiqueRotation: [0.06, 0.09, 0.12], sansCandidat: 0.1 } },
    ],
    seuilRetard: 2,
  };
}

/** The allocation plan's targets, as the « Simulation » page computes them (`ciblesDuPlan`). */
async function cibles(p: Pick<Plan, 'scenario' | 'hypotheses'>): Promise<CiblesPlan> {
  const r = planifierAttribution(
    preparerPlan(p.scenario, fluxPrevuParSegment(p.scenario, p.hypotheses)),
    await solveurHighs(),
  );
  return Object.fromEntries(r.lignes.map((l) => [l.ligne, l.parSegment]));
}

/** Each reference's plan, by file name. */
export async function plansDeReference(): Promise<Record<string, Plan>> {
  const scenario = loiret();
  const hypotheses = hypothesesObservees(scenario);
  const s = synthetique();
  return {
    'loiret-2019-12-graine-7.json': { scenario, hypotheses, tirages: 12, graine: 7, options: [...OPTIONS_DECOMPTE] },
    'loiret-2019-plan-5-graine-3.json': {
      scenario,
      hypotheses,
      tirages: 5,
      graine: 3,
      options: [...OPTIONS_DECOMPTE, { nom: 'suivi du plan', plan: await cibles({ scenario, hypotheses }) }],
      seuilRetard: 0,
    },
    'synthetique-40-graine-2026.json': s,
    'synthetique-moteur-plan-15-graine-9.json': { ...s, tirages: 15, graine: 9, moteur: { plan: await cibles(s) } },
  };
}

/** Writes every reference from `planifier` (from a one-line script run with `node bin/run-ts.js`). */
export async function ecrireReferences(): Promise<void> {
  for (const [nom, plan] of Object.entries(await plansDeReference()))
    writeFileSync(`${DOSSIER_REFERENCES}/${nom}`, `${JSON.stringify(planifier(plan))}\n`);
}
