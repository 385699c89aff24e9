/**
 * Small reference and reservation files (CSV, `;` or `,`, UTF-8 or Latin-1): their header mapped to
 * logical fields by accepted names, their rows with physical line numbers, and every structural
 * problem named by line and column. Files are read whole (a few thousand rows at most).
 */
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { lireTout } from '../import/rpls-csv.ts';

export interface LigneTableau<C extends string> {
  /** Physical line (1-based) of the row. */
  ligne: number;
  valeurs: Record<C, string>;
}

/** The accepted header names of each field (compared case-insensitively, accents kept). */
export type Colonnes<C extends string> = Readonly<Record<C, { noms: readonly string[]; obligatoire: boolean }>>;

const normaliser = (s: string): string =>
  s
    .replace(/^\uFEFF/, '')
    .trim()
    .toUpperCase();

/**
 * Reads a CSV whose header names the fields of `colonnes`. Throws `DonneesInvalides` listing every
 * missing column, unclosed quote or wrong field count (with its line); nothing is partly read.
 */
export function lireTableau<C extends string>(
  octets: Uint8Array,
  fichier: string,
  colonnes: Colonnes<C>,
): LigneTableau<C>[] {
  const { enregistrements } = lireTout(octets);
  const nonVides = enregistrements.filter((e) => e.champs.some((c) => c.trim() !== ''));
  const [entete, ...donnees] = nonVides;
  if (!entete)
    throw new DonneesInvalides([
      { chemin: `${fichier}:1`, message: 'fichier vide : une ligne d’en-tête est attendue' },
    ]);
  const noms = entete.champs.map(normaliser);
  const index = {} as Record<C, number>;
  const problemes: Probleme[] = [];
  for (const [champ, def] of Object.entries(colonnes) as [C, { noms: readonly string[]; obligatoire: boolean }][]) {
    const i = noms.findIndex((n) => def.noms.some((a) => normaliser(a) === n));
    if (i < 0 && def.obligatoire) {
      problemes.push({
        chemin: `${fichier}:${entete.ligne}`,
        message: `colonne « ${def.noms[0]} » absente de l’en-tête (noms acceptés : ${def.noms.join(', ')})`,
      });
    }
    index[champ] = i;
  }
  if (problemes.length) throw new DonneesInvalides(problemes);
  const lignes: LigneTableau<C>[] = [];
  for (const e of donnees) {
    if (e.guillemetNonFerme)
      problemes.push({ chemin: `${fichier}:${e.ligne}`, message: 'guillemet ouvert jamais fermé (fichier tronqué ?)' });
    else if (e.champs.length !== entete.champs.length) {
      problemes.push({
        chemin: `${fichier}:${e.ligne}`,
        message: `${e.champs.length} champ(s) au lieu des ${entete.champs.length} de l’en-tête`,
      });
    } else {
      const valeurs = {} as Record<C, string>;
      for (const champ of Object.keys(colonnes) as C[])
        valeurs[champ] = index[champ] >= 0 ? e.champs[index[champ]]!.trim() : '';
      lignes.push({ ligne: e.ligne, valeurs });
    }
  }
  if (problemes.length) throw new DonneesInvalides(problemes);
  return lignes;
}

/** The name of a column as the file's reader expects it first (for messages). */
export function nomColonne<C extends string>(colonnes: Colonnes<C>, champ: C): string {
  return colonnes[champ].noms[0]!;
}
