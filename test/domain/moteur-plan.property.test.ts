/**
 * The live engine following the allocation plan (issue 18 item 1, `OptionsMoteur.plan`): the quota
 * property holds at every step whatever the targets (fast-check, through `simuler`), the plan is
 * followed where the quota allows it, and without a plan the output is the same, byte for byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simuler, type ResultatSimulation } from '../../src/domain/engine.ts';
import { MICRO, toMicro } from '../../src/domain/exact.ts';
import { cleSegment } from '../../src/domain/plan-attribution.ts';
import { segmentDuLogement, type CiblesPlan } from '../../src/domain/suivi-plan.ts';
import type { Convention, Scenario } from '../../src/domain/types.ts';
import { conventionDeBase } from '../helpers/scenario.ts';

const COMMUNES = ['45234', '45284'];
const SEGMENTS = COMMUNES.flatMap((commune) =>
  (['T1', 'T3'] as const).flatMap((typologie) =>
    (['PLAI', 'PLUS'] as const).flatMap((financement) =>
      [null, 'QN04500A'].map((qpv) => ({ commune, typologie, financement, qpv })),
    ),
  ),
);

const tirageArb = fc
  .record({
    taux: fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 1, maxLength: 5 }),
    unites: fc.array(fc.integer({ min: 0, max: SEGMENTS.length - 1 }), { minLength: 1, maxLength: 250 }),
    cibles: fc.array(
      fc.array(fc.integer({ min: 0, max: 30 }), { minLength: SEGMENTS.length, maxLength: SEGMENTS.length }),
      {
        minLength: 6,
        maxLength: 6,
      },
    ),
  })
  .filter((t) => t.taux.reduce((a, b) => a + b, 0) <= MICRO);

function scenarioDe(t: { taux: number[]; unites: number[] }): Scenario {
  const conventions: Convention[] = t.taux.map((m, i) => ({
    id: `CV${i}`,
    reservataire: `R${i}`,
    taux: m / MICRO,
    ...conventionDeBase(),
    contraintes: { uniformiteCommunale: false, partHorsQpvMin: 0 },
  }));
  return {
    annee: 2025,
    departement: '45',
    bailleur: { id: 'B', nom: 'Bailleur' },
    logements: t.unites.map((s, i) => ({ ...SEGMENTS[s]!, id: `L${i}`, construction: 1980, horsFlux: null })),
    reservataires: t.taux.map((_, i) => ({ id: `R${i}`, type: 'employeur', nom: `Réservataire ${i}` })),
    conventions,
    evenements: t.unites.map((_, i) => ({
      date: new Date(Date.UTC(2025, 0, 1 + Math.floor((i * 364) / t.unites.length))).toISOString().slice(0, 10),
      type: 'liberation',
      logement: `L${i}`,
    })),
  };
}

/** The plan's targets: line k (R0…, then BAILLEUR) gets `cibles[k][s]` units of segment s. */
function planDe(s: Scenario, cibles: number[][]): CiblesPlan {
  const ids = [...s.conventions.map((c) => c.reservataire), 'BAILLEUR'];
  return Object.fromEntries(
    ids.map((id, k) => [
      id,
      Object.fromEntries(SEGMENTS.map((seg, j) => [segmentDuLogement(seg), cibles[k]?.[j] ?? 0])),
    ]),
  );
}

/** The first step at which a line leaves |oriented − taux × n| < 1, or null. Exact integers. */
function violationQuota(s: Scenario, r: ResultatSimulation): string | null {
  const taux = new Map(s.conventions.map((c) => [c.reservataire, toMicro(c.taux)!]));
  taux.set('BAILLEUR', MICRO - [...taux.values()].reduce((a, b) => a + b, 0));
  const orientes = new Map([...taux.keys()].map((k) => [k, 0]));
  let n = 0;
  for (const o of r.orientations) {
    if (o.reservataire === null) continue;
    n += 1;
    orientes.set(o.reservataire, orientes.get(o.reservataire)! + 1);
    for (const [ligne, t] of taux)
      if (Math.abs(orientes.get(ligne)! * MICRO - t * n) >= MICRO) return `${ligne} à n=${n}`;
  }
  return null;
}

describe('le moteur suit le plan d’attribution', () => {
  it('la clé de segment est celle du plan (flux plan --json)', () => {
    for (const seg of SEGMENTS) expect(segmentDuLogement(seg)).toBe(cleSegment({ ...seg, qpv: seg.qpv !== null }));
  });

  it('la propriété de quota tient à chaque pas, quelles que soient les cibles (300 scénarios)', () => {
    fc.assert(
      fc.property(tirageArb, (t) => {
        const s = scenarioDe(t);
        expect(violationQuota(s, simuler(s, { plan: planDe(s, t.cibles) }))).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('sans plan, la sortie est la même, octet pour octet', () => {
    fc.assert(
      fc.property(tirageArb, (t) => {
        const s = scenarioDe(t);
        expect(JSON.stringify(simuler(s, { plan: undefined }))).toBe(JSON.stringify(simuler(s)));
      }),
      { numRuns: 50 },
    );
  });

  it('le plan est suivi où le quota le permet : les T1 PLAI à la ligne dont c’est la cible', () => {
    // 50 % for R0, 50 % for R1; half T3 PLUS, half T1 PLAI, alternating; the plan gives every T1 PLAI to R0.
    const t1 = SEGMENTS.findIndex((x) => x.typologie === 'T1' && x.financement === 'PLAI' && x.qpv === null);
    const t3 = SEGMENTS.findIndex((x) => x.typologie === 'T3' && x.financement === 'PLUS' && x.qpv === null);
    const s = scenarioDe({ taux: [500_000, 500_000], unites: Array.from({ length: 40 }, (_, i) => (i % 2 ? t1 : t3)) });
    const cibles = [SEGMENTS.map((_, j) => (j === t1 ? 20 : 0)), SEGMENTS.map((_, j) => (j === t3 ? 20 : 0))];
    const r = simuler(s, { plan: planDe(s, cibles) });
    const t1R0 = r.orientations.filter((o, i) => i % 2 === 1 && o.reservataire === 'R0').length;
    expect(t1R0).toBeGreaterThanOrEqual(19);
    expect(r.orientations.some((o) => o.motif.startsWith('Plan d’attribution'))).toBe(true);
    expect(violationQuota(s, r)).toBeNull();
    // Without the plan the engine alternates by deadline alone: far fewer T1 to R0.
    const sans = simuler(s, { equilibreQualitatif: false });
    expect(sans.orientations.filter((o, i) => i % 2 === 1 && o.reservataire === 'R0').length).toBeLessThan(19);
  });
});
