/**
 * The repository is self-contained: no test, source, script, example or benchmark reads data
 * outside it (the public extracts it needs are in data-ref/, with their sources and licences).
 * Checked twice: no file names a path outside the repository, and the Loiret example's generator,
 * run from a copy of the repository in an empty directory, still writes the committed file.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const racine = new URL('..', import.meta.url).pathname;
const DOSSIERS = ['test', 'src', 'scripts', 'examples', 'bench'];
const CODE = /\.(ts|tsx|js|mjs|cjs|py|sh|sql)$/;

/** What reading outside the repository looks like: the sibling data set, its variable. */
const HORS_DEPOT: readonly [RegExp, string][] = [
  [/\.\.\/shared\b/, '« ../shared »'],
  [/['"]shared['"]\s*,\s*['"]data['"]/, 'un chemin « shared/data » construit'],
  [/FLUX_SHARED_DATA/, 'la variable FLUX_SHARED_DATA'],
  [/['"]\/work\//, 'un chemin absolu de la machine de développement'],
];

function* fichiers(dossier: string): Generator<string> {
  for (const nom of readdirSync(dossier)) {
    if (nom === 'node_modules' || nom === 'out') continue;
    const chemin = join(dossier, nom);
    if (statSync(chemin).isDirectory()) yield* fichiers(chemin);
    else if (CODE.test(nom)) yield chemin;
  }
}

describe('un dépôt autonome', () => {
  it('aucun fichier de test/, src/, scripts/, examples/ ni bench/ ne lit hors du dépôt', () => {
    const fautes: string[] = [];
    let lus = 0;
    for (const d of DOSSIERS) {
      for (const f of fichiers(join(racine, d))) {
        lus++;
        const lignes = readFileSync(f, 'utf8').split('\n');
        lignes.forEach((ligne, i) => {
          // This file names the patterns it looks for.
          if (f.endsWith('depot-autonome.test.ts')) return;
          for (const [motif, quoi] of HORS_DEPOT) {
            if (motif.test(ligne)) fautes.push(`${relative(racine, f)}:${i + 1} : ${quoi}`);
          }
        });
      }
    }
    expect(lus).toBeGreaterThan(100);
    expect(fautes).toEqual([]);
  });

  const copie = mkdtempSync(join(tmpdir(), 'flux-autonome-'));
  afterAll(() => rmSync(copie, { recursive: true, force: true }));

  it('le générateur de l’exemple du Loiret tourne depuis une copie du dépôt seule dans son dossier', () => {
    // A copy in an empty directory: nothing beside it (no ../shared), node_modules linked.
    const depot = join(copie, 'flux');
    for (const d of ['bin', 'src', 'examples', 'data-ref', 'package.json']) {
      cpSync(join(racine, d), join(depot, d), { recursive: true });
    }
    symlinkSync(join(racine, 'node_modules'), join(depot, 'node_modules'), 'dir');
    const sortie = join(copie, 'loiret.json');
    execFileSync(process.execPath, ['bin/run-ts.js', 'examples/generate-loiret.ts', '--out', sortie], {
      cwd: depot,
      stdio: 'pipe',
      env: { ...process.env, HOME: copie },
    });
    expect(readFileSync(sortie, 'utf8')).toBe(readFileSync(join(racine, 'examples/loiret-2019.json'), 'utf8'));
  });
});
