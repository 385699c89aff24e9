/**
 * The annual bilan (R.441-5-1; issue 7): a known scenario counted to the unit in every dimension,
 * the invariant Σ(values of a dimension) = the engine's ledger line on every example and on random
 * years, a réservataire's own view, and the engine's default output unchanged by the detail option.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lireScenario } from '../../src/app/scenario.ts';
import {
  bilanAnnuel,
  bilanDuReservataire,
  COMPTEURS,
  DIMENSIONS_BILAN,
  totalDimension,
  type BilanAnnuel,
} from '../../src/domain/bilan.ts';
import { simuler } from '../../src/domain/engine.ts';
import type { Evenement, Scenario } from '../../src/domain/types.ts';
import {
  candidats,
  COMMUNES,
  convention,
  decisionCal,
  evenementsDeLocation,
  jour,
  liberation,
  LOCATION_ALEATOIRE,
  locationComplete,
  logement,
  menage,
  orientationForcee,
  refus,
  sansCandidat,
  unScenario,
} from '../helpers/scenario.ts';

function bilanDe(s: Scenario): BilanAnnuel {
  return bilanAnnuel(s, simuler(s, { detail: true }));
}

/** Every dimension of every line sums to the engine's line, figure by figure. */
function verifierSommes(b: BilanAnnuel): void {
  for (const l of b.lignes) {
    for (const dim of DIMENSIONS_BILAN) {
      const t = totalDimension(b.dimensions[dim], l.ligne);
      for (const k of COMPTEURS) expect(t[k], `${l.ligne} ${dim} ${k}`).toBe(l[k]);
    }
  }
}

/**
 * Ten units forced onto lines so the counts are known by hand:
 *   AL  (bail_signe counting, failure not counted): A1 T2 PLAI QPV 1960 let (Q1 household);
 *       A2 T3 PLUS 1960 let; A3 T3 PLUS 2010 refused → let "pour un tour" by the bailleur;
 *       A4 T4 PLS 2010 in progress (candidates only).
 *   ETAT (mise_a_disposition, failure counted): E1 T2 PLAI QPV 1960 let (priority household);
 *       E2 T3 PLUS 1980 sans candidat.
 *   BAILLEUR: B1 T1 PLUS 2020 let.
 *   X1, X2 T3 PLUS: excluded (mutation interne, relogement ANRU).
 */
function scenarioConnu(): Scenario {
  const u = (
    id: string,
    typologie: 'T1' | 'T2' | 'T3' | 'T4',
    financement: 'PLAI' | 'PLUS' | 'PLS',
    construction: number,
    qpv: string | null,
    commune: string = COMMUNES[0],
  ) => logement(id, { typologie, financement, construction, qpv, commune });
  const logements = [
    u('A1', 'T2', 'PLAI', 1960, 'QN04500A'),
    u('A2', 'T3', 'PLUS', 1960, null, COMMUNES[1]),
    u('A3', 'T3', 'PLUS', 2010, null, COMMUNES[1]),
    u('A4', 'T4', 'PLS', 2010, null),
    u('E1', 'T2', 'PLAI', 1960, 'QN04500A'),
    u('E2', 'T3', 'PLUS', 1980, null, COMMUNES[2]),
    u('B1', 'T1', 'PLUS', 2020, null),
    u('X1', 'T3', 'PLUS', 1960, null),
    u('X2', 'T3', 'PLUS', 1960, null),
  ];
  const cible: Record<string, string> = {
    A1: 'AL',
    A2: 'AL',
    A3: 'AL',
    A4: 'AL',
    E1: 'ETAT',
    E2: 'ETAT',
    B1: 'BAILLEUR',
  };
  const evenements: Evenement[] = [
    liberation(jour(0), 'X1', { exclusion: 'mutation_interne' }),
    liberation(jour(0), 'X2', { exclusion: 'relogement_anru' }),
    ...Object.entries(cible).flatMap(([id, r], i) => [
      liberation(jour(i + 1), id),
      orientationForcee(jour(i + 1), id, r),
    ]),
    ...locationComplete(20, 'A1', { menage: menage({ quartile1: true }) }),
    ...locationComplete(20, 'A2'),
    candidats(jour(20), 'A3'),
    decisionCal(jour(21), 'A3', 'non_attribution'),
    refus(jour(22), 'A3'),
    candidats(jour(20), 'A4'),
    ...locationComplete(30, 'E1', { menage: menage({ prioritaire: true }) }),
    sansCandidat(jour(60), 'E2'),
    ...locationComplete(40, 'B1'),
  ];
  return unScenario({
    logements,
    conventions: [
      convention('CV-AL', 'AL', 0.25, { decompte: 'bail_signe', echecDecompte: false }),
      convention('CV-ETAT', 'ETAT', 0.3, { decompte: 'mise_a_disposition', echecDecompte: true }),
    ],
    evenements,
  });
}

describe('bilan annuel (R.441-5-1)', () => {
  it('compte un scénario connu à l’unité dans chaque dimension', () => {
    const b = bilanDe(scenarioConnu());
    expect(b.flux).toMatchObject({ disponibles: 9, fluxAnnuel: 7 });
    expect(b.exclusions).toEqual([
      { motif: 'mutation_interne', libelle: expect.any(String), logements: 1 },
      { motif: 'relogement_anru', libelle: expect.any(String), logements: 1 },
    ]);
    expect(b.relogements.categories.filter((c) => c.liberes > 0)).toEqual([
      { motif: 'mutation_interne', libelle: 'mutation interne', liberes: 1, bauxSignes: 0, enCours: 1 },
      { motif: 'relogement_anru', libelle: 'relogement ANRU/NPNRU', liberes: 1, bauxSignes: 0, enCours: 1 },
    ]);
    expect(b.relogements.volumePru).toBeNull();

    const al = b.lignes.find((l) => l.ligne === 'AL')!;
    expect(al).toMatchObject({
      misADisposition: 4,
      proposes: 4,
      attribues: 2,
      bauxSignes: 2,
      echecs: 1,
      pourUnTour: 0,
      decomptes: 2,
      enCours: 1,
    });
    expect(al.droit).toBeCloseTo(0.25 * 7, 6);
    expect(al.solde).toBeCloseTo(2 - 1.75, 6);
    const etat = b.lignes.find((l) => l.ligne === 'ETAT')!;
    expect(etat).toMatchObject({
      misADisposition: 2,
      proposes: 1,
      attribues: 1,
      bauxSignes: 1,
      echecs: 1,
      decomptes: 2,
      enCours: 0,
    });
    const bailleur = b.lignes.find((l) => l.ligne === 'BAILLEUR')!;
    expect(bailleur).toMatchObject({ misADisposition: 1, bauxSignes: 1, pourUnTour: 1, decomptes: 2 });

    const typo = b.dimensions.typologie;
    expect(typo.valeurs).toEqual(['T1', 'T2', 'T3', 'T4']);
    expect(typo.parLigne.AL).toEqual({
      T2: {
        misADisposition: 1,
        proposes: 1,
        attribues: 1,
        bauxSignes: 1,
        echecs: 0,
        pourUnTour: 0,
        decomptes: 1,
        enCours: 0,
      },
      T3: {
        misADisposition: 2,
        proposes: 2,
        attribues: 1,
        bauxSignes: 1,
        echecs: 1,
        pourUnTour: 0,
        decomptes: 1,
        enCours: 0,
      },
      T4: {
        misADisposition: 1,
        proposes: 1,
        attribues: 0,
        bauxSignes: 0,
        echecs: 0,
        pourUnTour: 0,
        decomptes: 0,
        enCours: 1,
      },
    });
    // The unit AL's candidate refused is let by the bailleur for one letting: on its line, as T3.
    expect(typo.parLigne.BAILLEUR!.T3).toMatchObject({ misADisposition: 0, pourUnTour: 1, decomptes: 1 });
    expect(typo.flux).toEqual({ T1: 1, T2: 2, T3: 3, T4: 1 });

    expect(b.dimensions.financement.parLigne.ETAT).toMatchObject({
      PLAI: { bauxSignes: 1 },
      PLUS: { echecs: 1, decomptes: 1 },
    });
    expect(b.dimensions.qpv.parLigne.AL).toMatchObject({
      qpv: { misADisposition: 1 },
      hors_qpv: { misADisposition: 3 },
    });
    expect(b.dimensions.qpv.libelles).toEqual({ hors_qpv: 'Hors QPV', qpv: 'En QPV' });
    expect(b.dimensions.commune.parLigne.AL).toMatchObject({
      [COMMUNES[0]]: { misADisposition: 2 },
      [COMMUNES[1]]: { misADisposition: 2 },
    });
    expect(b.dimensions.commune.parLigne.ETAT![COMMUNES[2]]).toMatchObject({ echecs: 1 });
    expect(b.dimensions.periode.valeurs).toEqual(['1949-1974', '1975-1989', '2005-2014', 'depuis-2015']);
    expect(b.dimensions.periode.parLigne.AL).toMatchObject({
      '1949-1974': { bauxSignes: 2 },
      '2005-2014': { echecs: 1, enCours: 1 },
    });

    expect(b.detail).toHaveLength(9);
    expect(b.detail.find((d) => d.logement === 'A3')).toMatchObject({
      ligne: 'AL',
      statut: 'echec',
      pourUnTour: true,
      decompte: false,
      decision: 'non_attribution',
    });
    expect(b.detail.find((d) => d.logement === 'X2')).toMatchObject({
      ligne: null,
      statut: 'exclue',
      exclusion: 'relogement_anru',
    });
    expect(b.detail.find((d) => d.logement === 'A1')).toMatchObject({
      statut: 'bail_signe',
      quartile1: true,
      dateFin: expect.any(String),
    });
    expect(b.objectifs.prioritaires.ETAT).toMatchObject({ numerateur: 1, denominateur: 1 });
    verifierSommes(b);
  });

  it('ne donne à un réservataire que sa ligne et ses logements', () => {
    const b = bilanDuReservataire(bilanDe(scenarioConnu()), 'AL');
    expect(b.lignes.map((l) => l.ligne)).toEqual(['AL']);
    for (const dim of DIMENSIONS_BILAN) expect(Object.keys(b.dimensions[dim].parLigne)).toEqual(['AL']);
    expect(b.detail.map((d) => d.logement).sort()).toEqual(['A1', 'A2', 'A3', 'A4']);
    expect(Object.keys(b.objectifs.prioritaires)).toEqual(['AL']);
    expect(b.dimensions.typologie.valeurs).toEqual(['T2', 'T3', 'T4']);
  });

  it('Σ des valeurs de chaque dimension = ligne du moteur, sur les exemples publiés', () => {
    for (const f of ['exemple-commune.json', 'exemple-reglementaire.json']) {
      const s = lireScenario(readFileSync(new URL(`../../examples/${f}`, import.meta.url), 'utf8'));
      const b = bilanDe(s);
      expect(b.detail.length, f).toBe(s.evenements.filter((e) => e.type === 'liberation').length);
      verifierSommes(b);
    }
  });

  it('l’option detail ne change rien au reste de la sortie du moteur', () => {
    const s = JSON.parse(
      readFileSync(new URL('../../examples/exemple-commune.json', import.meta.url), 'utf8'),
    ) as Scenario;
    const { detail, ...reste } = simuler(s, { detail: true });
    expect(detail).toBeDefined();
    expect(JSON.stringify(reste)).toBe(JSON.stringify(simuler(s)));
    expect('detail' in simuler(s)).toBe(false);
  });

  it('Σ des valeurs = ligne du moteur, sur des années tirées au hasard', () => {
    const arb = fc.array(fc.record({ ...LOCATION_ALEATOIRE, construction: fc.integer({ min: 1930, max: 2024 }) }), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        arb,
        fc.boolean(),
        fc.constantFrom('mise_a_disposition' as const, 'attribution' as const, 'bail_signe' as const),
        (us, echecDecompte, decompte) => {
          const logements = us.map((u, i) =>
            logement(`U${i}`, {
              typologie: u.typologie,
              financement: u.financement,
              qpv: u.qpv ? 'QN04500A' : null,
              commune: u.commune,
              construction: u.construction,
            }),
          );
          const evenements = us.flatMap((u, i) =>
            evenementsDeLocation(`U${i}`, u, { liberation: jour(i % 100), suite: jour(200 + (i % 100)) }),
          );
          const s = unScenario({
            logements,
            conventions: [
              convention('CV-AL', 'AL', 0.25, { decompte, echecDecompte }),
              convention('CV-ETAT', 'ETAT', 0.3, { decompte, echecDecompte: !echecDecompte }),
            ],
            evenements,
          });
          verifierSommes(bilanDe(s));
        },
      ),
      { numRuns: 200 },
    );
  });
});
