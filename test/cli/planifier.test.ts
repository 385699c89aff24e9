/** `flux planifier`: the Monte Carlo year from a plan file, in French or JSON; bad plans exit 2 naming the field. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { ResultatPlan } from '../../src/domain/planification.ts';
import { convention, logements, unScenario } from '../helpers/scenario.ts';

const dossier = mkdtempSync(join(tmpdir(), 'flux-plan-'));
afterAll(() => rmSync(dossier, { recursive: true, force: true }));

let n = 0;
function fichier(valeur: unknown): string {
  const chemin = join(dossier, `plan-${++n}.json`);
  writeFileSync(chemin, JSON.stringify(valeur));
  return chemin;
}

async function lancer(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const plan = () => {
  const scenario: Partial<ReturnType<typeof unScenario>> = unScenario({
    logements: logements('L', 60),
    conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
  });
  // A plan draws its events: the scenario carries none.
  delete scenario.evenements;
  return {
    scenario: scenario as Omit<ReturnType<typeof unScenario>, 'evenements'>,
    hypotheses: { rotation: 0.2, refus: 0.1, sansCandidat: 0.05, pru: [1, 3] },
    tirages: 10,
    graine: 3,
    options: [{ nom: 'au bail signé', decompte: 'bail_signe' }],
  };
};

describe('flux planifier', () => {
  it('résumé en français : une fourchette par ligne et par option, le risque de retard, la charge', async () => {
    const r = await lancer(['planifier', fichier(plan())]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('10 années tirées (graine 3)');
    expect(r.out).toContain('Option « au bail signé »');
    expect(r.out).toMatch(/ETAT : droit [\d,]+ \[/);
    expect(r.out).toContain('examens en CAL');
  });

  it('--json, --tirages et --graine remplacent ceux du fichier', async () => {
    const r = await lancer(['planifier', fichier(plan()), '--json', '--tirages', '4', '--graine', '9']);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as ResultatPlan;
    expect(o).toMatchObject({ tirages: 4, graine: 9 });
    expect(o.options.map((x) => x.nom)).toEqual(['conventions telles quelles', 'au bail signé']);
    expect(o.options[0]!.charge).toHaveLength(12);
  });

  it('un plan mal formé → statut 2, le champ nommé en français', async () => {
    const p = plan();
    const r = await lancer([
      'planifier',
      fichier({
        ...p,
        hypotheses: { ...p.hypotheses, refus: 0.98 },
        scenario: { ...p.scenario, conventions: [{ ...p.scenario.conventions[0], taux: 0.5 }] },
      }),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('hypotheses.refus');
  });

  it('une convention illégale → statut 2, nommée dans le plan (scenario.conventions[0].taux)', async () => {
    const p = plan();
    const r = await lancer([
      'planifier',
      fichier({ ...p, scenario: { ...p.scenario, conventions: [{ ...p.scenario.conventions[0], taux: 0.5 }] } }),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('scenario.conventions[0].taux');
  });

  it('--tirages hors bornes → statut 2', async () => {
    const r = await lancer(['planifier', fichier(plan()), '--tirages', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--tirages');
  });
});
