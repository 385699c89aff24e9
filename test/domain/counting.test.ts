/**
 * Counting rules per convention (rules.md §2 and §5): what each ledger line counts, by counting
 * rule (`decompte`) and by whether a failure consumes the right (`echecDecompte`), the balance and
 * its carry-over, the unit owed after a failure that does not count, and pooled orientations.
 */
import { describe, expect, it } from 'vitest';
import { simuler, type LigneBilan } from '../../src/domain/engine.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import type { Convention, RegleDecompte, Scenario } from '../../src/domain/types.ts';
import {
  bailSigne,
  candidats,
  convention,
  decisionCal,
  jour,
  liberation,
  locationComplete,
  logements,
  orientationForcee,
  orientationMultiple,
  refus,
  reservataire,
  sansCandidat,
  unScenario,
} from '../helpers/scenario.ts';

function ligne(bilan: LigneBilan[], id: string): LigneBilan {
  const l = bilan.find((x) => x.reservataire === id);
  if (!l) throw new Error(`no ledger line ${id}`);
  return l;
}

/**
 * Twelve units: A1…A6 forced onto AL, B1…B6 onto the bailleur's own share. AL's six lettings:
 *   A1 candidates, attribution, lease           (proposed, allocated, let)
 *   A2 candidates, attribution                  (proposed, allocated, still in progress)
 *   A3 candidates, non-attribution, refus       (proposed, failure)
 *   A4 sans_candidat                            (failure, never proposed)
 *   A5 nothing                                  (made available, in progress)
 *   A6 candidates, refus                        (proposed, failure)
 * AL: taux 25 % of 12 + report 0.5 → droit 3.5.
 */
function scenarioAL(regle: Partial<Convention>): Scenario {
  const ls = [...logements('A', 6), ...logements('B', 6)];
  return unScenario({
    logements: ls,
    conventions: [convention('CV-AL', 'AL', 0.25, { report: 0.5, ...regle })],
    evenements: [
      ...ls.flatMap((l, i) => [
        liberation(jour(i), l.id),
        orientationForcee(jour(i), l.id, l.id.startsWith('A') ? 'AL' : 'BAILLEUR'),
      ]),
      ...locationComplete(20, 'A1'),
      candidats(jour(20), 'A2'),
      decisionCal(jour(21), 'A2', 'attribution_condition_suspensive'),
      candidats(jour(20), 'A3'),
      decisionCal(jour(21), 'A3', 'non_attribution'),
      refus(jour(22), 'A3'),
      sansCandidat(jour(50), 'A4'),
      candidats(jour(20), 'A6'),
      refus(jour(30), 'A6'),
    ],
  });
}

// decomptes of AL: which of its six lettings count, per rule.
//   mise_a_disposition: all made available; attribution: A1, A2; bail_signe: A1. Failures (A3,
//   A4, A6) count on top when echecDecompte is true.
const DECOMPTES: { decompte: RegleDecompte; echecDecompte: boolean; decomptes: number }[] = [
  { decompte: 'mise_a_disposition', echecDecompte: true, decomptes: 6 },
  { decompte: 'mise_a_disposition', echecDecompte: false, decomptes: 3 },
  { decompte: 'attribution', echecDecompte: true, decomptes: 5 },
  { decompte: 'attribution', echecDecompte: false, decomptes: 2 },
  { decompte: 'bail_signe', echecDecompte: true, decomptes: 4 },
  { decompte: 'bail_signe', echecDecompte: false, decomptes: 1 },
];

describe('ledger of a convention by counting rule', () => {
  it.each(DECOMPTES)(
    'décompte « $decompte », échec décompté : $echecDecompte → $decomptes décomptés',
    ({ decompte, echecDecompte, decomptes }) => {
      const r = simuler(scenarioAL({ decompte, echecDecompte }));
      expect(r.flux.fluxAnnuel).toBe(12);
      const al = ligne(r.bilan, 'AL');
      expect(al).toEqual({
        reservataire: 'AL',
        taux: 0.25,
        droit: 3.5,
        // The counters follow the lettings whatever the rule: the rule only decides `decomptes`.
        misADisposition: 6,
        proposes: 4,
        attribues: 2,
        bauxSignes: 1,
        echecs: 3,
        pourUnTour: 0,
        decomptes,
        solde: decomptes - 3.5,
        reportAnneeSuivante: decomptes - 3.5,
        enCours: 2,
      });
      // A failure that does not consume the right is let by the bailleur "pour un tour" and counts
      // for its own share; otherwise the bailleur counts only what it holds.
      const bailleur = ligne(r.bilan, 'BAILLEUR');
      const pourUnTour = echecDecompte ? 0 : 3;
      expect(bailleur).toMatchObject({
        droit: 8.5, // 75 % of 12 minus AL's carry-over
        misADisposition: 6,
        pourUnTour,
        decomptes: 6 + pourUnTour,
        solde: 6 + pourUnTour - 8.5,
        enCours: 6,
      });
    },
  );

  it('the ledger lines’ made-available units add up to the flow', () => {
    const r = simuler(scenarioAL({}));
    expect(r.bilan.reduce((s, l) => s + l.misADisposition, 0)).toBe(r.flux.fluxAnnuel);
  });
});

describe('carry-over to next year (regleReport)', () => {
  it('default « integral »: the whole balance', () => {
    const r = simuler(scenarioAL({ decompte: 'bail_signe', echecDecompte: false }));
    expect(ligne(r.bilan, 'AL')).toMatchObject({ solde: -2.5, reportAnneeSuivante: -2.5 });
  });

  it('« aucun »: nothing is carried over', () => {
    const r = simuler(scenarioAL({ decompte: 'bail_signe', echecDecompte: false, regleReport: 'aucun' }));
    expect(ligne(r.bilan, 'AL')).toMatchObject({ solde: -2.5, reportAnneeSuivante: 0 });
  });

  it.each([
    { plafond: 1, decompte: 'bail_signe' as const, solde: -2.5, report: -1 },
    { plafond: 1, decompte: 'mise_a_disposition' as const, solde: 2.5, report: 1 },
    { plafond: 3, decompte: 'bail_signe' as const, solde: -2.5, report: -2.5 },
    { plafond: 0, decompte: 'bail_signe' as const, solde: -2.5, report: 0 },
  ])('{ plafond: $plafond } clamps a balance of $solde to $report', ({ plafond, decompte, solde, report }) => {
    const r = simuler(
      scenarioAL({ decompte, echecDecompte: decompte === 'mise_a_disposition', regleReport: { plafond } }),
    );
    const al = ligne(r.bilan, 'AL');
    expect(al.solde).toBe(solde);
    expect(al.reportAnneeSuivante + 0).toBe(report); // + 0: a clamp at 0 may yield -0, printed as 0
  });

  it('a fractional balance is kept exactly, never rounded (0.3 × 7 = 2.1)', () => {
    const ls = logements('L', 7);
    const r = simuler(
      unScenario({
        logements: ls,
        conventions: [convention('CV-ETAT', 'ETAT', 0.3)],
        evenements: ls.map((l, i) => liberation(jour(i), l.id)),
      }),
    );
    const etat = ligne(r.bilan, 'ETAT');
    expect(etat.droit).toBe(2.1);
    expect(etat.decomptes).toBe(2);
    // Exactly -0.1, where floating point would give 2 - 2.1 = -0.10000000000000009.
    expect(etat.solde).toBe(-0.1);
    expect(etat.reportAnneeSuivante).toBe(-0.1);
  });
});

describe('a failure that does not consume the right: the réservataire is owed the next unit', () => {
  // AL 25 %, identical units. The quota rule orients L1 → BAILLEUR, L2 → BAILLEUR, L3 → AL,
  // L4 → BAILLEUR. L3 then finds no candidate. L5: if the failure counted, AL (1 held, 1.25 owed)
  // is not behind enough and L5 goes to the bailleur; if not, AL holds 0 of 1.25 and gets L5.
  function apresEchec(echecDecompte: boolean) {
    const ls = logements('L', 5);
    return simuler(
      unScenario({
        logements: ls,
        conventions: [convention('CV-AL', 'AL', 0.25, { echecDecompte })],
        evenements: [
          liberation(jour(0), 'L1'),
          liberation(jour(1), 'L2'),
          liberation(jour(2), 'L3'),
          liberation(jour(3), 'L4'),
          sansCandidat(jour(40), 'L3'),
          liberation(jour(41), 'L5'),
        ],
      }),
    );
  }

  it('the quota rule gives L3 to AL (set-up check)', () => {
    expect(apresEchec(true).orientations.map((o) => o.reservataire)).toEqual([
      'BAILLEUR',
      'BAILLEUR',
      'AL',
      'BAILLEUR',
      'BAILLEUR',
    ]);
  });

  it('echecDecompte: false → the next ordinary liberation goes to AL', () => {
    const r = apresEchec(false);
    const l5 = r.orientations.find((o) => o.logement === 'L5')!;
    expect(l5.reservataire).toBe('AL');
    expect(l5.forcee).toBe(false);
    expect(l5.explication.candidats.find((c) => c.reservataire === 'AL')).toMatchObject({
      oriente: 0,
      droitExact: 1.25,
      retenu: true,
    });
    expect(ligne(r.bilan, 'BAILLEUR').pourUnTour).toBe(1);
    expect(ligne(r.bilan, 'AL')).toMatchObject({ misADisposition: 2, echecs: 1, decomptes: 1 });
  });

  it('echecDecompte: true → the failure consumed the right, the next liberation goes elsewhere', () => {
    const r = apresEchec(true);
    expect(r.orientations.find((o) => o.logement === 'L5')!.reservataire).toBe('BAILLEUR');
    expect(ligne(r.bilan, 'BAILLEUR').pourUnTour).toBe(0);
    expect(ligne(r.bilan, 'AL')).toMatchObject({ misADisposition: 1, echecs: 1, decomptes: 1 });
  });
});

describe('pooled orientation (orientation_multiple)', () => {
  const ls = logements('L', 2);
  function pool(bail: ReturnType<typeof bailSigne>[], extra: Partial<Scenario> = {}): Scenario {
    return unScenario({
      logements: ls,
      conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
      evenements: [
        liberation(jour(0), 'L1'),
        orientationMultiple(jour(0), 'L1', ['AL', 'ETAT'], 'CAL commune'),
        candidats(jour(5), 'L1'),
        decisionCal(jour(10), 'L1'),
        ...bail,
      ],
      ...extra,
    });
  }

  it('before the lease, the unit is held provisionally by the most urgent pool member', () => {
    const r = simuler(pool([]));
    const o = r.orientations[0]!;
    expect(o).toMatchObject({ reservataire: 'ETAT', forcee: true, pool: ['AL', 'ETAT'] });
    expect(ligne(r.bilan, 'ETAT')).toMatchObject({ misADisposition: 1, attribues: 1, enCours: 1 });
  });

  it.each(['AL', 'ETAT'])('it counts for the réservataire named on bail_signe (%s)', (qui) => {
    const r = simuler(pool([bailSigne(jour(15), 'L1', { reservataire: qui })]));
    expect(r.orientations[0]!.reservataire).toBe(qui);
    expect(r.orientations[0]!.motif).toContain(`bail signé par un candidat de ${qui}`);
    const autre = qui === 'AL' ? 'ETAT' : 'AL';
    expect(ligne(r.bilan, qui)).toMatchObject({
      misADisposition: 1,
      proposes: 1,
      attribues: 1,
      bauxSignes: 1,
      decomptes: 1,
    });
    expect(ligne(r.bilan, autre)).toMatchObject({ misADisposition: 0, bauxSignes: 0, decomptes: 0 });
    expect(r.ecarts.typologie[qui]).toHaveProperty('T3.nombre', 1);
    expect(r.ecarts.typologie[autre]?.['T3']?.nombre ?? 0).toBe(0);
  });

  function erreurs(s: Scenario) {
    try {
      simuler(s);
    } catch (e) {
      expect(e).toBeInstanceOf(DonneesInvalides);
      return (e as DonneesInvalides).problemes;
    }
    throw new Error('accepted');
  }

  it('a lease of a pooled unit without `reservataire` is an error at evenements[i]', () => {
    const p = erreurs(pool([bailSigne(jour(15), 'L1')]));
    expect(p).toHaveLength(1);
    expect(p[0]!.chemin).toBe('evenements[4]');
    expect(p[0]!.message).toContain('« reservataire »');
  });

  it('a lease naming a réservataire outside the pool is an error', () => {
    const p = erreurs(
      pool([bailSigne(jour(15), 'L1', { reservataire: 'DEP' })], {
        reservataires: [
          reservataire('ETAT', 'etat'),
          reservataire('AL', 'action_logement'),
          reservataire('DEP', 'departement'),
        ],
        conventions: [
          convention('CV-ETAT', 'ETAT', 0.3),
          convention('CV-AL', 'AL', 0.25),
          convention('CV-DEP', 'DEP', 0.05),
        ],
      }),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[4]']);
    expect(p[0]!.message).toContain('DEP');
  });

  it('a lease naming another réservataire than the holder of a unit not pooled is an error', () => {
    const s = unScenario({
      logements: ls,
      conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
      evenements: [
        liberation(jour(0), 'L1'),
        orientationForcee(jour(0), 'L1', 'AL'),
        ...locationComplete(1, 'L1', { reservataire: 'ETAT' }),
      ],
    });
    expect(erreurs(s).map((x) => x.chemin)).toEqual(['evenements[4]']);
  });
});
