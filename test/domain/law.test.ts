/**
 * The [law] rules of rules.md, one test (or group) per article. Each test name cites its article.
 */
import { describe, expect, it } from 'vitest';
import { simuler, type ResultatSimulation } from '../../src/domain/engine.ts';
import { DonneesInvalides, type Probleme } from '../../src/domain/errors.ts';
import { PARAMETRES, valeurAu, type NomParametre, type ParametreDate } from '../../src/domain/legal-parameters.ts';
import {
  EXCLUSIONS,
  HORS_FLUX,
  type Convention,
  type Logement,
  type Scenario,
  type Typologie,
} from '../../src/domain/types.ts';
import {
  COMMUNES,
  candidats,
  convention,
  jour,
  liberation,
  locationComplete,
  logement,
  logements,
  menage,
  orientationForcee,
  reservataire,
  unScenario,
} from '../helpers/scenario.ts';

const EPCI_ORLEANS = '244500468';

function problemes(s: Scenario): Probleme[] {
  try {
    simuler(s);
  } catch (e) {
    expect(e).toBeInstanceOf(DonneesInvalides);
    return (e as DonneesInvalides).problemes;
  }
  return [];
}

/** A scenario of `n` plain vacated units with these réservataires and conventions. */
function avecConventions(conventions: Convention[], overrides: Partial<Scenario> = {}, n = 10): Scenario {
  return unScenario({
    logements: logements('L', n),
    conventions,
    evenements: Array.from({ length: n }, (_, i) => liberation(jour(i), `L${i + 1}`)),
    ...overrides,
  });
}

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator). */
function aleatoire(graine: number): () => number {
  let s = graine >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function melanger<T>(xs: T[], hasard: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(hasard() * (i + 1));
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}

const TYPOS: Typologie[] = ['T1', 'T2', 'T3', 'T4', 'T5'];

/** Every unit vacated once, three a day, in the given order. */
function liberations(ls: Logement[]) {
  return ls.map((l, i) => liberation(jour(Math.floor(i / 3)), l.id));
}

// ───────────────────────────── R.441-5-2 I: the State's caps ─────────────────────────────

describe('CCH R.441-5-2 I — contingent de l’État', () => {
  it('CCH R.441-5-2 I — le contingent de l’État est plafonné à 30 % (0,30 accepté)', () => {
    const r = simuler(avecConventions([convention('CV-ETAT', 'ETAT', 0.3)]));
    expect(r.bilan.find((l) => l.reservataire === 'ETAT')!.droit).toBe(3);
  });

  it('CCH R.441-5-2 I — le contingent de l’État est plafonné à 30 % (0,31 refusé sur conventions[i].taux)', () => {
    const p = problemes(avecConventions([convention('CV-AL', 'AL', 0.2), convention('CV-ETAT', 'ETAT', 0.31)]));
    expect(p).toHaveLength(1);
    expect(p[0]!.chemin).toBe('conventions[1].taux');
    expect(p[0]!.message).toContain('R.441-5-2 I');
    expect(p[0]!.message).toContain('30 %');
  });

  it('CCH R.441-5-2 I — au-delà de 30 % avec un arrêté du préfet daté d’un an au plus couvrant l’année', () => {
    const derogation = { arrete: 'AP 2025-045', du: '2025-01-01', au: '2025-12-31' };
    const r = simuler(avecConventions([convention('CV-ETAT', 'ETAT', 0.35, { tauxAgents: 0.06, derogation })]));
    const etat = r.bilan.find((l) => l.reservataire === 'ETAT')!;
    expect(etat.taux).toBe(0.35);
    expect(etat.droit).toBe(3.5);
  });

  it('CCH R.441-5-2 I — dérogation de plus d’un an refusée', () => {
    const derogation = { arrete: 'AP 2025-045', du: '2025-01-01', au: '2026-06-30' };
    const p = problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.35, { derogation })]));
    expect(p.map((x) => x.chemin)).toEqual(['conventions[0].derogation', 'conventions[0].taux']);
    expect(p[0]!.message).toMatch(/un an/);
  });

  it('CCH R.441-5-2 I — « ne peut excéder un an » : du 1er mars au 28 février suivant, pas un jour de plus', () => {
    const unAn = { arrete: 'AP 2025-045', du: '2025-03-01', au: '2026-02-28' };
    expect(problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.35, { derogation: unAn })]))).toEqual([]);
    const unAnEtUnJour = { ...unAn, au: '2026-03-01' };
    const p = problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.35, { derogation: unAnEtUnJour })]));
    expect(p.map((x) => x.chemin)).toEqual(['conventions[0].derogation', 'conventions[0].taux']);
  });

  it('CCH R.441-5-2 I — dérogation ne couvrant pas l’année du scénario refusée', () => {
    const derogation = { arrete: 'AP 2024-001', du: '2024-01-01', au: '2024-12-31' };
    const p = problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.35, { derogation })]));
    expect(p.map((x) => x.chemin)).toEqual(['conventions[0].derogation', 'conventions[0].taux']);
    expect(p[0]!.message).toContain('2025');
  });

  it('CCH R.441-5-2 I — dérogation dont la fin précède le début refusée', () => {
    const derogation = { arrete: 'AP', du: '2025-06-01', au: '2025-01-01' };
    const p = problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.35, { derogation })]));
    expect(p.map((x) => x.chemin)).toEqual(['conventions[0].derogation.au', 'conventions[0].taux']);
  });

  it('CCH R.441-5-2 I — seule la convention de l’État peut porter une dérogation du préfet', () => {
    const derogation = { arrete: 'AP', du: '2025-01-01', au: '2025-12-31' };
    const p = problemes(avecConventions([convention('CV-AL', 'AL', 0.25, { derogation })]));
    expect(p.map((x) => x.chemin)).toEqual(['conventions[0].derogation']);
  });

  it('CCH R.441-5-2 I — la part des agents de l’État est plafonnée à 5 % (tauxAgents)', () => {
    expect(problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.3, { tauxAgents: 0.05 })]))).toEqual([]);
    const p = problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.3, { tauxAgents: 0.06 })]));
    expect(p).toHaveLength(1);
    expect(p[0]!.chemin).toBe('conventions[0].tauxAgents');
    expect(p[0]!.message).toContain('5 %');
  });

  it('CCH R.441-5-2 I — la part des agents est une part du contingent de l’État, et de lui seul', () => {
    expect(
      problemes(avecConventions([convention('CV-ETAT', 'ETAT', 0.04, { tauxAgents: 0.05 })])).map((x) => x.chemin),
    ).toEqual(['conventions[0].tauxAgents']);
    expect(
      problemes(avecConventions([convention('CV-AL', 'AL', 0.25, { tauxAgents: 0.02 })])).map((x) => x.chemin),
    ).toEqual(['conventions[0].tauxAgents']);
  });
});

// ───────────────────────────── R.441-5 I / R.441-5-3: conventions and perimeters ─────────────────────────────

describe('CCH R.441-5 I et R.441-5-3 — conventions et périmètres', () => {
  it('CCH R.441-5 I — une seule convention par bailleur × réservataire × département', () => {
    const p = problemes(
      avecConventions([
        convention('CV-AL-1', 'AL', 0.1),
        convention('CV-ETAT', 'ETAT', 0.3),
        convention('CV-AL-2', 'AL', 0.1),
      ]),
    );
    expect(p).toHaveLength(1);
    expect(p[0]!.chemin).toBe('conventions[2].reservataire');
    expect(p[0]!.message).toContain('R.441-5 I');
    expect(p[0]!.message).toContain('conventions[0]');
  });

  it('CCH R.441-5 I — la somme des taux ne dépasse pas 100 % du flux', () => {
    const s = avecConventions(
      [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.5), convention('CV-EMP', 'EMP', 0.25)],
      {
        reservataires: [
          reservataire('ETAT', 'etat'),
          reservataire('AL', 'action_logement'),
          reservataire('EMP', 'employeur'),
        ],
      },
    );
    const p = problemes(s);
    expect(p).toHaveLength(1);
    expect(p[0]!.chemin).toBe('conventions[2].taux');
    expect(p[0]!.message).toContain('100 %');
    expect(p[0]!.message).toContain('105 %');
  });

  it('CCH R.441-5 I — une somme des taux d’exactement 100 % est admise (arithmétique exacte) et la part du bailleur est nulle', () => {
    // 0.3 + 0.45 + 0.15 + 0.1 is not 1 in floating point; the engine must still accept it.
    const s = avecConventions(
      [
        convention('CV-ETAT', 'ETAT', 0.3),
        convention('CV-AL', 'AL', 0.45),
        convention('CV-EMP', 'EMP', 0.15),
        convention('CV-ORG', 'ORG', 0.1),
      ],
      {
        reservataires: [
          reservataire('ETAT', 'etat'),
          reservataire('AL', 'action_logement'),
          reservataire('EMP', 'employeur'),
          reservataire('ORG', 'organisme_desinteresse'),
        ],
      },
    );
    const r = simuler(s);
    const bailleur = r.bilan.find((l) => l.reservataire === 'BAILLEUR')!;
    expect(bailleur.droit).toBe(0);
    expect(bailleur.misADisposition).toBe(0);
  });

  const territoriaux = {
    reservataires: [
      reservataire('AL', 'action_logement'),
      reservataire('C234', 'commune', { commune: '45234' }),
      reservataire('ORLM', 'epci', { epci: EPCI_ORLEANS }),
      reservataire('EPT', 'ept'),
      reservataire('DEP', 'departement'),
    ],
    logements: logements('L', 10, { epci: EPCI_ORLEANS }),
  };

  it('CCH R.441-5-3 — communes, EPCI et EPT peuvent avoir un périmètre limité à leur territoire', () => {
    const s = avecConventions(
      [
        convention('CV-C', 'C234', 0.05, { perimetre: { communes: ['45234'] } }),
        convention('CV-EPCI', 'ORLM', 0.05, { perimetre: { epci: EPCI_ORLEANS } }),
        convention('CV-EPT', 'EPT', 0.05, { perimetre: { communes: ['45234', '45147'] } }),
      ],
      territoriaux,
    );
    expect(problemes(s)).toEqual([]);
  });

  it('CCH R.441-5-3 — un périmètre communal ou intercommunal est refusé aux autres réservataires', () => {
    const s = avecConventions(
      [
        convention('CV-AL', 'AL', 0.2, { perimetre: { communes: ['45234'] } }),
        convention('CV-DEP', 'DEP', 0.05, { perimetre: { epci: EPCI_ORLEANS } }),
      ],
      territoriaux,
    );
    const p = problemes(s);
    expect(p.map((x) => x.chemin)).toEqual(['conventions[0].perimetre', 'conventions[1].perimetre']);
    for (const x of p) expect(x.message).toContain('R.441-5-3');
  });

  it('CCH R.441-5-3 — une commune ne conventionne que sur son propre territoire', () => {
    const autre = avecConventions(
      [convention('CV-C', 'C234', 0.05, { perimetre: { communes: ['45234', '45147'] } })],
      territoriaux,
    );
    expect(problemes(autre).map((x) => x.chemin)).toEqual(['conventions[0].perimetre.communes']);
    const departement = avecConventions([convention('CV-C', 'C234', 0.05)], territoriaux);
    expect(problemes(departement).map((x) => x.chemin)).toEqual(['conventions[0].perimetre']);
    const epci = avecConventions(
      [convention('CV-C', 'C234', 0.05, { perimetre: { epci: EPCI_ORLEANS } })],
      territoriaux,
    );
    expect(problemes(epci).map((x) => x.chemin)).toEqual(['conventions[0].perimetre']);
  });

  it('CCH R.441-5-3 — la convention d’une commune ne porte que sur les logements de sa commune', () => {
    const ls = [...logements('A', 10, { commune: '45234' }), ...logements('B', 10, { commune: '45147' })];
    const r = simuler(
      unScenario({
        reservataires: territoriaux.reservataires,
        logements: ls,
        conventions: [convention('CV-C', 'C234', 0.1, { perimetre: { communes: ['45234'] } })],
        evenements: liberations(ls),
      }),
    );
    const commune = r.bilan.find((l) => l.reservataire === 'C234')!;
    expect(commune.droit).toBe(1); // 10 % of the 10 units of 45234, not of 20
    expect(r.orientations.filter((o) => o.reservataire === 'C234').every((o) => o.logement.startsWith('A'))).toBe(true);
  });

  it('CCH R.441-5 — les droits des collectivités en contrepartie des garanties d’emprunt : 20 % au plus, un avertissement, pas un refus', () => {
    const ok = avecConventions(
      [convention('CV-DEP', 'DEP', 0.1), convention('CV-C', 'C234', 0.1, { perimetre: { communes: ['45234'] } })],
      territoriaux,
    );
    expect(problemes(ok)).toEqual([]);
    expect(simuler(ok).avertissements).toEqual([]);
    const trop = avecConventions(
      [
        convention('CV-DEP', 'DEP', 0.15),
        convention('CV-AL', 'AL', 0.25),
        convention('CV-C', 'C234', 0.1, { perimetre: { communes: ['45234'] } }),
      ],
      territoriaux,
    );
    // Lawful (R.441-5 caps only the guarantee parts, and only for… guarantees): the year runs.
    expect(problemes(trop)).toEqual([]);
    const a = simuler(trop).avertissements;
    expect(a).toHaveLength(1);
    expect(a[0]!.chemin).toBe('conventions[2].taux');
    expect(a[0]!.message).toContain('20 %');
    expect(a[0]!.message).toContain('25 %');
  });

  it('CCH R.441-5 — les droits obtenus pour un terrain ou un financement s’ajoutent aux 20 % de garanties', () => {
    // A Département at 12 % and an EPCI-like commune at 12 %: 24 % in all, but only 10 % + 10 % of guarantees.
    const s = avecConventions(
      [
        convention('CV-DEP', 'DEP', 0.12, { contrepartie: { garantie: 0.1, financement: 0.02, terrain: 0, autre: 0 } }),
        convention('CV-C', 'C234', 0.12, {
          perimetre: { communes: ['45234'] },
          contrepartie: { garantie: 0.1, financement: 0, terrain: 0.02, autre: 0, reference: 'délibération 2024-17' },
        }),
      ],
      territoriaux,
    );
    expect(problemes(s)).toEqual([]);
    expect(simuler(s).avertissements).toEqual([]);
    // The guarantee parts above 20 %: a warning on the part that crosses it.
    const t = avecConventions(
      [
        convention('CV-DEP', 'DEP', 0.12, { contrepartie: { garantie: 0.12, financement: 0, terrain: 0, autre: 0 } }),
        convention('CV-C', 'C234', 0.12, {
          perimetre: { communes: ['45234'] },
          contrepartie: { garantie: 0.1, financement: 0.02, terrain: 0, autre: 0 },
        }),
      ],
      territoriaux,
    );
    expect(simuler(t).avertissements.map((x) => x.chemin)).toEqual(['conventions[1].contrepartie.garantie']);
  });

  it('CCH R.441-5 — les parts de la contrepartie font le taux de la convention', () => {
    const s = avecConventions(
      [
        convention('CV-DEP', 'DEP', 0.12, {
          contrepartie: { garantie: 0.05, financement: 0.05, terrain: 0, autre: 0 },
        }),
      ],
      territoriaux,
    );
    const p = problemes(s);
    expect(p.map((x) => x.chemin)).toEqual(['conventions[0].contrepartie']);
    expect(p[0]!.message).toContain('10 %');
    expect(p[0]!.message).toContain('12 %');
  });
});

// ───────────────────────────── R.441-5 I: the annual flow ─────────────────────────────

describe('CCH R.441-5 I — le flux annuel et ses exclusions', () => {
  it.each(EXCLUSIONS)(
    'CCH R.441-5 I — un logement exclu (%s) est compté dans flux.exclus et jamais orienté',
    (exclusion) => {
      // Excluded units are T6 in 45147; the flow units are T3 in 45234: a T6 or a 45147 in any
      // ledger line's mix would betray an excluded unit counted somewhere.
      const exclus = logements('X', 2, { typologie: 'T6', commune: '45147' });
      const flux = logements('L', 4);
      const s = unScenario({
        logements: [...exclus, ...flux],
        conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
        evenements: [
          liberation(jour(0), 'X1', { exclusion }),
          ...flux.map((l, i) => liberation(jour(i + 1), l.id)),
          liberation(jour(9), 'X2', { exclusion, premiereMiseEnLocation: true }),
        ],
      });
      const r = simuler(s);
      expect(r.flux.disponibles).toBe(6);
      expect(r.flux.exclus[exclusion]).toBe(2);
      expect(Object.values(r.flux.exclus).reduce((a, b) => a + b, 0)).toBe(2);
      expect(r.flux.fluxAnnuel).toBe(4);
      for (const id of ['X1', 'X2']) {
        const o = r.orientations.find((x) => x.logement === id)!;
        expect(o.reservataire).toBeNull();
        expect(o.forcee).toBe(false);
        expect(o.motif).toContain('R.441-5 I');
      }
      expect(r.bilan.reduce((t, l) => t + l.misADisposition, 0)).toBe(4);
      expect(r.bilan.reduce((t, l) => t + l.droit, 0)).toBeCloseTo(4, 9);
      for (const l of r.bilan) {
        expect(r.ecarts.typologie[l.reservataire]).not.toHaveProperty('T6');
        expect(r.ecarts.commune[l.reservataire]).not.toHaveProperty('45147');
      }
    },
  );

  it.each(HORS_FLUX)(
    'CCH R.441-5 I — un logement « %s » (stock identifié) n’est jamais dans le flux, même sans exclusion',
    (horsFlux) => {
      const s = unScenario({
        logements: [logement('H1', { horsFlux }), logement('H2', { horsFlux }), ...logements('L', 3)],
        conventions: [convention('CV-ETAT', 'ETAT', 0.3)],
        evenements: [
          liberation(jour(0), 'H1'),
          liberation(jour(1), 'H2', { exclusion: 'mutation_interne' }), // counted once, under its identified stock
          liberation(jour(2), 'L1'),
          liberation(jour(3), 'L2'),
          liberation(jour(4), 'L3'),
        ],
      });
      const r = simuler(s);
      expect(r.flux.exclus[horsFlux]).toBe(2);
      expect(r.flux.exclus.mutation_interne).toBe(0);
      expect(r.flux.fluxAnnuel).toBe(3);
      expect(r.orientations.filter((o) => o.logement.startsWith('H')).map((o) => o.reservataire)).toEqual([null, null]);
      expect(r.bilan.reduce((t, l) => t + l.misADisposition, 0)).toBe(3);
    },
  );

  it('CCH R.441-5 I — un logement de stock identifié ne peut être orienté de force dans le flux', () => {
    const s = unScenario({
      logements: [logement('H1', { horsFlux: 'eps' })],
      conventions: [convention('CV-ETAT', 'ETAT', 0.3)],
      evenements: [liberation(jour(0), 'H1'), orientationForcee(jour(1), 'H1', 'ETAT')],
    });
    expect(problemes(s).map((x) => x.chemin)).toEqual(['evenements[1]']);
  });

  it('CCH R.441-5 I — le flux compte les relocations et les premières mises en location', () => {
    const s = avecConventions([convention('CV-ETAT', 'ETAT', 0.3)], {
      evenements: [liberation(jour(0), 'L1'), liberation(jour(1), 'L2', { premiereMiseEnLocation: true })],
    });
    const r = simuler(s);
    expect(r.flux).toMatchObject({ disponibles: 2, premieresMisesEnLocation: 1, fluxAnnuel: 2 });
  });
});

// ───────────────────────────── R.441-5-2 II: uniformity and QPV ─────────────────────────────

/** A year of `tailles[c]` units in commune c, random typologies, 30 % in QPV, in random order. */
function troisCommunes(graine: number, tailles: readonly number[]): Logement[] {
  const hasard = aleatoire(graine);
  const ls: Logement[] = [];
  tailles.forEach((n, c) => {
    for (let i = 0; i < n; i++) {
      ls.push(
        logement(`C${c}-${i}`, {
          commune: COMMUNES[c]!,
          typologie: TYPOS[Math.floor(hasard() * TYPOS.length)]!,
          qpv: hasard() < 0.3 ? 'QN04500A' : null,
          financement: hasard() < 0.3 ? 'PLAI' : 'PLUS',
        }),
      );
    }
  });
  return melanger(ls, hasard);
}

function etatParCommune(r: ResultatSimulation, commune: string): number {
  return r.ecarts.commune.ETAT?.[commune]?.nombre ?? 0;
}

describe('CCH R.441-5-2 II — répartition du contingent de l’État', () => {
  const TAILLES = [40, 25, 15] as const;

  it('CCH R.441-5-2 II — par défaut, le taux de l’État s’applique dans chaque commune (à 2 logements près en fin d’année)', () => {
    // Bound measured on 1,000 random orders of this 40/25/15 year: the worst year-end gap
    // |ETAT's units in a commune − 0.30 × that commune's flow| is exactly 2 (the running gap
    // during the year reaches 2.4). The engine treats uniformity as a preference subordinate to
    // the global quota property, so 1 is not reachable; 2 is tight and still meaningful: without
    // the qualitative balance the same engine misses a commune by 4.5 (next test).
    for (let graine = 1; graine <= 20; graine++) {
      const ls = troisCommunes(graine, TAILLES);
      const r = simuler(
        unScenario({
          logements: ls,
          conventions: [convention('CV-ETAT', 'ETAT', 0.3, { tauxAgents: 0.05 }), convention('CV-AL', 'AL', 0.25)],
          evenements: liberations(ls),
        }),
      );
      COMMUNES.forEach((commune, c) => {
        expect(
          Math.abs(etatParCommune(r, commune) - 0.3 * TAILLES[c]!),
          `graine ${graine}, commune ${commune}`,
        ).toBeLessThanOrEqual(2);
      });
    }
  });

  it('CCH R.441-5-2 II — uniformité communale du taux de l’État même quand l’ordre des libérations lui est défavorable', () => {
    // Build the adversarial order: run 80 identical units through the bare quota rule, then put
    // the small commune's 15 units exactly where the State was *not* served. The bare quota
    // gives the State 0 units there (owed 4.5); the engine must still serve it within one unit.
    const n = 80;
    const neutres = logements('L', n);
    const base = unScenario({
      logements: neutres,
      conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
      evenements: liberations(neutres),
    });
    const sequence = simuler(base, { equilibreQualitatif: false }).orientations.map((o) => o.reservataire);
    let petite = 0;
    const ls = sequence.map((qui, i) => {
      const commune = qui !== 'ETAT' && petite < 15 ? (petite++, COMMUNES[2]) : i % 2 ? COMMUNES[0] : COMMUNES[1];
      return logement(`L${i + 1}`, { commune });
    });
    const flux = Object.fromEntries(COMMUNES.map((c) => [c, ls.filter((l) => l.commune === c).length]));
    const s = { ...base, logements: ls };
    const brut = simuler(s, { equilibreQualitatif: false });
    expect(etatParCommune(brut, COMMUNES[2])).toBe(0); // the trap works
    const r = simuler(s);
    for (const commune of COMMUNES) {
      expect(Math.abs(etatParCommune(r, commune) - 0.3 * flux[commune]!), commune).toBeLessThan(1);
    }
  });

  it('CCH R.441-5-2 II — sans contrainte (uniformiteCommunale: false, partHorsQpvMin: 0), la propriété de quota est exacte', () => {
    // rules.md §5: every ledger line within one unit of its exact entitlement after every
    // orientation: |x_j − τ_j·n| < 1. Rates in whole percent, so 100·x_j − p_j·n is an integer.
    const pourcents = { ETAT: 30, AL: 25, DEP: 5, BAILLEUR: 40 } as const;
    for (let graine = 1; graine <= 10; graine++) {
      const ls = troisCommunes(graine, TAILLES);
      const sansContrainte = { uniformiteCommunale: false, partHorsQpvMin: 0 };
      const r = simuler(
        unScenario({
          reservataires: [
            reservataire('ETAT', 'etat'),
            reservataire('AL', 'action_logement'),
            reservataire('DEP', 'departement'),
          ],
          logements: ls,
          conventions: [
            convention('CV-ETAT', 'ETAT', 0.3, { contraintes: sansContrainte }),
            convention('CV-AL', 'AL', 0.25, { contraintes: sansContrainte }),
            convention('CV-DEP', 'DEP', 0.05, { contraintes: sansContrainte }),
          ],
          evenements: liberations(ls),
        }),
      );
      const x: Record<string, number> = { ETAT: 0, AL: 0, DEP: 0, BAILLEUR: 0 };
      r.orientations.forEach((o, i) => {
        x[o.reservataire!]! += 1;
        const n = i + 1;
        for (const [ligne, p] of Object.entries(pourcents)) {
          expect(Math.abs(100 * x[ligne]! - p * n), `graine ${graine}, ${ligne} après ${n} logements`).toBeLessThan(
            100,
          );
        }
      });
    }
  });

  /** ETAT's units outside QPV and in total, at year end. */
  function etatHorsQpv(r: ResultatSimulation): { hors: number; total: number } {
    const q = r.ecarts.qpv.ETAT ?? {};
    return { hors: q['hors_qpv']?.nombre ?? 0, total: r.bilan.find((l) => l.reservataire === 'ETAT')!.misADisposition };
  }

  it('CCH R.441-5-2 II — par défaut, au moins 30 % des logements de l’État hors QPV (flux à 50 % en QPV)', () => {
    // Tolerance: one unit of the State's count (1/30 ≈ 0.033 of its share here), since a share
    // of an integer count cannot hit 0.30 exactly at every size. Measured: 0.43 at worst.
    for (let graine = 1; graine <= 10; graine++) {
      const hasard = aleatoire(graine);
      const ls = melanger(
        Array.from({ length: 100 }, (_, i) =>
          logement(`L${i + 1}`, {
            commune: COMMUNES[i % 3]!,
            qpv: i < 50 ? 'QN04500A' : null,
            typologie: TYPOS[Math.floor(hasard() * 5)]!,
          }),
        ),
        hasard,
      );
      const r = simuler(
        unScenario({
          logements: ls,
          conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
          evenements: liberations(ls),
        }),
      );
      const { hors, total } = etatHorsQpv(r);
      expect(total).toBe(30);
      expect(hors, `graine ${graine}`).toBeGreaterThanOrEqual(0.3 * total - 1);
    }
  });

  it('CCH R.441-5-2 II — par défaut, au moins 30 % des logements de l’État hors QPV, même quand 80 % du flux est en QPV', () => {
    // 100 units, 20 of them outside QPV, in random order. The State is owed 30 units, so at least
    // 9 outside QPV; with the same one-unit tolerance as above, at least 8. This is reachable
    // together with the quota property: an exact search (dynamic programming over every
    // assignment keeping each of ETAT/AL/BAILLEUR within one unit of its entitlement after every
    // unit) lets the State hold 15 to 18 units outside QPV on these orders (the engine: 6 to 8).
    const trouves: string[] = [];
    for (let graine = 1; graine <= 8; graine++) {
      const hasard = aleatoire(graine);
      const ls = melanger(
        Array.from({ length: 100 }, (_, i) =>
          logement(`L${i + 1}`, { commune: COMMUNES[i % 3]!, qpv: i < 80 ? 'QN04500A' : null }),
        ),
        hasard,
      );
      const r = simuler(
        unScenario({
          logements: ls,
          conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
          evenements: liberations(ls),
        }),
      );
      const { hors, total } = etatHorsQpv(r);
      expect(total).toBe(30);
      trouves.push(`graine ${graine}: ${hors}/${total}`);
      expect(hors, trouves.join(', ')).toBeGreaterThanOrEqual(0.3 * total - 1);
    }
  });

  it('CCH R.441-5-2 II — « sauf stipulation contraire » : partHorsQpvMin: 0 lève la contrainte', () => {
    const ls = Array.from({ length: 100 }, (_, i) => logement(`L${i + 1}`, { qpv: i % 5 === 4 ? null : 'QN04500A' }));
    const evenements = liberations(ls);
    const avec = simuler(unScenario({ logements: ls, conventions: [convention('CV-ETAT', 'ETAT', 0.3)], evenements }));
    const sans = simuler(
      unScenario({
        logements: ls,
        conventions: [convention('CV-ETAT', 'ETAT', 0.3, { contraintes: { partHorsQpvMin: 0 } })],
        evenements,
      }),
    );
    // Lifting the constraint can only lower the State's units outside QPV.
    expect(etatHorsQpv(sans).hors).toBeLessThanOrEqual(etatHorsQpv(avec).hors);
  });
});

// ───────────────────────────── L.441-1: allocation objectives ─────────────────────────────

describe('CCH L.441-1 — objectifs d’attribution', () => {
  // Units outside QPV (H…) and in QPV (Q…), each forced onto a known line, then let.
  const ls = [
    logement('H1'),
    logement('H2'),
    logement('H3'),
    logement('H4'),
    logement('H5'),
    logement('Q1', { qpv: 'QN04500A' }),
    logement('Q2', { qpv: 'QN04500A' }),
    logement('Q3', { qpv: 'QN04500A' }),
  ];
  const lignes: Record<string, string> = {
    H1: 'ETAT',
    H2: 'AL',
    H3: 'BAILLEUR',
    H4: 'AL',
    H5: 'ETAT',
    Q1: 'ETAT',
    Q2: 'AL',
    Q3: 'BAILLEUR',
  };
  const menages = {
    H1: menage({ quartile1: true, prioritaire: true }),
    H2: menage({ relogementAnru: true }),
    H3: menage({ prioritaire: true }),
    H4: undefined, // a lease without household data counts as none of the categories
    Q1: menage({ quartile1: true }),
    Q2: menage({ prioritaire: true }),
    Q3: menage(),
  };
  const s = unScenario({
    logements: ls,
    conventions: [convention('CV-ETAT', 'ETAT', 0.3, { tauxAgents: 0.05 }), convention('CV-AL', 'AL', 0.25)],
    evenements: [
      ...ls.flatMap((l, i) => [liberation(jour(i), l.id), orientationForcee(jour(i), l.id, lignes[l.id]!)]),
      ...Object.entries(menages).flatMap(([id, m], i) => locationComplete(20 + 3 * i, id, m ? { menage: m } : {})),
      candidats(jour(100), 'H5'), // H5 is still being let: no lease, not counted
    ],
  });

  it('CCH L.441-1 — ≥ 25 % des attributions hors QPV au premier quartile ou aux relogés de l’ANRU', () => {
    const r = simuler(s);
    // Leases outside QPV: H1 (quartile 1), H2 (ANRU rehousing), H3 (declared not Q1), H4 (no household: unknown) → 2 / 4.
    expect(r.objectifs.quartile1HorsQpv).toEqual({
      realise: 0.5,
      cible: 0.25,
      numerateur: 2,
      denominateur: 4,
      inconnus: 1,
    });
  });

  it('CCH L.441-1 — ≥ 50 % des attributions en QPV hors premier quartile', () => {
    const r = simuler(s);
    // Leases in QPV: Q1 (quartile 1), Q2, Q3 (declared not Q1) → 2 / 3.
    expect(r.objectifs.nonQuartile1EnQpv).toEqual({
      realise: 0.666667,
      cible: 0.5,
      numerateur: 2,
      denominateur: 3,
      inconnus: 0,
    });
  });

  it('CCH L.441-1 — 25 % des attributions de chaque réservataire aux publics prioritaires ; l’État, hors baux de ses agents, entièrement', () => {
    const r = simuler(s);
    expect(r.objectifs.prioritaires).toEqual({
      // ETAT: H1 (prioritaire), Q1 → 1/2; target 100 % of its leases but its agents' (none here).
      ETAT: { realise: 0.5, cible: 1, numerateur: 1, denominateur: 2 },
      // AL: H2, H4, Q2 (prioritaire) → 1/3.
      AL: { realise: 0.333333, cible: 0.25, numerateur: 1, denominateur: 3 },
      // BAILLEUR: H3 (prioritaire), Q3 → 1/2.
      BAILLEUR: { realise: 0.5, cible: 0.25, numerateur: 1, denominateur: 2 },
    });
  });

  it('CCH L.441-1 — sans bail, un objectif est « sans objet » (null), pas 0 %', () => {
    const r = simuler(avecConventions([convention('CV-AL', 'AL', 0.25)]));
    expect(r.objectifs.quartile1HorsQpv).toMatchObject({ realise: null, numerateur: 0, denominateur: 0 });
    expect(r.objectifs.prioritaires['AL']).toMatchObject({ realise: null, cible: 0.25 });
  });

  it('CCH L.441-1 — un bail signé sans réservataire connu compte pour la ligne qui détient le logement', () => {
    const r = simuler(
      unScenario({
        logements: [logement('H1')],
        conventions: [convention('CV-AL', 'AL', 0.25)],
        evenements: [
          liberation(jour(0), 'H1'),
          orientationForcee(jour(0), 'H1', 'AL'),
          ...locationComplete(1, 'H1', { menage: menage({ prioritaire: true }) }),
        ],
      }),
    );
    expect(r.objectifs.prioritaires['AL']).toMatchObject({ realise: 1, numerateur: 1, denominateur: 1 });
    expect(r.objectifs.prioritaires['BAILLEUR']).toMatchObject({ realise: null });
  });
});

// ───────────────────────────── legal parameters ─────────────────────────────

describe('paramètres légaux datés et sourcés (CCH R.441-5, R.441-5-1, R.441-5-2, L.441-1, loi ELAN art. 114)', () => {
  const estDateIso = (d: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  const entrees = Object.entries(PARAMETRES) as [NomParametre, readonly ParametreDate<number | string>[]][];

  it.each(entrees)('%s : chaque version a une source non vide et des dates valides', (_nom, versions) => {
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) {
      expect(v.source.trim().length).toBeGreaterThan(0);
      expect(estDateIso(v.du), v.du).toBe(true);
      if (v.au !== null) {
        expect(estDateIso(v.au), v.au).toBe(true);
        expect(v.au >= v.du).toBe(true);
      }
    }
  });

  it.each(entrees)('%s : valeurAu refuse (DonneesInvalides) une date avant la première version', (nom, versions) => {
    const premier = [...versions].map((v) => v.du).sort()[0]!;
    const veille = new Date(Date.parse(`${premier}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    // A typed, French refusal (a year asked for before the law): a 422 at the API, never a 500.
    expect(() => valeurAu(nom, veille)).toThrow(DonneesInvalides);
    const [a, m, j] = veille.split('-');
    expect(() => valeurAu(nom, veille)).toThrow(`aucune règle en vigueur au ${j}/${m}/${a}`);
    expect(valeurAu(nom, premier)).toBe(versions.find((v) => v.du === premier)!.valeur);
  });

  it('CCH R.441-5-2 I — valeurs en vigueur en 2025 : 30 % pour l’État dont 5 % pour ses agents', () => {
    expect(valeurAu('plafondEtat', '2025-01-01')).toBe(0.3);
    expect(valeurAu('plafondAgentsEtat', '2025-01-01')).toBe(0.05);
    expect(valeurAu('plafondGarantiesCollectivites', '2025-01-01')).toBe(0.2);
  });
});
