/**
 * The layers hold by themselves (issue 16 item 2, ADR 0030): no import cycle in src/ and web/src
 * (madge, as `npm run cycles` in CI), and no import a layer may not make (scripts/couches.json,
 * the table ESLint reads too) — static imports, re-exports and dynamic `import()` alike, so that
 * `npm test` catches what `npm run lint` would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import regles from '../../scripts/couches.json' with { type: 'json' };

interface Regle {
  interdits: string[];
  permis?: string[];
  sansNode?: boolean;
  paquets?: string[];
  pourquoi: string;
}
const COUCHES: Record<string, Regle> = regles.couches;

/** Every module a TypeScript file names: `import … from`, `export … from`, `import '…'`, `import('…')`. */
function importsDe(texte: string): string[] {
  const code = texte.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const noms: string[] = [];
  for (const re of [
    /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ])
    for (const m of code.matchAll(re)) noms.push(m[1]!);
  return noms;
}

const FICHIER_DE_ROUTES = /^(server|routes(-[a-z-]+)?)\.ts$/;

/** The forbidden imports of these files (paths from the repository root, `src/<layer>/…`). */
function importsInterdits(fichiers: ReadonlyMap<string, string>): string[] {
  const fautes: string[] = [];
  for (const [fichier, texte] of fichiers) {
    const couche = fichier.split('/')[1]!;
    const regle = COUCHES[couche];
    for (const nom of importsDe(texte)) {
      if (!nom.startsWith('.')) {
        const paquet = nom.startsWith('@') ? nom.split('/').slice(0, 2).join('/') : nom.split('/')[0]!;
        if (regle?.sansNode && nom.startsWith('node:')) fautes.push(`${fichier} → ${nom} : ${regle.pourquoi}`);
        else if (regle?.paquets && !nom.startsWith('node:') && !regle.paquets.includes(paquet))
          fautes.push(`${fichier} → ${nom} : ${regle.pourquoi}`);
        continue;
      }
      const cible = posix.normalize(posix.join(posix.dirname(fichier), nom));
      const [racine, coucheCible] = cible.split('/');
      if (racine !== 'src' || !coucheCible || coucheCible === couche) {
        // Within src/http: only server.ts imports the routes files.
        if (
          couche === 'http' &&
          coucheCible === 'http' &&
          posix.basename(fichier) !== regles.routes.assembleur &&
          FICHIER_DE_ROUTES.test(posix.basename(cible))
        )
          fautes.push(`${fichier} → ${nom} : ${regles.routes.pourquoi}`);
        continue;
      }
      if (!regle || !regle.interdits.includes(coucheCible)) continue;
      if ((regle.permis ?? []).includes(cible.slice('src/'.length))) continue;
      fautes.push(`${fichier} → ${nom} : ${regle.pourquoi}`);
    }
  }
  return fautes;
}

function sources(dossier: string): Map<string, string> {
  const fichiers = new Map<string, string>();
  for (const e of readdirSync(dossier, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !/\.tsx?$/.test(e.name)) continue;
    const chemin = posix.join(e.parentPath.split('\\').join('/'), e.name);
    fichiers.set(chemin, readFileSync(chemin, 'utf8'));
  }
  return fichiers;
}

/** madge's cycles among these folders' TypeScript files (type-only imports count: a cycle is a cycle). */
function cycles(dossiers: string[], cwd = process.cwd()): string[][] {
  const r = spawnSync(
    process.execPath,
    [
      join(process.cwd(), 'node_modules/madge/bin/cli.js'),
      '--circular',
      '--json',
      '--no-spinner',
      '--extensions',
      'ts,tsx',
      ...dossiers,
    ],
    { cwd, encoding: 'utf8' },
  );
  expect(r.status, r.stderr).not.toBeNull();
  return JSON.parse(r.stdout) as string[][];
}

describe('les couches de src/ (ADR 0030)', () => {
  it('aucun import interdit entre couches, ni vers server.ts ou un autre fichier de routes', () => {
    const fichiers = sources('src');
    expect(fichiers.size).toBeGreaterThan(100);
    expect(importsInterdits(fichiers)).toEqual([]);
  });

  it('la règle voit un import interdit, statique, ré-exporté ou dynamique, et laisse passer les permis', () => {
    const fautes = importsInterdits(
      new Map([
        ['src/reports/a.ts', "import type { VersionEtat } from '../app/etat-des-lieux.ts';"],
        ['src/cli/b.ts', "async function f() {\n  const { ouvrirBase } = await import('../db/client.ts');\n}"],
        ['src/import/c.ts', "export { journaliser } from '../app/audit.ts';"],
        ['src/domain/d.ts', "import { readFile } from 'node:fs/promises';\nimport { z } from 'zod';"],
        ['src/http/routes-e.ts', "import { aujourdhuiParis } from './routes-patrimoine.ts';"],
        ['src/http/routes-f.ts', "import type { OptionsServeur } from './server.ts';"],
        [
          'src/http/routes-g.ts',
          "import { supprimerTemporaire } from '../import/fichier-temporaire.ts';\nimport { acteur } from './commun.ts';",
        ],
        ['src/http/server.ts', "import { enregistrerRoutes } from './routes.ts';"],
        ['src/contracts/h.ts', "import { z } from 'zod';\n// import x from '../app/y.ts';"],
      ]),
    );
    expect(fautes.map((f) => f.split(' : ')[0])).toEqual([
      'src/reports/a.ts → ../app/etat-des-lieux.ts',
      'src/cli/b.ts → ../db/client.ts',
      'src/import/c.ts → ../app/audit.ts',
      'src/domain/d.ts → node:fs/promises',
      'src/domain/d.ts → zod',
      'src/http/routes-e.ts → ./routes-patrimoine.ts',
      'src/http/routes-f.ts → ./server.ts',
    ]);
  });

  it('aucun cycle d’imports dans src/ ni web/src (madge)', () => {
    expect(cycles(['src', 'web/src'])).toEqual([]);
  }, 180_000);

  it('madge voit un cycle, même par un import de type seulement', () => {
    const dossier = mkdtempSync(join(tmpdir(), 'flux-cycles-'));
    try {
      writeFileSync(join(dossier, 'a.ts'), "import { b } from './b.ts';\nexport const a = () => b;\n");
      writeFileSync(join(dossier, 'b.ts'), "import type { A } from './c.ts';\nexport const b: A = 1;\n");
      writeFileSync(join(dossier, 'c.ts'), "import { a } from './a.ts';\nexport type A = number;\nexport { a };\n");
      expect(cycles(['.'], dossier)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    } finally {
      rmSync(dossier, { recursive: true, force: true });
    }
  });
});
