/**
 * The household of a lease (CCH L.441-1; docs/scenario-format.md « Deuxième édition »): consumption
 * units on the scale in force, the first quartile strictly below the EPCI's threshold, a declared
 * quartile as an override, the unknown quartile.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estPremierQuartile, resoudreMenage, unitesDeConsommation } from '../../src/domain/menage.ts';

describe('CCH L.441-1 — unités de consommation (1 ; 0,5 par personne de 14 ans ou plus ; 0,3 par enfant de moins de 14 ans)', () => {
  it.each([
    [1, 0, 1],
    [2, 0, 1.5],
    [2, 1, 1.3],
    [3, 1, 1.8],
    [4, 2, 2.1],
    [5, 0, 3],
  ])('%i personne(s) dont %i enfant(s) de moins de 14 ans → %f UC', (personnes, enfants, uc) => {
    expect(unitesDeConsommation(personnes, enfants, '2025-03-01')).toBe(uc);
  });

  it('l’échelle en vigueur est un paramètre daté : avant la loi Égalité et citoyenneté, aucune', () => {
    expect(() => unitesDeConsommation(1, 0, '2016-12-31')).toThrow(/période couverte/);
  });
});

describe('CCH L.441-1 — premier quartile : ressources par UC strictement inférieures au seuil de l’EPCI', () => {
  it('au seuil exactement, le ménage n’est pas au premier quartile', () => {
    // 18 000 € for 1.8 UC = 10 000 € per UC: not below a 10 000 € threshold.
    expect(estPremierQuartile(18_000, 3, 1, 10_000, '2025-03-01')).toBe(false);
    expect(estPremierQuartile(17_999.99, 3, 1, 10_000, '2025-03-01')).toBe(true);
  });

  it('exact, sans division en virgule flottante (propriété)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1000, max: 40_000 }),
        (personnes, enfantsBruts, seuil) => {
          const enfants = Math.min(enfantsBruts, personnes - 1);
          const uc = unitesDeConsommation(personnes, enfants, '2025-03-01');
          // Resources exactly at the threshold × UC (in cents) are never below it; one cent less is.
          const auSeuil = Math.round(seuil * uc * 100) / 100;
          expect(estPremierQuartile(auSeuil, personnes, enfants, seuil, '2025-03-01')).toBe(false);
          expect(estPremierQuartile(auSeuil - 0.01, personnes, enfants, seuil, '2025-03-01')).toBe(true);
        },
      ),
    );
  });

  it('calculé à partir des ressources et de la composition', () => {
    const m = resoudreMenage({ ressourcesAnnuelles: 14_200, personnes: 3, enfantsMoins14: 1 }, 10_000, '2025-03-01');
    expect(m).toMatchObject({ quartile1: true, origineQuartile1: 'calcule', uc: 1.8, prioritaire: false });
  });

  it('un quartile déclaré l’emporte sur le calcul et reste marqué « déclaré »', () => {
    const m = resoudreMenage({ quartile1: false, ressourcesAnnuelles: 5_000, personnes: 1 }, 10_000, '2025-03-01');
    expect(m).toMatchObject({ quartile1: false, origineQuartile1: 'declare' });
  });

  it('sans seuil pour l’EPCI, sans ressources ou sans ménage : quartile inconnu (null)', () => {
    expect(resoudreMenage({ ressourcesAnnuelles: 5_000, personnes: 1 }, undefined, '2025-03-01').quartile1).toBeNull();
    expect(resoudreMenage({ personnes: 1 }, 10_000, '2025-03-01').quartile1).toBeNull();
    expect(resoudreMenage(undefined, 10_000, '2025-03-01')).toEqual({
      quartile1: null,
      prioritaire: false,
      relogementAnru: false,
    });
  });

  it('une catégorie prioritaire (DALO, L.441-1) fait un ménage prioritaire ; « relogementAnru » vaut relogement « anru »', () => {
    expect(resoudreMenage({ categories: ['dalo'] }, undefined, '2025-03-01').prioritaire).toBe(true);
    expect(resoudreMenage({ relogementAnru: true }, undefined, '2025-03-01')).toMatchObject({
      relogement: 'anru',
      relogementAnru: true,
    });
    expect(resoudreMenage({ relogement: 'orcod' }, undefined, '2025-03-01')).toMatchObject({
      relogement: 'orcod',
      relogementAnru: false,
    });
  });
});
