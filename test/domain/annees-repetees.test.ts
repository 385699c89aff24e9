/**
 * `preparerAnnees` (the engine made ready for many years of one stock, issue 18 item 6) gives each
 * year's ledger, flow and orientations as `simuler` does; `OptionsMoteur.explications` false
 * changes no choice, only the words.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/domain/aleatoire.ts';
import { preparerAnnees, simuler } from '../../src/domain/engine.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { evenementsCompacts } from '../../src/domain/annee-compacte.ts';
import { preparerTirage, preparerTirageCompact } from '../../src/domain/planification.ts';
import { plansDeReference } from '../helpers/planification-references.ts';

const plans = await plansDeReference();

describe('preparerAnnees — plusieurs années d’un même parc', () => {
  it('chaque année : le bilan, le flux et les orientations de simuler, avec ou sans plan suivi', () => {
    for (const nom of ['synthetique-40-graine-2026.json', 'synthetique-moteur-plan-15-graine-9.json']) {
      const { scenario, hypotheses, moteur } = plans[nom]!;
      const annee = preparerAnnees(scenario, moteur);
      const tirer = preparerTirage(scenario, hypotheses);
      const rng = new Rng(11);
      for (let i = 0; i < 8; i++) {
        const evenements = tirer(rng);
        const attendu = simuler({ ...scenario, evenements }, moteur);
        const r = annee(evenements);
        expect(r.bilan).toEqual(attendu.bilan);
        expect(r.flux).toEqual(attendu.flux);
        expect(r.orientations.map((o) => [o.logement, o.date, o.reservataire])).toEqual(
          attendu.orientations.map((o) => [o.logement, o.date, o.reservataire]),
        );
        // The engine's own orientations carry no words; a unit out of the flow keeps its short motive.
        const orientees = r.orientations.filter((o) => o.reservataire !== null);
        expect(orientees.length).toBeGreaterThan(0);
        expect(orientees.every((o) => o.motif === '' && o.explication.candidats.length === 0)).toBe(true);
        expect(attendu.orientations.some((o) => o.explication.candidats.length > 0)).toBe(true);
      }
    }
  });

  it('une année tirée en nombres (compacte) : le bilan, le flux et les orientations de ses événements', () => {
    for (const nom of ['synthetique-40-graine-2026.json', 'synthetique-moteur-plan-15-graine-9.json']) {
      const { scenario, hypotheses, moteur } = plans[nom]!;
      const annee = preparerAnnees(scenario, moteur);
      const compacte = preparerTirageCompact(scenario, hypotheses);
      const tirer = preparerTirage(scenario, hypotheses);
      const a = new Rng(4);
      const b = new Rng(4);
      for (let i = 0; i < 8; i++) {
        const c = compacte(a);
        const evenements = evenementsCompacts(c);
        // The same events as the draw builds, in the same order.
        expect(evenements).toEqual(tirer(b));
        expect(c.n).toBeGreaterThan(0);
        const attendu = annee(evenements);
        const r = annee.compacte(c);
        expect(r.bilan).toEqual(attendu.bilan);
        expect(r.flux).toEqual(attendu.flux);
        expect(r.orientations).toEqual(attendu.orientations);
      }
    }
  });

  it('sans explications, simuler choisit les mêmes lignes', () => {
    const { scenario, hypotheses } = plans['synthetique-40-graine-2026.json']!;
    const evenements = preparerTirage(scenario, hypotheses)(new Rng(3));
    const avec = simuler({ ...scenario, evenements });
    const sans = simuler({ ...scenario, evenements }, { explications: false });
    expect(sans.bilan).toEqual(avec.bilan);
    expect(sans.ecarts).toEqual(avec.ecarts);
    expect(sans.orientations.map((o) => o.reservataire)).toEqual(avec.orientations.map((o) => o.reservataire));
  });

  it('le scénario est vérifié une fois, à la préparation', () => {
    const { scenario } = plans['synthetique-40-graine-2026.json']!;
    expect(() => preparerAnnees({ ...scenario, conventions: [{ ...scenario.conventions[0]!, taux: 2 }] })).toThrow(
      DonneesInvalides,
    );
  });
});
