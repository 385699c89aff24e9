/** The état des lieux of reservations (src/domain/etat-des-lieux.ts) and the APL ceilings (src/domain/plafonds-apl.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DIMENSIONS,
  etatDesLieux,
  partAbordable,
  periodeDe,
  vueReservataire,
  type EntreeEtatDesLieux,
  type LogementEtat,
  type Reservation,
} from '../../src/domain/etat-des-lieux.ts';
import { baremeAu, estAbordable, plafondPour } from '../../src/domain/plafonds-apl.ts';
import { TYPOLOGIES, type Typologie } from '../../src/domain/types.ts';

describe('plafonds de loyer APL (arrêté du 27 septembre 2019, art. 7 ; CCH D.823-16 2°)', () => {
  it('le barème en vigueur dépend de la date', () => {
    expect(baremeAu('2020-09-30')).toBeNull();
    expect(baremeAu('2021-06-01')!.valeur.I.personneSeule).toBe(29_682);
    expect(baremeAu('2023-09-30')!.valeur.III.couple).toBe(29_392);
    expect(baremeAu('2023-10-01')!.valeur.I.personneSeule).toBe(31_930);
    expect(baremeAu('2026-11-29')!.source).toMatch(/LEGIARTI000048109313/);
  });

  it('le plafond suit le ménage que la typologie accueille (T1 seul, T2 couple, T3 une personne à charge, puis par personne supplémentaire)', () => {
    const b = baremeAu('2024-01-01')!.valeur;
    expect(plafondPour(b, 'II', 'T1')).toBe(27_828);
    expect(plafondPour(b, 'II', 'T2')).toBe(34_062);
    expect(plafondPour(b, 'II', 'T3')).toBe(38_328);
    expect(plafondPour(b, 'II', 'T4')).toBe(38_328 + 5_579);
    expect(plafondPour(b, 'III', 'T6')).toBe(35_451 + 3 * 5_081);
  });

  it('un loyer égal au plafond est abordable, un centime au-dessus ne l’est pas ; sans loyer : inconnu', () => {
    const b = baremeAu('2024-01-01')!.valeur;
    expect(estAbordable(439.07, b, 'II', 'T4')).toBe(true);
    expect(estAbordable(439.08, b, 'II', 'T4')).toBe(false);
    expect(estAbordable(null, b, 'II', 'T4')).toBeNull();
  });
});

const unite = (
  id: string,
  reservation: Reservation,
  reservataire: string | null,
  autres: Partial<LogementEtat> = {},
): LogementEtat => ({
  id,
  rpls: `R${id}`,
  programme: 'P1',
  commune: '45234',
  epci: '244500468',
  typologie: 'T3',
  financement: 'PLUS',
  qpv: false,
  construction: 1972,
  individuel: false,
  loyer: 350,
  reservation,
  reservataire,
  ...autres,
});

const entree = (logements: LogementEtat[]): EntreeEtatDesLieux => ({
  bailleur: { id: 'HLD', nom: 'Habitat Loiret Démo' },
  departement: '45',
  date: '2026-11-29',
  logements,
  reservataires: new Map([
    ['ETAT', 'Préfecture'],
    ['AL', 'Action Logement'],
  ]),
  communes: new Map([['45234', 'Orléans']]),
  epcis: new Map([['244500468', 'Orléans Métropole']]),
  zoneApl: (c) => (c === '45234' ? 'II' : null),
});

describe('état des lieux des réservations (rules.md §7)', () => {
  it('compte chaque réservataire, le non réservé, l’inconnu et les droits uniques à côté de l’ensemble du parc', () => {
    const e = etatDesLieux(
      entree([
        unite('1', 'reserve', 'ETAT'),
        unite('2', 'reserve', 'ETAT', { qpv: true, typologie: 'T2', loyer: 400 }),
        unite('3', 'reserve', 'AL', { construction: 2016, individuel: true }),
        unite('4', 'droit_unique', 'AL'),
        unite('5', 'aucune', null, { loyer: null }),
        unite('6', null, null, { commune: '45999', epci: null }),
      ]),
    );
    expect(e.groupes.map((g) => [g.id, g.logements, g.droitsUniques])).toEqual([
      ['ENSEMBLE', 6, 1],
      ['AL', 1, 1],
      ['ETAT', 2, 0],
      ['NON_RESERVE', 1, 0],
      ['INCONNUE', 1, 0],
    ]);
    const etat = e.groupes.find((g) => g.id === 'ETAT')!;
    expect(etat.mixes.qpv).toEqual({ 'hors-qpv': 1, qpv: 1 });
    expect(etat.mixes.typologie).toEqual({ T3: 1, T2: 1 });
    // T2 zone II: 340.62 € → 400 € is above; T3 zone II: 383.28 € → 350 € is under.
    expect(etat.mixes.abordable).toEqual({ abordable: 1, 'au-dessus': 1 });
    expect(partAbordable(etat)).toBe(0.5);
    const ensemble = e.groupes[0]!;
    expect(ensemble.mixes.abordable).toEqual({ abordable: 3, 'au-dessus': 1, 'loyer-inconnu': 1, 'zone-inconnue': 1 });
    expect(ensemble.mixes.periode).toEqual({ '1949-1974': 5, 'depuis-2015': 1 });
    expect(ensemble.mixes.habitat).toEqual({ collectif: 5, individuel: 1 });
    expect(e.libelles.commune['45234']).toBe('Orléans');
    expect(e.libelles.epci['sans-epci']).toBe('Sans EPCI');
    expect(e.modalites.typologie).toEqual(['T2', 'T3']);
    expect(e.unites).toHaveLength(6);
    expect(e.unites[3]).toEqual(['4', 'R4', 'droit_unique', 'AL', 'P1', '45234', 'T3', 'PLUS', 0]);
    expect(e.bareme?.du).toBe('2023-10-01');
  });

  it('périodes de construction', () => {
    expect([1900, 1948, 1949, 1974, 1975, 1989, 1990, 2004, 2005, 2014, 2015, 2026].map(periodeDe)).toEqual([
      'avant-1949',
      'avant-1949',
      '1949-1974',
      '1949-1974',
      '1975-1989',
      '1975-1989',
      '1990-2004',
      '1990-2004',
      '2005-2014',
      '2005-2014',
      'depuis-2015',
      'depuis-2015',
    ]);
  });

  const arbUnite = fc.record({
    reservation: fc.constantFrom<Reservation>('reserve', 'droit_unique', 'aucune', null),
    reservataire: fc.constantFrom('ETAT', 'AL', 'COMMUNE'),
    typologie: fc.constantFrom<Typologie>(...TYPOLOGIES),
    financement: fc.constantFrom('PLAI', 'PLUS', 'PLS', 'PLI', 'AUTRE'),
    qpv: fc.boolean(),
    commune: fc.constantFrom('45234', '45147', '45999'),
    construction: fc.integer({ min: 1900, max: 2026 }),
    individuel: fc.boolean(),
    loyer: fc.option(fc.integer({ min: 10_000, max: 90_000 }).map((c) => c / 100)),
  });

  it('propriété : dans chaque dimension, l’ensemble = Σ réservataires + Σ droits uniques + non réservé + inconnu', () => {
    fc.assert(
      fc.property(fc.array(arbUnite, { maxLength: 200 }), (tirages) => {
        const logements = tirages.map(({ reservation, reservataire, ...caracteres }, i) =>
          unite(
            String(i),
            reservation,
            reservation === 'reserve' || reservation === 'droit_unique' ? reservataire : null,
            caracteres,
          ),
        );
        const e = etatDesLieux(entree(logements));
        const [ensemble, ...autres] = e.groupes;
        expect(ensemble!.logements).toBe(logements.length);
        expect(autres.reduce((s, g) => s + g.logements + g.droitsUniques, 0)).toBe(ensemble!.logements);
        for (const d of DIMENSIONS) {
          const total = Object.values(ensemble!.mixes[d]).reduce((s, n) => s + n, 0);
          expect(total).toBe(ensemble!.logements);
          for (const g of autres) expect(Object.values(g.mixes[d]).reduce((s, n) => s + n, 0)).toBe(g.logements);
        }
        // A réservataire's view keeps the totals and hides the others' ids and units.
        const vue = vueReservataire(e, 'AL');
        expect(vue.groupes.some((g) => g.id === 'ETAT' || g.id === 'COMMUNE')).toBe(false);
        expect(vue.groupes.reduce((s, g) => (g.nature === 'ensemble' ? s : s + g.logements + g.droitsUniques), 0)).toBe(
          ensemble!.logements,
        );
        expect(vue.unites.every((u) => u[3] === 'AL')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
