/**
 * Property-based tests of the engine (rules.md §5): the quota property, conservation, exclusions
 * and determinism, each over many random scenarios. Over 1,000 random scenarios run in this file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simuler, type OptionsMoteur, type ResultatSimulation } from '../../src/domain/engine.ts';
import { MICRO, toMicro } from '../../src/domain/exact.ts';
import type { LigneQuota } from '../../src/domain/quota.ts';
import {
  EXCLUSIONS,
  FINANCEMENTS,
  TYPOLOGIES,
  type Convention,
  type Evenement,
  type Logement,
  type Scenario,
} from '../../src/domain/types.ts';
import { conventionDeBase } from '../helpers/scenario.ts';

/** Round percentages as real conventions use them, and arbitrary ones. */
const POURCENTAGES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 35, 40];
const COMMUNES = ['45234', '45284', '45147'];

const tauxArb = fc.oneof(
  fc.constantFrom(...POURCENTAGES).map((p) => p / 100),
  fc.integer({ min: 1, max: 400_000 }).map((m) => m / MICRO),
);

const logementArb = fc.record({
  commune: fc.constantFrom(...COMMUNES),
  qpv: fc.option(fc.constant('QN04500A'), { nil: null }),
  typologie: fc.constantFrom(...TYPOLOGIES),
  financement: fc.constantFrom(...FINANCEMENTS),
});

interface Tirage {
  taux: number[];
  logements: Omit<Logement, 'id' | 'construction' | 'horsFlux'>[];
  exclusions: (number | null)[];
}

const tirageArb = (maxUnites: number) =>
  fc
    .record({
      taux: fc.array(tauxArb, { minLength: 1, maxLength: 6, size: 'max' }),
      logements: fc.array(logementArb, { minLength: 1, maxLength: maxUnites, size: 'max' }),
      exclusions: fc.array(fc.option(fc.integer({ min: 0, max: EXCLUSIONS.length - 1 }), { nil: null, freq: 5 }), {
        maxLength: maxUnites,
        size: 'max',
      }),
    })
    .filter((t) => t.taux.reduce((s, x) => s + (toMicro(x) ?? 0), 0) <= MICRO);

/** One convention per rate on the whole département, every qualitative constraint off. */
function scenarioDe(t: Tirage, avecExclusions = false): Scenario {
  const conventions: Convention[] = t.taux.map((taux, i) => ({
    id: `CV${i}`,
    reservataire: `R${i}`,
    taux,
    ...conventionDeBase(),
    contraintes: { uniformiteCommunale: false, partHorsQpvMin: 0 },
  }));
  const evenements: Evenement[] = t.logements.map((_, i) => {
    const ex = avecExclusions ? t.exclusions[i] : null;
    const jour = new Date(Date.UTC(2025, 0, 1 + Math.floor((i * 364) / t.logements.length))).toISOString().slice(0, 10);
    return ex === null || ex === undefined
      ? { date: jour, type: 'liberation', logement: `L${i}` }
      : { date: jour, type: 'liberation', logement: `L${i}`, exclusion: EXCLUSIONS[ex]! };
  });
  return {
    annee: 2025,
    departement: '45',
    bailleur: { id: 'B', nom: 'Bailleur' },
    logements: t.logements.map((l, i) => ({ ...l, id: `L${i}`, construction: 1980, horsFlux: null })),
    reservataires: t.taux.map((_, i) => ({ id: `R${i}`, type: 'employeur', nom: `Réservataire ${i}` })),
    conventions,
    evenements,
  };
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
    for (const [ligne, t] of taux) {
      const ecart = orientes.get(ligne)! * MICRO - t * n;
      if (Math.abs(ecart) >= MICRO)
        return `${ligne} à n=${n} : ${orientes.get(ligne)} orientés pour un droit de ${(t * n) / MICRO}`;
    }
  }
  return null;
}

/** Greedy largest deficit: the rule rules.md §5 says does NOT keep the quota property. */
const gloutonPlusGrandRetard = (lignes: readonly LigneQuota[]): number => {
  let best = 0;
  for (let i = 1; i < lignes.length; i++) if (lignes[i]!.retard > lignes[best]!.retard) best = i;
  return best;
};

describe('propriété de quota (rules.md §5)', () => {
  it('tient à chaque pas, équilibre qualitatif actif (400 scénarios aléatoires)', () => {
    fc.assert(
      fc.property(tirageArb(300), (t) => {
        const s = scenarioDe(t);
        expect(violationQuota(s, simuler(s))).toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('tient à chaque pas avec la seule règle de l’échéance la plus proche (200 scénarios)', () => {
    fc.assert(
      fc.property(tirageArb(300), (t) => {
        const s = scenarioDe(t);
        expect(violationQuota(s, simuler(s, { equilibreQualitatif: false }))).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it('est cassée par la règle gloutonne du plus grand retard : le test la détecte', () => {
    // A known counter-example: 1 %, 30 %, 30 %, 5 %, 4 % (+ 30 % bailleur) breaks by unit 40.
    const contre: Tirage = {
      taux: [0.01, 0.3, 0.3, 0.05, 0.04],
      logements: Array.from({ length: 60 }, () => ({
        commune: '45234',
        qpv: null,
        typologie: 'T3',
        financement: 'PLUS',
      })),
      exclusions: [],
    };
    const glouton: OptionsMoteur = { regleQuota: gloutonPlusGrandRetard, equilibreQualitatif: false };
    expect(violationQuota(scenarioDe(contre), simuler(scenarioDe(contre), glouton))).not.toBeNull();
    expect(violationQuota(scenarioDe(contre), simuler(scenarioDe(contre)))).toBeNull();
    // And the random search finds one on its own, with round percentages only.
    const roundRates = fc
      .array(fc.constantFrom(...POURCENTAGES), { minLength: 2, maxLength: 6 })
      .filter((p) => p.reduce((a, b) => a + b, 0) <= 100);
    const resultat = fc.check(
      fc.property(roundRates, (p) => {
        const t: Tirage = {
          taux: p.map((x) => x / 100),
          logements: Array.from({ length: 120 }, () => ({
            commune: '45234',
            qpv: null,
            typologie: 'T3',
            financement: 'PLUS',
          })),
          exclusions: [],
        };
        const s = scenarioDe(t);
        return violationQuota(s, simuler(s, glouton)) === null;
      }),
      { numRuns: 1000, seed: 20251129 },
    );
    expect(resultat.failed).toBe(true);
  });
});

describe('conservation, exclusions, déterminisme', () => {
  it('chaque libération a exactement une issue ; Σ orientés = flux ; Σ droits = flux (300 scénarios)', () => {
    fc.assert(
      fc.property(tirageArb(200), (t) => {
        const s = scenarioDe(t, true);
        const r = simuler(s);
        expect(r.orientations).toHaveLength(s.evenements.length);
        expect(r.orientations.map((o) => o.logement)).toEqual(s.evenements.map((e) => e.logement));
        const dansLeFlux = r.orientations.filter((o) => o.reservataire !== null).length;
        expect(dansLeFlux).toBe(r.flux.fluxAnnuel);
        expect(r.bilan.reduce((a, l) => a + l.misADisposition, 0)).toBe(r.flux.fluxAnnuel);
        const droits = r.bilan.reduce((a, l) => a + toMicro(l.droit)!, 0);
        expect(droits).toBe(r.flux.fluxAnnuel * MICRO);
        expect(r.flux.disponibles).toBe(s.evenements.length);
        expect(r.flux.fluxAnnuel + Object.values(r.flux.exclus).reduce((a, b) => a + b, 0)).toBe(r.flux.disponibles);
      }),
      { numRuns: 300 },
    );
  });

  it('une unité exclue n’est jamais orientée ni décomptée (200 scénarios)', () => {
    fc.assert(
      fc.property(tirageArb(150), (t) => {
        const s = scenarioDe(t, true);
        const r = simuler(s);
        s.evenements.forEach((e, i) => {
          if (e.type === 'liberation' && e.exclusion) {
            expect(r.orientations[i]!.reservataire).toBeNull();
            expect(r.orientations[i]!.motif).toMatch(/^Exclu du flux/);
          }
        });
        const exclues = s.evenements.filter((e) => e.type === 'liberation' && e.exclusion).length;
        expect(Object.values(r.flux.exclus).reduce((a, b) => a + b, 0)).toBe(exclues);
        expect(r.bilan.reduce((a, l) => a + l.decomptes, 0)).toBe(r.flux.fluxAnnuel);
      }),
      { numRuns: 200 },
    );
  });

  it('même entrée → sortie identique octet pour octet (100 scénarios)', () => {
    fc.assert(
      fc.property(tirageArb(150), (t) => {
        const s = scenarioDe(t, true);
        const a = JSON.stringify(simuler(s));
        const b = JSON.stringify(simuler(structuredClone(s)));
        expect(b).toBe(a);
      }),
      { numRuns: 100 },
    );
  });
});
