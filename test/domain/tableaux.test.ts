/**
 * The dashboards' figures (issue 7 item 4): the ledger over the months ends, in December, on the
 * engine's year-end entitlement and counted units of every line — on the published examples and
 * on random years — never goes down, and counts each letting at the date of its convention's rule;
 * the mix received and the flow's mix; the deadlines missed; a territory's lettings.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lireScenario } from '../../src/app/scenario.ts';
import { simuler } from '../../src/domain/engine.ts';
import { comparerMix, registreMensuel, sommerLignes, tableauBailleur, territoire } from '../../src/domain/tableaux.ts';
import { BAILLEUR, type Scenario } from '../../src/domain/types.ts';
import {
  bailSigne,
  candidats,
  COMMUNES,
  convention,
  decisionCal,
  evenementsDeLocation,
  jour,
  liberation,
  LOCATION_ALEATOIRE,
  logement,
  orientationForcee,
  refus,
  sansCandidat,
  unScenario,
} from '../helpers/scenario.ts';

/** December = the engine's year end, every point's count and entitlement never decrease (but for the bailleur's carry-over). */
function verifierRegistre(s: Scenario): void {
  const r = simuler(s, { detail: true });
  const registre = registreMensuel(s, r);
  expect(registre.map((l) => l.ligne)).toEqual(r.bilan.map((b) => b.reservataire));
  for (const l of registre) {
    const b = r.bilan.find((x) => x.reservataire === l.ligne)!;
    expect(l.points).toHaveLength(12);
    expect(l.points[11], l.ligne).toEqual({ mois: 12, droit: b.droit, decomptes: b.decomptes });
    for (let m = 1; m < 12; m++) {
      // A failure that hands a counted unit back lowers the count; never below zero.
      expect(l.points[m]!.decomptes).toBeGreaterThanOrEqual(0);
      expect(l.points[m]!.droit).toBeGreaterThanOrEqual(l.points[m - 1]!.droit - 1e-9);
    }
    // The sans-candidat lettings of the line, by month, sum to the engine's.
    const manques = r.detail!.filter((d) => d.ligne === l.ligne && d.echec && !d.propose).length;
    expect(l.sansCandidat.reduce((a, b2) => a + b2, 0)).toBe(manques);
  }
}

describe('tableaux de bord : le registre mois par mois', () => {
  for (const fichier of ['exemple-reglementaire.json', 'exemple-commune.json', 'loiret-2019.json']) {
    it(`décembre = fin d’année du moteur, ligne par ligne (${fichier})`, () => {
      const s = lireScenario(readFileSync(new URL(`../../examples/${fichier}`, import.meta.url), 'utf8'));
      verifierRegistre(s);
    });
  }

  it('chaque location compte à la date de la règle de sa convention', () => {
    // AL counts at the lease, ETAT at the CAL's decision, COM at the orientation.
    const s = unScenario({
      reservataires: [
        ...unScenario().reservataires,
        { id: 'COM', type: 'commune', nom: 'Commune', commune: COMMUNES[0] },
      ],
      logements: [logement('A'), logement('E'), logement('C'), logement('R')],
      conventions: [
        convention('CV-AL', 'AL', 0.2, { decompte: 'bail_signe', echecDecompte: false }),
        convention('CV-ETAT', 'ETAT', 0.25, { decompte: 'attribution', report: 1.5 }),
        convention('CV-COM', 'COM', 0.1, { perimetre: { communes: [COMMUNES[0]] } }),
      ],
      evenements: [
        liberation('2025-01-10', 'A'),
        orientationForcee('2025-01-10', 'A', 'AL'),
        liberation('2025-02-03', 'E'),
        orientationForcee('2025-02-03', 'E', 'ETAT'),
        liberation('2025-03-05', 'C'),
        orientationForcee('2025-03-05', 'C', 'COM'),
        liberation('2025-03-06', 'R'),
        orientationForcee('2025-03-06', 'R', 'AL'),
        candidats('2025-04-01', 'E'),
        decisionCal('2025-05-15', 'E'),
        bailSigne('2025-07-01', 'E'),
        candidats('2025-04-01', 'A'),
        decisionCal('2025-06-10', 'A'),
        bailSigne('2025-09-20', 'A'),
        candidats('2025-04-01', 'R'),
        refus('2025-10-02', 'R'),
      ],
    });
    const r = simuler(s, { detail: true });
    const reg = new Map(registreMensuel(s, r).map((l) => [l.ligne, l]));
    const compte = (ligne: string) => reg.get(ligne)!.points.map((p) => p.decomptes);
    //                         J  F  M  A  M  J  J  A  S  O  N  D
    expect(compte('AL')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    expect(compte('ETAT')).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(compte('COM')).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // R failed, not counted for AL: let by the bailleur « pour un tour », counted on its line in October.
    expect(compte(BAILLEUR)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    // Entitlements: the State's carry-over from January, then 0.25 per flow unit in the month it is liberated.
    expect(
      reg
        .get('ETAT')!
        .points.map((p) => p.droit)
        .slice(0, 4),
    ).toEqual([1.75, 2, 2.5, 2.5]);
    // The bailleur's line starts at minus the others' carry-over.
    expect(reg.get(BAILLEUR)!.points[0]!.droit).toBe(-1.5 + 0.45);
    for (const b of r.bilan)
      expect(reg.get(b.reservataire)!.points[11]).toEqual({ mois: 12, droit: b.droit, decomptes: b.decomptes });
  });

  it('un logement rendu pour un tour compte pour le réservataire jusqu’à l’échec, puis pour le bailleur', () => {
    // AL counts at the orientation and a failure does not consume its right: counted from March to
    // the failure in June, then on the bailleur's line.
    const s = unScenario({
      logements: [logement('X')],
      conventions: [convention('CV-AL', 'AL', 0.5, { decompte: 'mise_a_disposition', echecDecompte: false })],
      evenements: [
        liberation('2025-03-05', 'X'),
        orientationForcee('2025-03-05', 'X', 'AL'),
        sansCandidat('2025-06-12', 'X'),
      ],
    });
    const r = simuler(s, { detail: true });
    const reg = new Map(registreMensuel(s, r).map((l) => [l.ligne, l]));
    //                                                     J  F  M  A  M  J  J  A  S  O  N  D
    expect(reg.get('AL')!.points.map((p) => p.decomptes)).toEqual([0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(reg.get(BAILLEUR)!.points.map((p) => p.decomptes)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    verifierRegistre(s);
  });

  it('décembre = fin d’année du moteur, sur des années tirées au hasard', () => {
    const arb = fc.array(
      fc.record({
        ...LOCATION_ALEATOIRE,
        jour: fc.integer({ min: 0, max: 236 }),
        delai: fc.integer({ min: 0, max: 64 }),
      }),
      { minLength: 1, maxLength: 40 },
    );
    const regle = fc.constantFrom('mise_a_disposition' as const, 'attribution' as const, 'bail_signe' as const);
    fc.assert(
      fc.property(
        arb,
        fc.boolean(),
        regle,
        regle,
        fc.integer({ min: -3, max: 3 }),
        (us, echecDecompte, rAl, rEtat, report) => {
          const logements = us.map((u, i) =>
            logement(`U${i}`, {
              typologie: u.typologie,
              financement: u.financement,
              qpv: u.qpv ? 'QN04500A' : null,
              commune: u.commune,
            }),
          );
          const evenements = us.flatMap((u, i) =>
            evenementsDeLocation(`U${i}`, u, {
              liberation: jour(u.jour),
              suite: jour(u.jour + u.delai),
              fin: jour(u.jour + 2 * u.delai),
            }),
          );
          evenements.sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
          const s = unScenario({
            logements,
            conventions: [
              convention('CV-AL', 'AL', 0.25, { decompte: rAl, echecDecompte, report: report / 2 }),
              convention('CV-ETAT', 'ETAT', 0.3, { decompte: rEtat, echecDecompte: !echecDecompte }),
            ],
            evenements,
          });
          verifierRegistre(s);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('tableaux de bord : mix, sommes, territoire', () => {
  const s = lireScenario(readFileSync(new URL('../../examples/exemple-reglementaire.json', import.meta.url), 'utf8'));
  const r = simuler(s, { detail: true });
  const t = tableauBailleur(s, r);

  it('le mix reçu de chaque ligne compte ses logements, le mix du flux compte le flux', () => {
    for (const l of t.lignes) {
      const b = r.bilan.find((x) => x.reservataire === l.ligne)!;
      for (const dim of ['typologie', 'financement', 'qpv'] as const) {
        expect(
          Object.values(l.recus[dim]).reduce((a, n) => a + n, 0),
          `${l.ligne} ${dim}`,
        ).toBe(b.misADisposition);
        expect(Object.values(t.flux[dim]).reduce((a, n) => a + n, 0)).toBe(r.flux.fluxAnnuel);
      }
      for (const d of comparerMix(l.recus, t.flux)) {
        const parts = d.valeurs.reduce((a, v) => a + v.partFlux, 0);
        expect(parts).toBeCloseTo(1, 5);
        if (b.misADisposition > 0) expect(d.valeurs.reduce((a, v) => a + v.partRecue, 0)).toBeCloseTo(1, 5);
      }
    }
  });

  it('la somme de lignes est la somme, mois par mois, au millionième', () => {
    const somme = sommerLignes('TOUT', 'Toutes', t.lignes);
    expect(somme.decomptes).toBe(r.bilan.reduce((a, b) => a + b.decomptes, 0));
    // Σ of the entitlements of every line (the bailleur's included) = the flow: carry-overs cancel out.
    expect(somme.droit).toBeCloseTo(r.flux.fluxAnnuel, 6);
    expect(somme.points[11]!.droit).toBe(somme.droit);
    expect(somme.taux).toBeNull();
  });

  it('le territoire compte les locations de ses logements seulement', () => {
    const communes = new Set(s.logements.slice(0, Math.ceil(s.logements.length / 2)).map((l) => l.commune));
    const dans = (l: { commune: string }) => communes.has(l.commune);
    const ter = territoire(s, r, dans);
    const attendus = r.detail!.filter((d) => d.ligne !== null && dans(s.logements.find((l) => l.id === d.logement)!));
    expect(ter.mois.reduce((a, m) => a + m.flux, 0)).toBe(attendus.length);
    expect(ter.mois.reduce((a, m) => a + m.baux, 0)).toBe(attendus.filter((d) => d.bail).length);
    expect(Object.values(ter.parLigne).reduce((a, n) => a + n, 0)).toBe(attendus.length);
    const tout = territoire(s, r, () => true);
    expect(tout.mois.reduce((a, m) => a + m.flux, 0)).toBe(r.flux.fluxAnnuel);
  });
});
