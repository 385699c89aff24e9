/**
 * One calendar (issue 16 item 1): the Europe/Paris day, adding days and writing a date in French
 * live in src/domain/calendrier.ts only. Code merged later re-grew private copies (a Paris-day
 * formatter in two CLI commands, `ajouterJours` in two modules, the UTC day where the Paris day
 * was meant); this test names any new copy so that it fails CI instead of drifting again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const RACINE = join(import.meta.dirname, '../..');
const CALENDRIER = 'src/domain/calendrier.ts';

function fichiers(dossier: string): string[] {
  return readdirSync(join(RACINE, dossier), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name).slice(RACINE.length + 1));
}

/** Lines of src/ (outside the calendar) that match, as « fichier:ligne ». */
function occurrences(motif: RegExp, exceptions: readonly string[] = []): string[] {
  const trouve: string[] = [];
  for (const f of fichiers('src')) {
    if (f === CALENDRIER || exceptions.includes(f)) continue;
    readFileSync(join(RACINE, f), 'utf8')
      .split('\n')
      .forEach((ligne, i) => {
        if (motif.test(ligne)) trouve.push(`${f}:${i + 1}`);
      });
  }
  return trouve;
}

describe('un seul calendrier (src/domain/calendrier.ts)', () => {
  it('le jour de Paris ne se calcule qu’une fois (jourParis)', () => {
    // limites.ts formats an hour (« réessayez après 14:05 »), not a day.
    expect(occurrences(/timeZone:\s*'Europe\/Paris'/, ['src/http/limites.ts'])).toEqual([]);
  });

  it('ajouter des jours, compter des jours et écrire une date en français n’ont qu’une définition', () => {
    expect(occurrences(/(?:function|const)\s+(?:ajouterJours|joursEntre|jourParis|dateCourte|dateLongue)\b/)).toEqual(
      [],
    );
    expect(occurrences(/\bexport\s*\{[^}]*\b(?:ajouterJours|jourParis|joursEntre)\b[^}]*\}\s*from/)).toEqual([]);
  });

  it('aucun module ne prend le jour UTC d’un instant pour le jour de Paris', () => {
    // `x.toISOString().slice(0, 10)` on an instant gives the UTC day: wrong between 22:00/23:00 and
    // midnight in Paris. Calendar arithmetic on a `YYYY-MM-DDT00:00:00Z` date is fine and is
    // listed here by its module (parsing and month arithmetic of the demands file, the synthetic
    // year of the generator).
    const permis = ['src/import/demandes.ts', 'src/seed/synthetic.ts'];
    expect(occurrences(/(?:maintenant|new Date\(\)|\.le|Le)\.toISOString\(\)\.slice\(0,\s*10\)/, permis)).toEqual([]);
  });
});
