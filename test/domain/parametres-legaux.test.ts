/**
 * ADR 0007: legal parameters are dated data read through `valeurAu` (or `parametreEnVigueur`),
 * never literals. Every declared parameter is read somewhere in the code, and each has a version in
 * force from its first date onwards without gaps or overlaps.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARAMETRES, parametreEnVigueur, valeurAu, type NomParametre } from '../../src/domain/legal-parameters.ts';

const SRC = new URL('../../src', import.meta.url).pathname;

function fichiers(dossier: string): string[] {
  return readdirSync(dossier).flatMap((n) => {
    const chemin = join(dossier, n);
    return statSync(chemin).isDirectory() ? fichiers(chemin) : chemin.endsWith('.ts') ? [chemin] : [];
  });
}

const code = fichiers(SRC)
  .filter((f) => !f.endsWith('legal-parameters.ts'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

const NOMS = Object.keys(PARAMETRES) as NomParametre[];

describe('paramètres légaux datés (ADR 0007)', () => {
  it.each(NOMS)('« %s » est lu par le code à travers valeurAu ou parametreEnVigueur', (nom) => {
    expect(code).toMatch(new RegExp(`(valeurAu|parametreEnVigueur)\\(\\s*'${nom}'`));
  });

  it.each(NOMS)('« %s » : versions ordonnées, sans trou ni chevauchement, une source chacune', (nom) => {
    const versions = PARAMETRES[nom];
    for (const v of versions) expect(v.source.length).toBeGreaterThan(10);
    for (let i = 1; i < versions.length; i++) {
      const avant = versions[i - 1]!;
      expect(avant.au).not.toBeNull();
      const lendemain = new Date(`${avant.au}T00:00:00Z`);
      lendemain.setUTCDate(lendemain.getUTCDate() + 1);
      expect(versions[i]!.du).toBe(lendemain.toISOString().slice(0, 10));
    }
    expect(versions.at(-1)!.au).toBeNull();
  });

  it('valeurAu refuse une date sans version en vigueur ; parametreEnVigueur rend null', () => {
    expect(() => valeurAu('echeanceBilan', '2019-01-01')).toThrow(/hors de la période couverte/);
    expect(parametreEnVigueur('echeanceBilan', '2019-01-01')).toBeNull();
    expect(parametreEnVigueur('delaiReponseDemandeurJours', '2026-12-07')?.valeur).toBe(10);
  });
});
