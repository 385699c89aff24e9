/**
 * The territory's consolidation, pure (issue 14 items 3 and 5, ADR 0040): the EPCIs a périmètre
 * covers (each one's CIL reviews the draft, CCH L.441-1-5; territorial périmètres CCH R.441-5-3),
 * the year's flow on a territory (CCH R.441-5 I exclusions out), the State's share by commune (CCH
 * R.441-5-2 II) and the days a delegation of the State's contingent holds (CCH L.441-1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contraintesEnClair,
  delegationCouvre,
  epcisCouverts,
  fluxDuTerritoire,
  partEtatParCommune,
  statutDelegation,
} from '../../src/domain/territoire.ts';
import type { Logement, Perimetre, Scenario } from '../../src/domain/types.ts';

const places = [
  { commune: '45234', epci: '244500468' },
  { commune: '45208', epci: '244500468' },
  { commune: '45155', epci: '200005932' },
  { commune: '45999', epci: null },
];

describe('EPCIs couverts par un périmètre (CCH L.441-1-5, R.441-5-3)', () => {
  it.each([
    ['le département', { departement: '45' }, ['200005932', '244500468']],
    ['un EPCI', { epci: '244500468' }, ['244500468']],
    ['une commune', { communes: ['45155'] }, ['200005932']],
    ['une commune sans EPCI connu', { communes: ['45999'] }, []],
  ] as const)('%s', (_nom, perimetre, attendus) => {
    expect(epcisCouverts(structuredClone(perimetre) as Perimetre, places)).toEqual(attendus);
  });
});

const logement = (id: string, commune: string, horsFlux: Logement['horsFlux'] = null): Logement => ({
  id,
  commune,
  qpv: null,
  typologie: 'T3',
  financement: 'PLUS',
  construction: 1990,
  horsFlux,
});

describe('flux de l’année sur un territoire (CCH R.441-5 I)', () => {
  const scenario = {
    logements: [
      logement('A', '45234'),
      logement('B', '45208'),
      logement('C', '45155'),
      logement('D', '45234', 'defense'),
    ],
    evenements: [
      { type: 'liberation', date: '2026-01-10', logement: 'A' },
      { type: 'liberation', date: '2026-02-10', logement: 'B' },
      { type: 'liberation', date: '2026-03-10', logement: 'B', exclusion: 'mutation_interne' },
      { type: 'liberation', date: '2026-04-10', logement: 'C' },
      { type: 'liberation', date: '2026-05-10', logement: 'D' },
    ],
  } as unknown as Scenario;
  const metropole = new Set(['45234', '45208']);

  it('compte les libérations du territoire dans le périmètre, hors exclusions et logements hors flux', () => {
    expect(fluxDuTerritoire(scenario, { departement: '45' }, metropole)).toBe(2);
    expect(fluxDuTerritoire(scenario, { communes: ['45234'] }, metropole)).toBe(1);
    expect(fluxDuTerritoire(scenario, { communes: ['45155'] }, metropole)).toBe(0);
  });
});

describe('part de l’État par commune (CCH R.441-5-2 II)', () => {
  it('compte les logements orientés à une ligne, et ceux de l’État, par commune ; les exclus n’y sont pas', () => {
    const parts = partEtatParCommune(
      [logement('A', '45234'), logement('B', '45234'), logement('C', '45155')],
      [
        { logement: 'A', reservataire: 'ETAT' },
        { logement: 'B', reservataire: 'BAILLEUR' },
        { logement: 'C', reservataire: null },
        { logement: 'C', reservataire: 'AL' },
      ],
      'ETAT',
    );
    expect(Object.fromEntries(parts)).toEqual({ '45234': { flux: 2, etat: 1 }, '45155': { flux: 1, etat: 0 } });
  });

  it('propriété : Σ par commune des orientés = les orientations dans le flux ; la part de l’État ≤ le flux', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom('ETAT', 'AL', 'BAILLEUR', null)), {
          maxLength: 60,
        }),
        (tirages) => {
          const logements = [0, 1, 2, 3, 4].map((i) => logement(`L${i}`, `4500${i}`));
          const orientations = tirages.map(([i, r]) => ({ logement: `L${i}`, reservataire: r }));
          const parts = [...partEtatParCommune(logements, orientations, 'ETAT').values()];
          expect(parts.reduce((s, p) => s + p.flux, 0)).toBe(orientations.filter((o) => o.reservataire).length);
          expect(parts.reduce((s, p) => s + p.etat, 0)).toBe(
            orientations.filter((o) => o.reservataire === 'ETAT').length,
          );
          for (const p of parts) expect(p.etat).toBeLessThanOrEqual(p.flux);
        },
      ),
    );
  });
});

describe('délégation du contingent de l’État (CCH L.441-1)', () => {
  const d = { debut: '2026-11-01', fin: '2026-11-22', communes: ['45234'] };
  it.each([
    ['2026-10-31', 'a_venir', false],
    ['2026-11-01', 'active', true],
    ['2026-11-22', 'active', true],
    ['2026-11-23', 'terminee', false],
  ] as const)('le %s : %s', (jour, statut, couvre) => {
    expect(statutDelegation(d, jour)).toBe(statut);
    expect(delegationCouvre(d, '45234', jour)).toBe(couvre);
  });
  it('une commune hors de son périmètre n’est jamais couverte', () => {
    expect(delegationCouvre(d, '45208', '2026-11-10')).toBe(false);
  });
});

describe('termes qualitatifs en clair (CCH R.441-5-2 II)', () => {
  it('l’État : uniformité communale et 30 % hors QPV par défaut ; les fourchettes dites', () => {
    expect(contraintesEnClair({}, true)).toEqual(['taux appliqué dans chaque commune', 'au moins 30 % hors QPV']);
    expect(contraintesEnClair({ contraintes: { typologie: { T1: [0.1, 0.3] } } }, false)).toEqual([
      'typologie T1 : entre 10 % et 30 %',
    ]);
  });
});
