/**
 * `flux plan`: the allocation plan from a plan file, a French summary or the full JSON; the
 * commitments that cannot hold said in words; bad files exit 2 naming the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { ResultatPlanAttribution } from '../../src/domain/plan-attribution.ts';
import { convention, logement, logements, unScenario } from '../helpers/scenario.ts';

const dossier = mkdtempSync(join(tmpdir(), 'flux-plan-attribution-'));
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

/** 40 T3 PLUS units outside QPV and 10 T2 PLAI units in QPV in Saint-Jean-de-Braye (45284). */
const plan = (contraintesAl?: object, extra: object = {}) => {
  const s: Partial<ReturnType<typeof unScenario>> = unScenario({
    logements: [
      ...logements('L', 40, { commune: '45284' }),
      ...logements('Q', 10, { commune: '45284', typologie: 'T2', financement: 'PLAI', qpv: 'QN04512M' }),
      logement('D1', { commune: '45284', horsFlux: 'defense' }),
    ],
    conventions: [
      convention('CV-ETAT', 'ETAT', 0.3),
      convention('CV-AL', 'AL', 0.2, contraintesAl ? { contraintes: contraintesAl } : {}),
    ],
  });
  delete s.evenements;
  return {
    scenario: s,
    hypotheses: { rotation: 0.2, refus: 0.1, sansCandidat: 0.05 },
    tirages: 10,
    ...extra,
  };
};

describe('flux plan', () => {
  it('résumé en français : droits, part des logements bon marché, engagements tenus', async () => {
    const r = await lancer(['plan', fichier(plan(undefined, { attribution: { loyersSousPlafondApl: ['L1', 'L2'] } }))]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Plan d’attribution 2025 — flux prévu 10 logements en 2 segment(s)');
    expect(r.out).toContain('Tous les engagements tiennent ensemble.');
    // 20 % of 50 units: 8 T3 (two of them, 0.4 forecast, under the APL ceiling) and 2 PLAI.
    expect(r.out).toContain(
      'Réservataire ETAT : 30 %, droit 3 logements, plan 3 logements ; bon marché (PLAI, loyer sous le plafond APL) 0,7 logement, 24 % contre 24 % du flux',
    );
    expect(r.out).not.toMatch(/undefined|NaN/);
  });

  it('--json : le plan complet, par segment', async () => {
    const r = await lancer(['plan', fichier(plan()), '--json']);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as ResultatPlanAttribution;
    expect(o.tenable).toBe(true);
    expect(o.fluxPrevu).toBeCloseTo(10, 6);
    expect(o.lignes.map((l) => l.ligne)).toEqual(['ETAT', 'AL', 'BAILLEUR']);
    const al = o.lignes[1]!;
    expect(al.parSegment['45284|T3|PLUS|horsQPV']).toBeCloseTo(1.6, 6);
    expect(al.parSegment['45284|T2|PLAI|QPV']).toBeCloseTo(0.4, 6);
    expect(al.melange.financement['PLAI']).toEqual({ logements: 0.4, part: 0.2, partFlux: 0.2 });
  });

  it('des engagements qui ne tiennent pas : lesquels, de combien, exit 0', async () => {
    const r = await lancer(['plan', fichier(plan({ financement: { PLAI: [0.5, 1] }, typologie: { T3: [0.8, 1] } }))]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Les engagements ne peuvent pas tous tenir (1 manqué(s)) :');
    expect(r.out).toMatch(
      /– Réservataire AL : son engagement d’au moins 50 % de logements PLAI \(1 logement\) manque de 0,6 logement \(0,4 au plan\) — en conflit avec .*son engagement d’au moins 80 % de logements T3/,
    );
  });

  it('les segments donnés directement, sans hypothèses', async () => {
    const p = plan();
    const r = await lancer([
      'plan',
      fichier({
        scenario: p.scenario,
        attribution: { segments: [{ commune: '45284', typologie: 'T4', financement: 'PLS', qpv: false, flux: 5 }] },
      }),
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const o = JSON.parse(r.out) as ResultatPlanAttribution;
    expect(o.lignes.map((l) => l.droit)).toEqual([1.5, 1, 2.5]);
  });

  it('fichier invalide : exit 2, une ligne par problème, rien sur stdout', async () => {
    const p = plan();
    const r = await lancer([
      'plan',
      fichier({
        scenario: p.scenario,
        attribution: {
          segments: [{ commune: '75056', typologie: 'T4', financement: 'PLS', qpv: false, flux: 5 }],
          loyersSousPlafondApl: ['X9'],
        },
        inconnu: 1,
      }),
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('inconnu');
    const r2 = await lancer([
      'plan',
      fichier({
        scenario: p.scenario,
        attribution: {
          segments: [{ commune: '75056', typologie: 'T4', financement: 'PLS', qpv: false, flux: 5 }],
          loyersSousPlafondApl: ['X9'],
        },
      }),
    ]);
    expect(r2.code).toBe(2);
    expect(r2.err).toBe(
      'attribution.loyersSousPlafondApl[0]: logement « X9 » inconnu\n' +
        'attribution.segments[0].commune: la commune 75056 n’est pas dans le département 45\n',
    );
    const seg = { commune: '45284', typologie: 'T4', financement: 'PLS', qpv: false, flux: 5 };
    const doublon = await lancer(['plan', fichier({ scenario: p.scenario, attribution: { segments: [seg, seg] } })]);
    expect(doublon.code).toBe(2);
    expect(doublon.err).toBe(
      'attribution.segments[1]: même commune, typologie, financement et QPV que attribution.segments[0] : un segment une fois\n',
    );
    const r3 = await lancer(['plan', fichier({ scenario: p.scenario })]);
    expect(r3.code).toBe(2);
    expect(r3.err).toContain('hypotheses: il faut les hypothèses (rotation) ou les segments du flux prévu');
    const r4 = await lancer(['plan', join(dossier, 'absent.json')]);
    expect(r4.code).toBe(2);
    expect(r4.err).toContain('fichier illisible (ENOENT)');
  });
});
