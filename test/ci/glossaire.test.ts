/**
 * The glossary names the code (issue 16 item 4): every identifier in the « identifiant » column of
 * CONTEXT.md's tables exists in the code, so that a rename (`DossierVacanceApi` →
 * `DossierLocationApi`, ADR 0041) cannot leave the glossary pointing at a name nobody can find.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const RACINE = join(import.meta.dirname, '../..');

/** The `code` spans of the second column of every glossary table row. */
function identifiantsDuGlossaire(): string[] {
  const ids: string[] = [];
  for (const ligne of readFileSync(join(RACINE, 'CONTEXT.md'), 'utf8').split('\n')) {
    if (!ligne.startsWith('|') || /^\|\s*-/.test(ligne)) continue;
    const colonne = ligne.split('|')[2] ?? '';
    for (const m of colonne.matchAll(/`([^`]+)`/g)) ids.push(m[1]!);
  }
  return ids;
}

function code(): string {
  const fichiers = execFileSync(
    'git',
    ['ls-files', 'src/*.ts', 'web/src/*.ts', 'web/src/*.tsx', 'scripts/*', 'src/db/migrations/*.sql'],
    { cwd: RACINE, encoding: 'utf8' },
  )
    .split('\n')
    .filter(Boolean);
  return fichiers.map((f) => readFileSync(join(RACINE, f), 'utf8')).join('\n');
}

describe('le glossaire (CONTEXT.md)', () => {
  it('chaque identifiant nommé existe dans le code', () => {
    const ids = identifiantsDuGlossaire();
    expect(ids.length).toBeGreaterThan(100);
    const texte = code();
    const absents = ids.filter((id) =>
      // Each word of 4+ characters of the identifier (`locations.etat` → locations, etat).
      (id.match(/[A-Za-z_][A-Za-z0-9_]{3,}/g) ?? []).some((mot) => !texte.includes(mot)),
    );
    expect(absents).toEqual([]);
  });
});
