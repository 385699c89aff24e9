/**
 * Issuing the bilan and the year lock (issue 7 items 2–3), pure: when a bilan may be issued, the
 * state of a year for writes, the correction window's rules, the reminder stages, and the
 * difference between two versions — exactly the figures a late correction changed.
 */
import { describe, expect, it } from 'vitest';
import { bilanAnnuel, bilanDuReservataire, COMPTEURS, type BilanAnnuel } from '../../src/domain/bilan.ts';
import {
  differenceBilans,
  differencePourReservataire,
  etapeRappel,
  etatAnnee,
  FENETRE_MAX_JOURS,
  peutEmettre,
  refusEcriture,
  validerFenetre,
} from '../../src/domain/emission-bilan.ts';
import { simuler } from '../../src/domain/engine.ts';
import type { Evenement, Scenario } from '../../src/domain/types.ts';
import {
  convention,
  jour,
  liberation,
  locationComplete,
  logement,
  orientationForcee,
  unScenario,
} from '../helpers/scenario.ts';

function bilanDe(s: Scenario): BilanAnnuel {
  return bilanAnnuel(s, simuler(s, { detail: true }));
}

/** Four units: A1, A2 oriented to AL and let; E1 to ETAT and let; B1 on the bailleur's line. */
function scenario(orientations: Record<string, string>): Scenario {
  const logements = [
    logement('A1', { typologie: 'T2', financement: 'PLAI' }),
    logement('A2', { typologie: 'T3', financement: 'PLUS' }),
    logement('E1', { typologie: 'T3', financement: 'PLUS' }),
    logement('B1', { typologie: 'T4', financement: 'PLS' }),
  ];
  const evenements: Evenement[] = [
    ...Object.entries(orientations).flatMap(([id, r], i) => [
      liberation(jour(i + 1), id),
      orientationForcee(jour(i + 1), id, r),
    ]),
    ...Object.keys(orientations).flatMap((id, i) => locationComplete(20 + i, id)),
  ];
  return unScenario({
    logements,
    conventions: [
      convention('CV-AL', 'AL', 0.25, { decompte: 'bail_signe' }),
      convention('CV-ETAT', 'ETAT', 0.3, { decompte: 'bail_signe' }),
    ],
    evenements,
  });
}

const AVANT = { A1: 'AL', A2: 'AL', E1: 'ETAT', B1: 'BAILLEUR' };
/** The late correction: A2 was the State's, not Action Logement's. */
const APRES = { A1: 'AL', A2: 'ETAT', E1: 'ETAT', B1: 'BAILLEUR' };

describe('émission du bilan et verrou de l’année', () => {
  it('s’émet une fois l’année terminée, pas avant', () => {
    expect(peutEmettre(2026, '2026-12-31')).toBe(false);
    expect(peutEmettre(2026, '2027-01-01')).toBe(true);
  });

  it('une année émise est verrouillée ; en fenêtre de correction, une écriture doit porter un motif', () => {
    const emise = { version: 1, emisLe: '2027-01-15T10:00:00.000Z' };
    expect(etatAnnee(null, [], '2027-01-20')).toEqual({ etat: 'ouverte' });
    expect(refusEcriture(etatAnnee(null, [], '2027-01-20'), 2026, undefined)).toBeNull();

    const verrouillee = etatAnnee(emise, [], '2027-01-20');
    expect(verrouillee.etat).toBe('verrouillee');
    const refus = refusEcriture(verrouillee, 2026, 'motif fourni');
    expect(refus?.type).toBe('verrouillee');
    expect(refus?.message).toContain('l’année 2026 est verrouillée');
    expect(refus?.message).toContain('version 1');

    const fenetre = { id: 'f1', motif: 'Erreur de saisie de l’orientation', fin: '2027-02-10', clotureeLe: null };
    const correction = etatAnnee(emise, [fenetre], '2027-01-20');
    expect(correction.etat).toBe('correction');
    expect(refusEcriture(correction, 2026, undefined)?.type).toBe('motif_requis');
    expect(refusEcriture(correction, 2026, '  ')?.type).toBe('motif_requis');
    expect(refusEcriture(correction, 2026, 'réorientation vers l’État')).toBeNull();

    // The window's end or its closing relocks.
    expect(etatAnnee(emise, [fenetre], '2027-02-10').etat).toBe('correction');
    expect(etatAnnee(emise, [fenetre], '2027-02-11').etat).toBe('verrouillee');
    expect(etatAnnee(emise, [{ ...fenetre, clotureeLe: '2027-01-21T08:00:00.000Z' }], '2027-01-21').etat).toBe(
      'verrouillee',
    );
  });

  it('une fenêtre de correction : motif d’au moins 10 caractères, fin entre aujourd’hui et 30 jours', () => {
    expect(validerFenetre({ motif: 'Erreur de saisie', fin: '2027-02-14' }, '2027-01-15')).toEqual([]);
    expect(validerFenetre({ motif: 'court', fin: '2027-01-20' }, '2027-01-15').map((p) => p.chemin)).toEqual(['motif']);
    const tard = validerFenetre({ motif: 'Erreur de saisie', fin: '2027-02-15' }, '2027-01-15');
    expect(tard).toEqual([{ chemin: 'fin', message: expect.stringContaining(`${FENETRE_MAX_JOURS} jours`) }]);
    expect(validerFenetre({ motif: 'Erreur de saisie', fin: '2027-01-14' }, '2027-01-15').map((p) => p.chemin)).toEqual(
      ['fin'],
    );
  });

  it('rappel : à partir du 1er février, puis du 21 février, jusqu’à la fin de février', () => {
    expect(etapeRappel('2027-01-31')).toBeNull();
    expect(etapeRappel('2027-02-01')).toEqual({ annee: 2026, etape: 'premier' });
    expect(etapeRappel('2027-02-20')).toEqual({ annee: 2026, etape: 'premier' });
    expect(etapeRappel('2027-02-21')).toEqual({ annee: 2026, etape: 'second' });
    expect(etapeRappel('2028-02-29')).toEqual({ annee: 2027, etape: 'second' });
    expect(etapeRappel('2027-03-01')).toBeNull();
  });
});

describe('ce qui a changé entre deux versions', () => {
  const avant = bilanDe(scenario(AVANT));
  const apres = bilanDe(scenario(APRES));

  it('deux bilans identiques : aucune différence', () => {
    const d = differenceBilans(avant, bilanDe(scenario(AVANT)));
    expect(d).toEqual({ identique: true, lignes: [], dimensions: [], flux: [], logements: [] });
  });

  it('une réorientation : exactement les chiffres qui changent, avant → après', () => {
    const d = differenceBilans(avant, apres);
    expect(d.identique).toBe(false);
    // Every changed counter of every line is listed, with the figures of each bilan; nothing else.
    const attendus = [];
    for (const la of avant.lignes) {
      const lp = apres.lignes.find((l) => l.ligne === la.ligne)!;
      for (const c of COMPTEURS)
        if (la[c] !== lp[c]) attendus.push({ ligne: la.ligne, compteur: c, avant: la[c], apres: lp[c] });
    }
    expect(attendus.length).toBeGreaterThan(0);
    expect(
      d.lignes
        .filter((c) => (COMPTEURS as readonly string[]).includes(c.compteur))
        .map(({ ligne, compteur, avant, apres }) => ({ ligne, compteur, avant, apres })),
    ).toEqual(attendus);
    const al = d.lignes.filter((c) => c.ligne === 'AL' && c.compteur === 'bauxSignes');
    expect(al).toEqual([{ ligne: 'AL', nom: expect.any(String), compteur: 'bauxSignes', avant: 2, apres: 1 }]);
    expect(d.lignes.some((c) => c.ligne === 'BAILLEUR')).toBe(false);

    // By dimension: A2 is a T3 PLUS; AL loses it in T3 and ETAT gains it; T2 is untouched.
    const typo = d.dimensions.filter((c) => c.dimension === 'typologie' && c.compteur === 'misADisposition');
    expect(typo.map(({ ligne, valeur, avant, apres }) => ({ ligne, valeur, avant, apres }))).toEqual([
      { ligne: 'AL', valeur: 'T3', avant: 1, apres: 0 },
      { ligne: 'ETAT', valeur: 'T3', avant: 1, apres: 2 },
    ]);
    expect(d.dimensions.some((c) => c.valeur === 'T2' || c.valeur === 'T4')).toBe(false);
    // The flow is the same; one letting changed line.
    expect(d.flux).toEqual([]);
    expect(d.logements).toEqual([{ logement: 'A2', date: jour(2), champ: 'ligne', avant: 'AL', apres: 'ETAT' }]);
  });

  it('un réservataire ne voit que les changements de sa ligne et de ses logements', () => {
    const d = differenceBilans(avant, apres);
    const etat = differencePourReservataire(
      d,
      'ETAT',
      new Set(bilanDuReservataire(apres, 'ETAT').detail.map((x) => x.logement)),
    );
    expect(etat.lignes.length).toBeGreaterThan(0);
    expect(etat.lignes.every((c) => c.ligne === 'ETAT')).toBe(true);
    expect(etat.dimensions.every((c) => c.ligne === 'ETAT')).toBe(true);
    expect(etat.logements.map((c) => c.logement)).toEqual(['A2']);
    const autre = differencePourReservataire(d, 'AUTRE', new Set());
    expect(autre.lignes).toEqual([]);
    expect(autre.logements).toEqual([]);
  });
});
