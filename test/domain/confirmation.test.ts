/**
 * A confirmed recommendation is pinned (ADR 0018): `orientation_forcee` with `confirmee`, dated on
 * the liberation. Confirming the engine's own choice changes no figure; a liberation recorded later
 * but dated before it does not move the confirmed unit, while an unconfirmed one may move.
 */
import { describe, expect, it } from 'vitest';
import { simuler } from '../../src/domain/engine.ts';
import type { Evenement, Scenario } from '../../src/domain/types.ts';
import { convention, jour, liberation, logements, unScenario } from '../helpers/scenario.ts';

function annee(evenements: Evenement[]): Scenario {
  return unScenario({
    logements: logements('L', 30),
    conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.25)],
    evenements,
  });
}

const confirmer = (date: string, logement: string, reservataire: string): Evenement => ({
  date,
  type: 'orientation_forcee',
  logement,
  reservataire,
  motif: 'recommandation du moteur confirmée par le bailleur',
  confirmee: true,
});

describe('orientation confirmée (épinglée)', () => {
  it('confirmer le choix du moteur ne change aucun chiffre ; l’orientation reste celle du moteur', () => {
    const evs = Array.from({ length: 20 }, (_, i) => liberation(jour(10 + i), `L${i + 1}`));
    const avant = simuler(annee(evs));
    const pins = avant.orientations.map((o) => confirmer(o.date, o.logement, o.reservataire!));
    const apres = simuler(annee([...evs, ...pins]));
    expect(apres.bilan).toEqual(avant.bilan);
    expect(apres.orientations.map((o) => [o.logement, o.reservataire, o.forcee])).toEqual(
      avant.orientations.map((o) => [o.logement, o.reservataire, false]),
    );
    expect(apres.orientations.every((o) => o.motif.endsWith('recommandation confirmée par le bailleur'))).toBe(true);
  });

  it('une libération antérieure enregistrée après coup ne déplace pas les logements confirmés', () => {
    const evs = Array.from({ length: 20 }, (_, i) => liberation(jour(10 + i), `L${i + 1}`));
    const avant = simuler(annee(evs));
    // Ten earlier notices recorded afterwards: without pins, some of the twenty move.
    const tardives = Array.from({ length: 10 }, (_, i) => liberation(jour(1 + i), `L${21 + i}`));
    const sansPin = simuler(annee([...evs, ...tardives]));
    const ligne = (r: typeof avant, l: string) => r.orientations.find((o) => o.logement === l)!.reservataire;
    const bouges = evs.filter((e) => ligne(sansPin, e.logement) !== ligne(avant, e.logement));
    expect(bouges.length, 'sans confirmation, des orientations bougent').toBeGreaterThan(0);
    const pins = avant.orientations.map((o) => confirmer(o.date, o.logement, o.reservataire!));
    const avecPin = simuler(annee([...evs, ...pins, ...tardives]));
    for (const e of evs) expect(ligne(avecPin, e.logement), e.logement).toBe(ligne(avant, e.logement));
    // One the engine would now orient elsewhere says so, with the engine's choice of the moment.
    const retenues = avecPin.orientations.filter((x) =>
      x.motif.startsWith('Recommandation du moteur confirmée par le bailleur pour '),
    );
    expect(retenues.length).toBeGreaterThan(0);
    for (const o of retenues) {
      expect(o.forcee).toBe(false);
      expect(o.recommandation).not.toBeUndefined();
      expect(o.explication.candidats.find((c) => c.retenu)?.reservataire).toBe(o.reservataire);
    }
    // Σ made available is still the flow: nothing counted twice.
    expect(avecPin.bilan.reduce((n, l) => n + l.misADisposition, 0)).toBe(avecPin.flux.fluxAnnuel);
  });
});
