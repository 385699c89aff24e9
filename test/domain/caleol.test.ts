import { describe, expect, it } from 'vitest';
import {
  ajouterAns,
  dernierAnniversaire,
  enZone,
  evaluerOccupation,
  menagesAExaminer,
  prochainAnniversaire,
  suiviPossible,
  surfaceMinimale,
  type OccupationCaleol,
  type PeriodeZone,
} from '../../src/domain/caleol.ts';

const D = '2026-12-07';
const base: OccupationCaleol = {
  id: 'o1',
  commune: '45234',
  dateBail: '2020-03-15',
  personnes: 2,
  pieces: 3,
  surface: 50,
  ressources: 20_000,
  plafond: 30_000,
  handicap: false,
  logementAdapte: false,
};
const cas = (o: Partial<OccupationCaleol>) => evaluerOccupation({ ...base, ...o }, D).cas.map((c) => c.cas);
const zones: PeriodeZone[] = [{ commune: '45234', du: '2019-01-01', au: null }];

describe('CALEOL — the five cases of L.442-5-2 on their boundaries', () => {
  it('a household with none of the situations has no case', () => {
    expect(evaluerOccupation(base, D)).toEqual({ cas: [], manquants: [] });
  });

  it('sur-occupation: strictly below 9 m² / 16 m² + 9 m² per further person, capped at 70 m²', () => {
    expect([1, 2, 3, 4, 7, 8, 9, 12].map((p) => surfaceMinimale(p, D))).toEqual([9, 16, 25, 34, 61, 70, 70, 70]);
    expect(cas({ personnes: 1, pieces: 1, surface: 9 })).toEqual([]);
    expect(cas({ personnes: 1, pieces: 1, surface: 8.99 })).toEqual(['sur_occupation']);
    expect(cas({ personnes: 4, pieces: 4, surface: 34 })).toEqual([]);
    expect(cas({ personnes: 4, pieces: 4, surface: 33.5 })).toEqual(['sur_occupation']);
    expect(cas({ personnes: 10, pieces: 6, surface: 70 })).toEqual([]);
    expect(cas({ personnes: 10, pieces: 6, surface: 69 })).toEqual(['sur_occupation']);
    expect(evaluerOccupation({ ...base, personnes: 4, pieces: 4, surface: 33.5 }, D).cas[0]!.motif).toBe(
      '33,5 m² pour 4 personnes : moins que les 34 m² requis',
    );
  });

  it('sous-occupation: rooms more than persons + 1 (a T3 for two is not, a T4 is)', () => {
    expect(cas({ personnes: 2, pieces: 3 })).toEqual([]);
    expect(cas({ personnes: 2, pieces: 4 })).toEqual(['sous_occupation']);
    expect(cas({ personnes: 1, pieces: 2, surface: 40 })).toEqual([]);
    expect(cas({ personnes: 1, pieces: 3, surface: 60 })).toEqual(['sous_occupation']);
  });

  it('adapted unit no longer needed, and disability needing an adapted unit', () => {
    expect(cas({ logementAdapte: true, handicap: true })).toEqual([]);
    expect(cas({ logementAdapte: true, handicap: false })).toEqual(['adapte_quitte']);
    expect(cas({ logementAdapte: false, handicap: true })).toEqual(['handicap_non_adapte']);
    // Unknown data never makes a case, and is said.
    const ev = evaluerOccupation({ ...base, logementAdapte: true, handicap: null }, D);
    expect(ev.cas).toEqual([]);
    expect(ev.manquants).toEqual(['handicap ou perte d’autonomie non renseigné']);
  });

  it('resources above the ceiling: strictly above', () => {
    expect(cas({ ressources: 30_000, plafond: 30_000 })).toEqual([]);
    expect(cas({ ressources: 30_001, plafond: 30_000 })).toEqual(['depassement_plafond']);
    expect(
      evaluerOccupation({ ...base, ressources: 45_000, plafond: 30_000 }, D).cas[0]!.motif.replace(/\u202f/g, ' '),
    ).toBe('ressources 45 000 € au-dessus du plafond de 30 000 € (150 %)');
    expect(evaluerOccupation({ ...base, ressources: null }, D).manquants).toEqual(['ressources ou plafond inconnus']);
  });

  it('several cases at once', () => {
    expect(cas({ personnes: 1, pieces: 4, surface: 80, ressources: 40_000, logementAdapte: true })).toEqual([
      'sous_occupation',
      'adapte_quitte',
      'depassement_plafond',
    ]);
  });
});

describe('CALEOL — the three-year anniversary', () => {
  it('every three years from the lease, the lease day itself excluded', () => {
    expect(dernierAnniversaire('2020-03-15', '2023-03-14')).toBeNull();
    expect(dernierAnniversaire('2020-03-15', '2023-03-15')).toBe('2023-03-15');
    expect(dernierAnniversaire('2020-03-15', '2026-03-14')).toBe('2023-03-15');
    expect(dernierAnniversaire('2020-03-15', '2026-03-15')).toBe('2026-03-15');
    expect(prochainAnniversaire('2020-03-15', '2026-03-15')).toBe('2029-03-15');
    expect(prochainAnniversaire('2020-03-15', '2020-03-15')).toBe('2023-03-15');
  });

  it('a 29 February lease falls on 28 February in a common year', () => {
    expect(ajouterAns('2020-02-29', 3)).toBe('2023-02-28');
    expect(ajouterAns('2020-02-29', 12)).toBe('2032-02-29');
    expect(dernierAnniversaire('2020-02-29', '2023-02-28')).toBe('2023-02-28');
  });

  it('zones are dated: in from `du`, out from `au`', () => {
    const z: PeriodeZone[] = [{ commune: '45234', du: '2021-01-01', au: '2025-01-01' }];
    expect(enZone(z, '45234', '2020-12-31')).toBe(false);
    expect(enZone(z, '45234', '2021-01-01')).toBe(true);
    expect(enZone(z, '45234', '2024-12-31')).toBe(true);
    expect(enZone(z, '45234', '2025-01-01')).toBe(false);
    expect(enZone(z, '45302', '2022-01-01')).toBe(false);
  });

  it('lists a household due on its anniversary, in zone, until an avis is recorded', () => {
    const sous = { ...base, id: 'sous', pieces: 5 };
    const l = (date: string, o: Partial<Parameters<typeof menagesAExaminer>[0]> = {}) =>
      menagesAExaminer({ occupations: [sous], zones, date, horizonJours: 0, ...o });
    // The day before the anniversary: not yet due (the one of 2023 was examined).
    const avis2023 = new Map([['sous', '2023-04-02']]);
    expect(l('2026-03-14', { dernierAvis: avis2023 }).aExaminer).toEqual([]);
    expect(l('2026-03-14', { dernierAvis: avis2023 }).nonDus).toBe(1);
    const due = l('2026-03-15', { dernierAvis: avis2023 });
    expect(due.aExaminer.map((m) => [m.echeance, m.echu, m.cas.map((c) => c.cas)])).toEqual([
      ['2026-03-15', true, ['sous_occupation']],
    ]);
    expect(due.parCas.sous_occupation).toBe(1);
    // An avis on or after the anniversary closes it.
    expect(l('2026-06-01', { dernierAvis: new Map([['sous', '2026-03-15']]) }).aExaminer).toEqual([]);
    // Within the horizon: due ahead, not yet past.
    const avant = menagesAExaminer({ occupations: [sous], zones, date: '2026-01-01', horizonJours: 90 });
    expect(avant.aExaminer.map((m) => [m.echeance, m.echu])).toEqual([['2026-03-15', false]]);
    // Before the first anniversary.
    expect(l('2023-03-14').nonDus).toBe(1);
  });

  it('outside the zones on the anniversary: not listed', () => {
    const r = menagesAExaminer({
      occupations: [{ ...base, pieces: 5 }],
      zones: [{ commune: '45234', du: '2026-03-16', au: null }],
      date: '2026-04-01',
      horizonJours: 0,
    });
    expect(r.aExaminer).toEqual([]);
    expect(r.horsZone).toBe(1);
  });

  it('a due household without any case is counted, not listed', () => {
    const r = menagesAExaminer({ occupations: [base], zones, date: '2026-04-01', horizonJours: 0 });
    expect(r.aExaminer).toEqual([]);
    expect(r.sansCas).toBe(1);
  });
});

describe('CALEOL — follow-up of proposals', () => {
  it('a proposal is made, then accepted or refused; accepted closes it', () => {
    expect(suiviPossible('en_attente', 'proposee')).toBe(true);
    expect(suiviPossible('proposee', 'acceptee')).toBe(true);
    expect(suiviPossible('refusee', 'proposee')).toBe(true);
    expect(suiviPossible('acceptee', 'proposee')).toBe(false);
    expect(suiviPossible('en_attente', 'acceptee')).toBe(false);
  });
});
