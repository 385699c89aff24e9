/**
 * The allocation plan (issue 18 item 1, ADR 0042): small plans worked by hand and the LP's answer
 * checked against them, commitments that cannot all hold explained, the forecast by segment.
 * The model is built in the domain and solved by HiGHS through the app's adapter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { solveurHighs } from '../../src/app/solveur-lineaire.ts';
import {
  fluxPrevuParSegment,
  planifierAttribution,
  preparerPlan,
  type ResultatPlanAttribution,
  type Segment,
  type Solveur,
} from '../../src/domain/plan-attribution.ts';
import type { Contraintes } from '../../src/domain/types.ts';
import { convention, logement, unScenario } from '../helpers/scenario.ts';

let resoudre: Solveur;
beforeAll(async () => {
  resoudre = await solveurHighs();
});

const A = '45234';
const B = '45147';
/** Two segments of one commune: 6 PLUS T2 outside QPV, 4 PLAI T3 in QPV. */
const DEUX: Segment[] = [
  { commune: A, typologie: 'T2', financement: 'PLUS', qpv: false, flux: 6 },
  { commune: A, typologie: 'T3', financement: 'PLAI', qpv: true, flux: 4 },
];
const S1 = `${A}|T2|PLUS|horsQPV`;
const S2 = `${A}|T3|PLAI|QPV`;

function plan(segments: Segment[], al: Contraintes | undefined, etat: Contraintes | undefined = undefined) {
  const s = unScenario({
    conventions: [
      convention('CV-ETAT', 'ETAT', 0.3, etat ? { contraintes: etat } : {}),
      convention('CV-AL', 'AL', 0.2, al ? { contraintes: al } : {}),
    ],
  });
  return planifierAttribution(preparerPlan(s, segments), resoudre, (c) => `la commune ${c}`);
}
const ligne = (r: ResultatPlanAttribution, id: string) => r.lignes.find((l) => l.ligne === id)!;
const proche = (x: number, y: number) => expect(x).toBeCloseTo(y, 6);

describe('plan d’attribution — calculé à la main', () => {
  it('sans engagement particulier, chaque ligne reçoit son droit au mélange du flux', () => {
    // Flow 10: ETAT 30 % → 3, AL 20 % → 2, BAILLEUR 5. Every term can hold exactly: each line
    // takes 60 % of S1 and 40 % of S2 (typology, financing, QPV and the cheap PLAI all follow),
    // ETAT's defaults hold (one commune: 3 units there; 1.8 outside QPV ≥ 0.9). Objective 0.
    const r = plan(DEUX, undefined);
    expect(r.tenable).toBe(true);
    expect(r.modele.objectif).toBeCloseTo(0, 6);
    proche(ligne(r, 'ETAT').parSegment[S1]!, 1.8);
    proche(ligne(r, 'ETAT').parSegment[S2]!, 1.2);
    proche(ligne(r, 'AL').parSegment[S1]!, 1.2);
    proche(ligne(r, 'AL').parSegment[S2]!, 0.8);
    proche(ligne(r, 'BAILLEUR').logements, 5);
    expect(ligne(r, 'AL').bonMarche).toEqual({ logements: 0.8, part: 0.4, partFlux: 0.4 });
  });

  it('une fourchette de la convention l’emporte sur le mélange, qui paie l’écart', () => {
    // AL: PLAI ≤ 20 % of its 2 units = 0.4. Taking t units of S2 beyond 0.4 costs 100 a unit;
    // keeping t = 0.4 costs the mix: T3 0.4 short, T2 0.4 over, PLUS 0.4 over, QPV 0.4 short,
    // outside QPV 0.4 over (1 each) and the cheap units 0.4 short (10): 2 + 4 = 6.
    const r = plan(DEUX, { financement: { PLAI: [0, 0.2] } });
    expect(r.tenable).toBe(true);
    proche(ligne(r, 'AL').parSegment[S1]!, 1.6);
    proche(ligne(r, 'AL').parSegment[S2]!, 0.4);
    proche(ligne(r, 'ETAT').parSegment[S2]!, 1.2);
    expect(r.modele.objectif).toBeCloseTo(6, 6);
  });
});

describe('plan d’attribution — engagements qui ne tiennent pas ensemble', () => {
  it('dit lesquels sont en conflit et de combien', () => {
    // AL: ≥ 80 % PLAI (1.6 of S2) and ≥ 50 % T2 (1 of S1) out of 2 units: 0.6 too many. Past
    // t = 1 unit of S1 the PLAI term pays 100 and the mix saves only 15: t = 1, PLAI short by 0.6.
    const r = plan(DEUX, { financement: { PLAI: [0.8, 1] }, typologie: { T2: [0.5, 1] } });
    expect(r.tenable).toBe(false);
    expect(r.manques).toHaveLength(1);
    const m = r.manques[0]!;
    expect(m.cle).toBe('fourchette:AL:financement:PLAI:min');
    proche(m.ecart, -0.6);
    proche(m.obtenu, 1);
    expect(m.intenableSeul).toBe(false);
    expect(m.enConflitAvec).toEqual(expect.arrayContaining(['droit:AL', 'fourchette:AL:typologie:T2:min']));
    expect(m.message).toBe(
      'Réservataire AL : son engagement d’au moins 80 % de logements PLAI (1,6 logement) manque de 0,6 logement (1 au plan) — ' +
        'en conflit avec son droit (2 logements) et son engagement d’au moins 50 % de logements T2 (1 logement)',
    );
  });

  it('un engagement que le flux prévu ne permet pas, même seul', () => {
    // No T1 in the flow: « at least 10 % of T1 » cannot hold whatever else is dropped.
    const r = plan(DEUX, { typologie: { T1: [0.1, 1] } });
    expect(r.manques.map((m) => [m.cle, m.ecart, m.intenableSeul])).toEqual([
      ['fourchette:AL:typologie:T1:min', -0.2, true],
    ]);
    expect(r.manques[0]!.message).toContain('le flux prévu ne le permet pas, même sans les autres engagements');
  });

  it('les défauts de l’État : 30 % hors QPV contre son taux dans chaque commune', () => {
    // A: 10 units in QPV; B: 2 outside. ETAT 30 % → 3.6 units, 3 in A and 0.6 in B by its rate in
    // each commune, so 0.6 outside QPV < 30 % × 3.6 = 1.08. Moving a unit from A to B breaks two
    // communes' rates (2 × 100) and mends one unit outside QPV (100): the plan keeps the rates.
    const r = plan(
      [
        { commune: A, typologie: 'T3', financement: 'PLUS', qpv: true, flux: 10 },
        { commune: B, typologie: 'T3', financement: 'PLUS', qpv: false, flux: 2 },
      ],
      undefined,
    );
    expect(r.manques.map((m) => m.cle)).toEqual(['horsQpv:ETAT']);
    proche(r.manques[0]!.ecart, -0.48);
    expect(r.manques[0]!.enConflitAvec).toEqual(['uniformite:ETAT']);
    expect(r.manques[0]!.message).toBe(
      'Réservataire ETAT : son engagement d’au moins 30 % de logements hors QPV (1,1 logement) manque de 0,5 logement (0,6 au plan) — ' +
        'en conflit avec son taux de 30 % dans chaque commune',
    );
  });

  it('chaque segment prévu est réparti en entier, chaque droit tenu', () => {
    const r = plan(DEUX, { financement: { PLAI: [0.8, 1] }, typologie: { T2: [0.5, 1] } });
    for (const cle of [S1, S2]) {
      const seg = r.segments.find((s) => s.cle === cle)!;
      proche(
        r.lignes.reduce((n, l) => n + (l.parSegment[cle] ?? 0), 0),
        seg.flux,
      );
    }
    for (const l of r.lignes) proche(l.logements, l.droit);
  });
});

describe('flux prévu par segment', () => {
  it('rotation par typologie, volume PRU retiré à proportion, loyers sous le plafond APL', () => {
    const s = unScenario({
      logements: [
        logement('L1', { typologie: 'T1' }),
        logement('L2', { typologie: 'T1' }),
        logement('L3', { typologie: 'T3', financement: 'PLAI', qpv: 'QN04512M' }),
        logement('L4', { typologie: 'T3', horsFlux: 'defense' }),
      ],
    });
    const segs = fluxPrevuParSegment(
      s,
      { rotation: 0.1, rotationParTypologie: { T1: 0.5 }, pru: [0, 0.2] },
      new Set(['L1']),
    );
    // Expected: T1 2 × 0.5 = 1 (one of them under the ceiling), T3 PLAI 0.1; total 1.1, PRU 0.1 → × 1/1.1.
    expect(segs).toEqual([
      { commune: A, typologie: 'T1', financement: 'PLUS', qpv: false, flux: 0.909091, partSousPlafondApl: 0.5 },
      { commune: A, typologie: 'T3', financement: 'PLAI', qpv: true, flux: 0.090909 },
    ]);
  });
});
