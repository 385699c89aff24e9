/**
 * The lifecycle of one letting: the transition table itself (every state × transition pair), then
 * the same rules as the engine applies them to a scenario's events.
 */
import { describe, expect, it } from 'vitest';
import { simuler } from '../../src/domain/engine.ts';
import { DonneesInvalides, TransitionImpossible } from '../../src/domain/errors.ts';
import {
  ETATS_FINAUX,
  ETATS_LOCATION,
  TRANSITIONS,
  peutTransiter,
  transiter,
  type EtatLocation,
  type Transition,
} from '../../src/domain/lifecycle.ts';
import type { Evenement, Scenario } from '../../src/domain/types.ts';
import {
  bailSigne,
  candidats,
  convention,
  decisionCal,
  jour,
  liberation,
  logement,
  orientationForcee,
  orientationMultiple,
  refus,
  sansCandidat,
  unScenario,
} from '../helpers/scenario.ts';

/**
 * The expected table, written out by hand from the diagram in lifecycle.ts (not derived from
 * TRANSITIONS, so that a change to the table shows up here): state → transition → next state.
 */
const ATTENDU: Record<EtatLocation, Partial<Record<Transition, EtatLocation>>> = {
  liberee: { exclure: 'exclue', orienter: 'orientee' },
  exclue: { proposer_candidats: 'candidats' },
  orientee: { reorienter: 'orientee', proposer_candidats: 'candidats', constater_sans_candidat: 'sans_candidat' },
  candidats: { decider: 'decision_cal', refuser: 'refus' },
  decision_cal: { signer_bail: 'bail_signe', refuser: 'refus', proposer_candidats: 'candidats' },
  bail_signe: {},
  refus: {},
  sans_candidat: {},
};

const TOUTES_TRANSITIONS = Object.keys(TRANSITIONS) as Transition[];
const PAIRES = ETATS_LOCATION.flatMap((etat) =>
  TOUTES_TRANSITIONS.map((transition) => ({ etat, transition, vers: ATTENDU[etat][transition] })),
);

describe('transition table of a letting', () => {
  it('covers the 8 states and 8 transitions of the diagram', () => {
    expect([...ETATS_LOCATION].sort()).toEqual(Object.keys(ATTENDU).sort());
    expect(TOUTES_TRANSITIONS.sort()).toEqual(
      [
        'constater_sans_candidat',
        'decider',
        'exclure',
        'orienter',
        'proposer_candidats',
        'refuser',
        'reorienter',
        'signer_bail',
      ].sort(),
    );
  });

  it.each(PAIRES.filter((p) => p.vers !== undefined))('$etat —$transition→ $vers', ({ etat, transition, vers }) => {
    expect(peutTransiter(etat, transition)).toBe(true);
    expect(transiter(etat, transition)).toBe(vers);
  });

  it.each(PAIRES.filter((p) => p.vers === undefined))('$etat —$transition→ impossible', ({ etat, transition }) => {
    expect(peutTransiter(etat, transition)).toBe(false);
    let erreur: unknown;
    try {
      transiter(etat, transition, 'L42');
    } catch (e) {
      erreur = e;
    }
    expect(erreur).toBeInstanceOf(TransitionImpossible);
    const t = erreur as TransitionImpossible;
    expect(t.etat).toBe(etat);
    expect(t.transition).toBe(transition);
    expect(t.logement).toBe('L42');
    expect(t.code).toBe('TRANSITION_IMPOSSIBLE');
    expect(t.message).toContain(etat);
    expect(t.message).toContain(transition);
    expect(t.message).toContain('L42');
  });

  it('final states have no way out, every other state has one', () => {
    for (const etat of ETATS_LOCATION) {
      const sorties = TOUTES_TRANSITIONS.filter((t) => peutTransiter(etat, t));
      expect(sorties.length === 0, etat).toBe(ETATS_FINAUX.has(etat));
    }
  });
});

// ───────────────────────────── through the engine ─────────────────────────────

/** One AL convention on three plain units; the events are the test's. */
function scenario(evenements: Evenement[], overrides: Partial<Scenario> = {}): Scenario {
  return unScenario({
    logements: [logement('L1'), logement('L2'), logement('L3')],
    conventions: [convention('CV-AL', 'AL', 0.25)],
    evenements,
    ...overrides,
  });
}

function problemes(s: Scenario): { chemin: string; message: string }[] {
  try {
    simuler(s);
  } catch (e) {
    expect(e).toBeInstanceOf(DonneesInvalides);
    return (e as DonneesInvalides).problemes;
  }
  throw new Error('simuler() accepted the scenario');
}

describe('the engine applies the lifecycle to the events', () => {
  it('a complete letting is accepted: liberation, candidates, CAL decision, lease', () => {
    const r = simuler(
      scenario([
        liberation(jour(0), 'L1'),
        candidats(jour(1), 'L1'),
        decisionCal(jour(2), 'L1'),
        bailSigne(jour(3), 'L1'),
      ]),
    );
    expect(r.orientations).toHaveLength(1);
    expect(r.bilan.reduce((s, l) => s + l.bauxSignes, 0)).toBe(1);
  });

  it('a second round of candidates after a negative CAL decision is allowed', () => {
    const r = simuler(
      scenario([
        liberation(jour(0), 'L1'),
        candidats(jour(1), 'L1'),
        decisionCal(jour(2), 'L1', 'non_attribution'),
        candidats(jour(3), 'L1'),
        decisionCal(jour(4), 'L1', 'attribution_rang'),
        bailSigne(jour(5), 'L1'),
      ]),
    );
    expect(r.bilan.reduce((s, l) => s + l.bauxSignes, 0)).toBe(1);
  });

  it('bail_signe before any decision_cal → DonneesInvalides at evenements[i]', () => {
    const p = problemes(scenario([liberation(jour(0), 'L1'), candidats(jour(1), 'L1'), bailSigne(jour(2), 'L1')]));
    expect(p).toHaveLength(1);
    expect(p[0]!.chemin).toBe('evenements[2]');
    expect(p[0]!.message).toContain('signer_bail');
    expect(p[0]!.message).toContain('candidats');
  });

  it('bail_signe right after the orientation (no candidates) → error at evenements[i]', () => {
    const p = problemes(scenario([liberation(jour(0), 'L1'), bailSigne(jour(2), 'L1')]));
    expect(p.map((x) => x.chemin)).toEqual(['evenements[1]']);
    expect(p[0]!.message).toContain('orientee');
  });

  it('bail_signe after a negative CAL decision → error naming the missing attribution', () => {
    const p = problemes(
      scenario([
        liberation(jour(0), 'L1'),
        candidats(jour(1), 'L1'),
        decisionCal(jour(2), 'L1', 'irrecevabilite'),
        bailSigne(jour(3), 'L1'),
      ]),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[3]']);
    expect(p[0]!.message).toMatch(/sans décision d’attribution/);
  });

  it('the path is the index in the file, not in date order', () => {
    // The lease is listed first in the file but dated last.
    const p = problemes(scenario([bailSigne(jour(5), 'L1'), liberation(jour(0), 'L1'), candidats(jour(1), 'L1')]));
    expect(p.map((x) => x.chemin)).toEqual(['evenements[0]']);
  });

  it('an event on a unit that was never vacated → error (no letting in progress)', () => {
    const p = problemes(scenario([candidats(jour(1), 'L2')]));
    expect(p.map((x) => x.chemin)).toEqual(['evenements[0]']);
    expect(p[0]!.message).toMatch(/aucune location en cours pour le logement L2/);
  });

  it('a letting outside the flow lives its life: candidates, CAL, lease, on no ledger line (CCH R.441-5 I)', () => {
    const r = simuler(
      scenario([
        liberation(jour(0), 'L1', { exclusion: 'mutation_interne' }),
        candidats(jour(1), 'L1'),
        decisionCal(jour(2), 'L1'),
        bailSigne(jour(3), 'L1'),
      ]),
    );
    expect(r.orientations[0]!.reservataire).toBeNull();
    expect(r.relogements.mutation_interne).toEqual({ liberes: 1, bauxSignes: 1, enCours: 0 });
    expect(r.bilan.every((l) => l.misADisposition === 0 && l.bauxSignes === 0)).toBe(true);
  });

  it('a lease outside the flow naming a réservataire → error (it counts for none)', () => {
    const p = problemes(
      scenario([
        liberation(jour(0), 'L1', { exclusion: 'relogement_anru' }),
        candidats(jour(1), 'L1'),
        decisionCal(jour(2), 'L1'),
        bailSigne(jour(3), 'L1', { reservataire: 'AL' }),
      ]),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[3]']);
    expect(p[0]!.message).toMatch(/hors du flux/);
  });

  it('a lease outside the flow without a CAL decision → error (same lifecycle)', () => {
    const p = problemes(
      scenario([liberation(jour(0), 'L1', { exclusion: 'mutation_interne' }), bailSigne(jour(3), 'L1')]),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[1]']);
  });

  it('a hors-flux (défense) unit gets candidates too, and counts on no line', () => {
    const r = simuler(
      scenario([liberation(jour(0), 'L1'), candidats(jour(1), 'L1')], {
        logements: [logement('L1', { horsFlux: 'defense' })],
      }),
    );
    expect(r.bilan.every((l) => l.misADisposition === 0)).toBe(true);
  });

  it('a new notice ends a letting outside the flow that never got a candidate (first-edition files)', () => {
    const r = simuler(
      scenario([liberation(jour(0), 'L1', { exclusion: 'mutation_interne' }), liberation(jour(5), 'L1')]),
    );
    expect(r.flux.fluxAnnuel).toBe(1);
    expect(r.relogements.mutation_interne).toEqual({ liberes: 1, bauxSignes: 0, enCours: 0 });
  });

  it('a second liberation of a unit still being let → error naming the first one', () => {
    const p = problemes(scenario([liberation(jour(0), 'L1'), candidats(jour(1), 'L1'), liberation(jour(2), 'L1')]));
    expect(p.map((x) => x.chemin)).toEqual(['evenements[2]']);
    expect(p[0]!.message).toContain('déjà en cours de location');
    expect(p[0]!.message).toContain(jour(0));
  });

  it('a unit may be vacated again once its letting has ended (lease, refusal or no candidate)', () => {
    const r = simuler(
      scenario([
        liberation(jour(0), 'L1'),
        sansCandidat(jour(30), 'L1'),
        liberation(jour(31), 'L1'),
        candidats(jour(32), 'L1'),
        refus(jour(33), 'L1'),
        liberation(jour(34), 'L1'),
        candidats(jour(35), 'L1'),
        decisionCal(jour(36), 'L1'),
        bailSigne(jour(37), 'L1'),
        liberation(jour(200), 'L1'),
      ]),
    );
    expect(r.flux.fluxAnnuel).toBe(4);
    expect(r.orientations).toHaveLength(4);
  });

  it('events after a final state are refused (refus, then candidats)', () => {
    const p = problemes(
      scenario([liberation(jour(0), 'L1'), candidats(jour(1), 'L1'), refus(jour(2), 'L1'), candidats(jour(3), 'L1')]),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[3]']);
  });

  it('sans_candidat once candidates were proposed → TransitionImpossible at evenements[i]', () => {
    const p = problemes(scenario([liberation(jour(0), 'L1'), candidats(jour(1), 'L1'), sansCandidat(jour(2), 'L1')]));
    expect(p.map((x) => x.chemin)).toEqual(['evenements[2]']);
    expect(p[0]!.message).toContain('constater_sans_candidat');
  });

  it('orientation_forcee once candidates were proposed → error (a unit is re-oriented only before candidates)', () => {
    const p = problemes(
      scenario([liberation(jour(0), 'L1'), candidats(jour(1), 'L1'), orientationForcee(jour(2), 'L1', 'AL')]),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[2]']);
    expect(p[0]!.message).toMatch(/transition impossible .*« candidats »/);
  });

  it('orientation_forcee on a later date re-orients an automatically oriented unit', () => {
    const r = simuler(scenario([liberation(jour(0), 'L1'), orientationForcee(jour(3), 'L1', 'BAILLEUR', 'urgence')]));
    expect(r.orientations).toHaveLength(1);
    expect(r.orientations[0]).toMatchObject({ logement: 'L1', reservataire: 'BAILLEUR', forcee: true, date: jour(0) });
  });

  it('a liberation followed by an orientation_forcee on the same date is not oriented by the engine', () => {
    const r = simuler(
      scenario([liberation(jour(0), 'L1'), orientationForcee(jour(0), 'L1', 'AL', 'choix du bailleur')]),
    );
    expect(r.orientations).toHaveLength(1);
    const o = r.orientations[0]!;
    expect(o).toMatchObject({ reservataire: 'AL', forcee: true });
    expect(o.motif).toContain('choix du bailleur');
    // The engine's own recommendation is still shown next to the person's choice.
    expect(o.recommandation).not.toBeUndefined();
  });

  it('a liberation never oriented because the orientation_forcee announced on the same date is listed before it → errors', () => {
    // Same date, the forced orientation first in the file: it finds no letting, and the
    // liberation, left for a manual orientation, never gets one.
    const p = problemes(scenario([orientationForcee(jour(0), 'L1', 'AL'), liberation(jour(0), 'L1')]));
    expect(p).toEqual([
      { chemin: 'evenements[0]', message: expect.stringMatching(/aucune location en cours/) },
      { chemin: 'evenements', message: expect.stringMatching(/L1 libéré le 2025-01-01 n’a jamais été orienté/) },
    ]);
  });

  it('orientation_multiple on an excluded unit → error (an excluded unit cannot be put back in the flow)', () => {
    const p = problemes(
      scenario(
        [
          liberation(jour(0), 'L1', { exclusion: 'relogement_vente' }),
          orientationMultiple(jour(0), 'L1', ['AL', 'ETAT']),
        ],
        {
          conventions: [convention('CV-AL', 'AL', 0.25), convention('CV-ETAT', 'ETAT', 0.3)],
        },
      ),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[1]']);
    expect(p[0]!.message).toMatch(/hors du flux/);
  });

  it('every problem is reported at once, not only the first', () => {
    const p = problemes(
      scenario([
        liberation(jour(0), 'L1'),
        bailSigne(jour(1), 'L1'),
        candidats(jour(2), 'L2'),
        liberation(jour(3), 'L3'),
        liberation(jour(4), 'L3'),
      ]),
    );
    expect(p.map((x) => x.chemin)).toEqual(['evenements[1]', 'evenements[2]', 'evenements[4]']);
  });
});
