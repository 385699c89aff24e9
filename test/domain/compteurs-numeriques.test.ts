/**
 * The mix's counters by key number (ADR 0051): a key numbered after the counters were made gets
 * a slot at 0, the counts before it are kept, and a convention's range on it is found.
 */
import { describe, expect, it } from 'vitest';
import { agrandir, compteursVides, RegistreCles } from '../../src/domain/compteurs-numeriques.ts';
import { CLE_HORS_QPV, type Ligne } from '../../src/domain/etat-moteur.ts';

const ligne = (fourchettes: [string, [number, number]][]) =>
  ({ contraintes: { uniformiteCommunale: false, partHorsQpvMin: 0, fourchettes: new Map(fourchettes) } }) as Ligne;

describe('compteurs numériques', () => {
  it('la clé hors QPV a le numéro 0 ; une clé nouvelle agrandit les compteurs sans perdre les comptes', () => {
    const registre = new RegistreCles();
    expect(registre.id(CLE_HORS_QPV)).toBe(0);
    const t1 = registre.id('0:T1');
    expect(registre.id('0:T1')).toBe(t1);
    const lignes = [ligne([['0:T5', [0.1, 0.2]]]), ligne([])];
    const c = compteursVides(registre, lignes);
    c.recus[0]![t1]! += 2;
    c.flux[1]![t1]! += 3;
    expect(c.fourchettes[0]![t1]).toBeUndefined();
    const t5 = registre.id('0:T5');
    agrandir(c, registre, lignes);
    expect(c.recus[0]!.length).toBe(3);
    expect([...c.recus[0]!]).toEqual([0, 2, 0]);
    expect([...c.flux[1]!]).toEqual([0, 3, 0]);
    expect(c.fluxCommune.length).toBe(3);
    expect(c.fourchettes[0]![t5]).toEqual([0.1, 0.2]);
  });
});
