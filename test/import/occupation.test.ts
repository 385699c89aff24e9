import { describe, expect, it } from 'vitest';
import { lireEntete } from '../../src/import/demandes.ts';
import { COLONNES_OCCUPATION, lireOccupation } from '../../src/import/occupation.ts';

const ligne = (n: number, champs: string[]) => ({ ligne: n, champs, guillemetNonFerme: false });
const entete = lireEntete(
  ligne(1, [
    'RPLS',
    'Nom',
    'DATE_BAIL',
    'PERSONNES',
    'RFR',
    'PLAFOND',
    'HANDICAP',
    'LOGEMENT_ADAPTE',
    'PIECES',
    'SURFACE',
  ]),
  COLONNES_OCCUPATION,
);
const lire = (champs: string[]) => lireOccupation(entete, ligne(2, champs), '2026-12-07');

describe('le modèle d’occupation (docs/occupation.md)', () => {
  it('lit une ligne valide, sans jamais lire les colonnes hors modèle', () => {
    const r = lire(['4500012346', 'Dupont', '02/09/2019', '5', '18 950', '38200', 'non', 'oui', '3', '52,5']);
    expect(r.problemes).toEqual([]);
    expect(r.fiche).toEqual({
      rpls: '4500012346',
      dateBail: '2019-09-02',
      personnes: 5,
      ressources: 18950,
      plafond: 38200,
      handicap: false,
      logementAdapte: true,
      pieces: 3,
      surface: 52.5,
    });
    expect(JSON.stringify(r.fiche)).not.toContain('Dupont');
  });

  it('les facultatifs vides sont inconnus', () => {
    expect(lire(['45', '', '2019-09-02', '1', '', '', '', '', '', '']).fiche).toMatchObject({
      ressources: null,
      plafond: null,
      handicap: null,
      logementAdapte: null,
      pieces: null,
      surface: null,
    });
  });

  it('chaque problème nomme sa ligne et sa colonne', () => {
    const r = lire(['', '', '08/12/2026', '21', 'beaucoup', '0', 'peut-être', 'x', '0', '0,5']);
    expect(r.fiche).toBeNull();
    expect(r.problemes.map((p) => `${p.chemin} : ${p.message}`)).toEqual([
      'ligne 2, colonne RPLS : numéro RPLS du logement manquant',
      'ligne 2, colonne DATE_BAIL : date du 08/12/2026 dans le futur',
      'ligne 2, colonne PERSONNES : « 21 » : un nombre entier de personnes de 1 à 20 attendu',
      'ligne 2, colonne RESSOURCES_ANNUELLES : « beaucoup » : un montant de ressources annuel en euros attendu (par exemple 24 300), vide si inconnu',
      'ligne 2, colonne PLAFOND_RESSOURCES : un plafond de 0 € n’existe pas (vide si inconnu)',
      'ligne 2, colonne HANDICAP : « peut-être » : « oui » ou « non » attendu (vide si non renseigné)',
      'ligne 2, colonne PIECES : « 0 » : un nombre entier de pièces habitables de 1 à 20 attendu (cuisine non comprise)',
      'ligne 2, colonne SURFACE : « 0,5 » : une surface habitable en m² attendue (par exemple 54,5)',
    ]);
  });

  it('un en-tête sans colonne obligatoire est refusé en ligne 1', () => {
    expect(() => lireEntete(ligne(1, ['RPLS', 'PERSONNES']), COLONNES_OCCUPATION)).toThrow(
      /ligne 1, colonne DATE_BAIL/,
    );
  });
});
