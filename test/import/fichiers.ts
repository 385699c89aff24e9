/** Small RPLS files for the import tests, and the real Narbonne extract (data-ref/README.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { communeCourante, epciDeCommune } from '../../src/import/cog.ts';
import type { Referentiel } from '../../src/import/rpls.ts';

export const NARBONNE_CHEMIN = fileURLToPath(new URL('../../data-ref/rpls-narbonne/RPLS_correct.csv', import.meta.url));
export const NARBONNE_LOGEMENTS = 6043;
export const NARBONNE_LIGNES = 1170;

export function narbonne(): Buffer {
  return readFileSync(NARBONNE_CHEMIN);
}

export const COG: Referentiel = { communeCourante, epciDeCommune };

/** A unit row with valid defaults, by column name. */
export type Ligne = Record<string, string>;

export const COLONNES_DE_BASE = [
  'RPLS_ID',
  'DEPCOM',
  'LIBCOM',
  'NOMVOIE',
  'QPV',
  'TYPECONST',
  'NBPIECE',
  'SURFHAB',
  'CONSTRUCT',
  'FINAN',
  'DPEENERGIE',
];

export function ligne(id: string, champs: Ligne = {}): Ligne {
  return {
    RPLS_ID: id,
    DEPCOM: '45234',
    LIBCOM: 'ORLEANS',
    NOMVOIE: 'RUE DES CARMES',
    QPV: '2',
    TYPECONST: 'C',
    NBPIECE: '3',
    SURFHAB: '65',
    CONSTRUCT: '1975',
    FINAN: '13',
    DPEENERGIE: 'D',
    ...champs,
  };
}

function cellule(s: string, sep: string): string {
  return s.includes(sep) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV text: the header, then one line per row (missing values empty). */
export function csv(
  lignes: readonly Ligne[],
  options: { colonnes?: readonly string[]; sep?: ';' | ','; eol?: string } = {},
): string {
  const colonnes = options.colonnes ?? COLONNES_DE_BASE;
  const sep = options.sep ?? ';';
  const eol = options.eol ?? '\n';
  return (
    [colonnes.join(sep), ...lignes.map((l) => colonnes.map((c) => cellule(l[c] ?? '', sep)).join(sep))].join(eol) + eol
  );
}

export const utf8 = (texte: string): Buffer => Buffer.from(texte, 'utf8');
export const utf8Bom = (texte: string): Buffer =>
  Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(texte, 'utf8')]);
export const latin1 = (texte: string): Buffer => Buffer.from(texte, 'latin1');
