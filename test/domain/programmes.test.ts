/**
 * New programmes and their first lettings (ADR 0035; issue 14, « programmes et premières mises en
 * location »): the rights a réservataire negotiated at the financing (Action Logement « au moment du
 * financement ») take the programme's first lettings in order, counted on its line; then the
 * programme joins the flow.
 */
import { describe, expect, it } from 'vitest';
import { simuler } from '../../src/domain/engine.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import type { Programme, Scenario } from '../../src/domain/types.ts';
import { convention, jour, liberation, logements, orientationForcee, unScenario } from '../helpers/scenario.ts';

const programme = (overrides: Partial<Programme> = {}): Programme => ({
  id: 'P1',
  nom: 'Les Jardins',
  financement: { decision: 'décision de financement n° 2023-45', date: '2023-05-12' },
  logements: ['N1', 'N2', 'N3', 'N4'],
  droits: [{ reservataire: 'AL', logements: 2 }],
  ...overrides,
});

const scenario = (p: Programme, extra: Partial<Scenario> = {}): Scenario =>
  unScenario({
    logements: logements('N', 4),
    conventions: [convention('CV-ETAT', 'ETAT', 0.3), convention('CV-AL', 'AL', 0.1)],
    programmes: [p],
    evenements: ['N1', 'N2', 'N3', 'N4'].map((id, i) => liberation(jour(i), id, { premiereMiseEnLocation: true })),
    ...extra,
  });

describe('programmes — les droits négociés au financement', () => {
  it('les premières mises en location vont aux droits du programme, puis au flux', () => {
    const r = simuler(scenario(programme()));
    expect(r.orientations.map((o) => o.reservataire).slice(0, 2)).toEqual(['AL', 'AL']);
    expect(r.orientations[0]!.motif).toContain('programme Les Jardins');
    expect(r.orientations[0]!.motif).toContain('logement 1 sur 2');
    expect(r.orientations[0]!.forcee).toBe(false);
    expect(r.orientations[0]!.explication.candidats.find((c) => c.retenu)!.reservataire).toBe('AL');
    // The third and fourth follow the quota rule: the State, owed 0.9 then 1.2, goes first.
    expect(r.orientations[2]!.motif).toMatch(/^Droit le plus pressant/);
    // In the flow, counted on AL's line.
    expect(r.flux.premieresMisesEnLocation).toBe(4);
    expect(r.bilan.find((l) => l.reservataire === 'AL')!.misADisposition).toBe(2);
  });

  it('une orientation décidée par le bailleur l’emporte et ne consomme pas le droit du programme', () => {
    const s = scenario(programme(), {
      evenements: [
        liberation(jour(0), 'N1', { premiereMiseEnLocation: true }),
        orientationForcee(jour(0), 'N1', 'ETAT'),
        ...['N2', 'N3', 'N4'].map((id, i) => liberation(jour(i + 1), id, { premiereMiseEnLocation: true })),
      ],
    });
    const r = simuler(s);
    expect(r.orientations.map((o) => o.reservataire).slice(0, 3)).toEqual(['ETAT', 'AL', 'AL']);
  });

  it('une remise en location (pas une première) suit le flux', () => {
    const s = scenario(programme(), {
      evenements: ['N1', 'N2'].map((id, i) => liberation(jour(i), id)),
    });
    expect(simuler(s).orientations.every((o) => !o.motif.includes('programme'))).toBe(true);
  });

  it('des droits sans convention, ou plus de droits que de logements → erreurs nommées', () => {
    const s = scenario(
      programme({
        droits: [
          { reservataire: 'C1', logements: 1 },
          { reservataire: 'AL', logements: 4 },
        ],
      }),
    );
    let problemes: { chemin: string }[] = [];
    try {
      simuler(s);
    } catch (e) {
      expect(e).toBeInstanceOf(DonneesInvalides);
      problemes = (e as DonneesInvalides).problemes;
    }
    expect(problemes.map((p) => p.chemin)).toEqual(['programmes[0].droits[0].reservataire', 'programmes[0].droits']);
  });
});
