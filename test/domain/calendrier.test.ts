/**
 * The calendar of a letting (ADR 0026), pure: the dates an officer enters (never in the future,
 * never before what they follow, a lease never before the departure), and the engine's one rule on
 * the departure carried by the liberation (`depart`): the CAL may decide during the notice, the
 * lease waits for the departure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateCourte } from '../../src/domain/calendrier.ts';
import { simuler } from '../../src/domain/engine.ts';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { verifierDateSaisie } from '../../src/domain/lifecycle.ts';
import type { Evenement } from '../../src/domain/types.ts';
import { bailSigne, candidats, convention, decisionCal, jour, logement, unScenario } from '../helpers/scenario.ts';

describe('dates saisies par les agents', () => {
  const suit = [
    { libelle: 'la proposition des candidats', date: '2026-11-10' },
    { libelle: 'la décision de la CAL', date: '2026-11-25' },
  ];
  it('aujourd’hui, après ce qu’elle suit : aucune objection', () => {
    expect(verifierDateSaisie({ quoi: 'le bail', date: '2026-12-07', aujourdhui: '2026-12-07', suit })).toEqual([]);
    expect(verifierDateSaisie({ quoi: 'le bail', date: '2026-11-25', aujourdhui: '2026-12-07', suit })).toEqual([]);
  });
  it('dans le futur : refusée, avec la date limite', () => {
    expect(verifierDateSaisie({ quoi: 'le bail', date: '2026-12-08', aujourdhui: '2026-12-07' })).toEqual([
      {
        chemin: 'date',
        message:
          'le bail : le 08/12/2026 est dans le futur ; indiquez la date où c’est arrivé, le 07/12/2026 au plus tard',
      },
    ]);
  });
  it('avant l’étape la plus récente qu’elle suit : refusée, en nommant cette étape', () => {
    const p = verifierDateSaisie({ quoi: 'le bail', date: '2026-11-20', aujourdhui: '2026-12-07', suit });
    expect(p.map((x) => x.message)).toEqual([
      'le bail ne peut précéder la décision de la CAL du 25/11/2026 : choisissez le 25/11/2026 ou une date postérieure',
    ]);
  });
  it('un bail avant le départ du locataire : refusé', () => {
    const p = verifierDateSaisie({
      quoi: 'le bail',
      date: '2026-11-30',
      aujourdhui: '2026-12-07',
      depart: '2026-12-01',
    });
    expect(p[0]!.message).toBe(
      'le bail ne peut être signé avant le départ du locataire, le 01/12/2026 : enregistrez-le à cette date ou après',
    );
  });
  it('propriété : acceptée si et seulement si ni future, ni avant ce qu’elle suit, ni avant le départ', () => {
    const jourIso = fc.integer({ min: 0, max: 364 }).map(jour);
    fc.assert(
      fc.property(jourIso, jourIso, fc.array(jourIso, { maxLength: 4 }), fc.option(jourIso), (d, auj, avant, dep) => {
        const p = verifierDateSaisie({
          quoi: 'le bail',
          date: d,
          aujourdhui: auj,
          suit: avant.map((date) => ({ libelle: 'x', date })),
          depart: dep,
        });
        const ok = d <= auj && avant.every((a) => a <= d) && (dep === null || dep <= d);
        expect(p.length === 0).toBe(ok);
        for (const x of p) expect(x.message).toMatch(/\d{2}\/\d{2}\/\d{4}/);
      }),
    );
  });
  it('dates à la française', () => {
    expect(dateCourte('2026-12-07')).toBe('07/12/2026');
  });
});

describe('le départ porté par la libération (moteur)', () => {
  const scenario = (evenements: Evenement[]) =>
    unScenario({
      logements: [logement('L1')],
      conventions: [convention('CV1', 'ETAT', 0.25)],
      evenements,
    });
  const preavis: Evenement = { date: jour(10), type: 'liberation', logement: 'L1', depart: jour(40) };

  it('candidats et CAL pendant le préavis, bail au départ : la location se termine', () => {
    const r = simuler(
      scenario([preavis, candidats(jour(15), 'L1'), decisionCal(jour(25), 'L1'), bailSigne(jour(40), 'L1')]),
      { detail: true },
    );
    expect(r.detail![0]).toMatchObject({ date: jour(10), bail: true, dates: { decision: jour(25), fin: jour(40) } });
    // The notice places the letting in the flow.
    expect(r.flux.fluxAnnuel).toBe(1);
  });

  it('un bail avant le départ est refusé', () => {
    expect(() =>
      simuler(scenario([preavis, candidats(jour(15), 'L1'), decisionCal(jour(25), 'L1'), bailSigne(jour(39), 'L1')])),
    ).toThrow(/avant le départ du locataire/);
  });

  it('un départ avant le préavis est une donnée invalide', () => {
    try {
      simuler(scenario([{ ...preavis, depart: jour(9) }]));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DonneesInvalides);
      expect((e as DonneesInvalides).problemes[0]).toMatchObject({ chemin: 'evenements[0].depart' });
    }
  });

  it('sans départ, rien ne change : même résultat qu’avant', () => {
    const sans: Evenement = { date: jour(10), type: 'liberation', logement: 'L1' };
    const evts = [candidats(jour(15), 'L1'), decisionCal(jour(25), 'L1'), bailSigne(jour(26), 'L1')];
    expect(simuler(scenario([sans, ...evts]))).toEqual(simuler(scenario([{ ...sans, depart: jour(10) }, ...evts])));
  });
});
