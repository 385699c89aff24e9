/**
 * The demands template shipped with the docs (examples/demandes/modele-demandes.csv) is valid as
 * it stands, and the rules of a row read as docs/demandes.md says (ADR 0036; validity: CCH
 * R.441-2-7).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { valeurAu } from '../../src/domain/legal-parameters.ts';
import {
  COLONNES_ALLOCATIONS,
  COLONNES_DEMANDES,
  finDeValidite,
  lireAllocation,
  lireDate,
  lireDemande,
  lireEntete,
} from '../../src/import/demandes.ts';
import { lireTout } from '../../src/import/rpls-csv.ts';

const lire = (chemin: string) => lireTout(readFileSync(new URL(`../../${chemin}`, import.meta.url))).enregistrements;

describe('le modèle de fichier de demandes', () => {
  it('chaque ligne du modèle est valide', () => {
    const [entete, ...lignes] = lire('examples/demandes/modele-demandes.csv');
    const e = lireEntete(entete, COLONNES_DEMANDES);
    const fiches = lignes.map((l) => lireDemande(e, l, '2026-12-07'));
    expect(fiches.flatMap((f) => f.problemes)).toEqual([]);
    expect(fiches[0]!.fiche).toMatchObject({
      numero: '045261100012345',
      personnes: 3,
      dalo: true,
      typologies: ['T2', 'T3'],
      situations: ['sans_logement'],
      lienLocal: true,
      refusAdaptes: [],
      mutationInterne: false,
    });
    expect(fiches[1]!.fiche).toMatchObject({ situations: ['heberge_chez_un_tiers'], refusAdaptes: ['2025-09-15'] });
    expect(fiches[2]!.fiche).toMatchObject({
      situations: ['sur_occupation', 'violences_familiales'],
      mutationInterne: true,
    });
  });

  it('les colonnes de la cotation : situations en codes, oui/non, dates de refus — erreurs en français par ligne et colonne', () => {
    const entete = lire('examples/demandes/modele-demandes.csv')[0]!;
    const e = lireEntete(entete, COLONNES_DEMANDES);
    const ligne = (cellules: string, n = 2) => ({
      ligne: n,
      champs: `045261100012345;12/01/2026;;3;1;18400;;45234;T2;${cellules}`.split(';'),
      guillemetNonFerme: false,
    });
    const ok = lireDemande(e, ligne('Hébergé chez un tiers| Sans logement ;OUI;01/03/2026|15/02/2026;0'), '2026-12-07');
    expect(ok.problemes).toEqual([]);
    expect(ok.fiche).toMatchObject({
      situations: ['heberge_chez_un_tiers', 'sans_logement'],
      lienLocal: true,
      refusAdaptes: ['2026-02-15', '2026-03-01'],
      mutationInterne: false,
    });
    const ko = lireDemande(e, ligne('!!;peut-être;31/02/2026|01/01/2025|01/01/2027;2', 7), '2026-12-07');
    expect(ko.fiche).toBeNull();
    expect(ko.problemes.map((p) => `${p.chemin} : ${p.message}`)).toEqual([
      'ligne 7, colonne SITUATIONS : situation « !! » : un code de 1 à 60 lettres ou chiffres attendu (par exemple sans_logement)',
      'ligne 7, colonne LIEN_LOCAL : « peut-être » : oui ou non attendu (vide : non)',
      'ligne 7, colonne MUTATION_INTERNE : « 2 » : oui ou non attendu (vide : non)',
      'ligne 7, colonne REFUS_ADAPTES : date de refus « 31/02/2026 » invalide (JJ/MM/AAAA attendu, séparées par « | »)',
      'ligne 7, colonne REFUS_ADAPTES : refus du 01/01/2025 avant la demande du 12/01/2026',
      'ligne 7, colonne REFUS_ADAPTES : refus du 01/01/2027 dans le futur',
    ]);
  });

  it('l’exemple du rapprochement est valide', () => {
    const [entete, ...lignes] = lire('examples/demandes/attributions-sne.csv');
    const e = lireEntete(entete, COLONNES_ALLOCATIONS);
    expect(lignes.map((l) => lireAllocation(e, l).problemes)).toEqual([[], [], []]);
  });

  it('validité d’une demande : un an après son dépôt ou son dernier renouvellement (CCH R.441-2-7)', () => {
    expect(valeurAu('dureeValiditeDemandeMois', '2026-12-07')).toBe(12);
    expect(finDeValidite({ dateDemande: '2026-01-12', dateRenouvellement: null }, 12)).toBe('2027-01-11');
    expect(finDeValidite({ dateDemande: '2024-01-12', dateRenouvellement: '2025-02-28' }, 12)).toBe('2026-02-27');
    expect(finDeValidite({ dateDemande: '2024-02-29', dateRenouvellement: null }, 12)).toBe('2025-02-27');
  });

  it('dates JJ/MM/AAAA ou AAAA-MM-JJ, réelles', () => {
    expect(lireDate('07/12/2026')).toBe('2026-12-07');
    expect(lireDate('2026-12-07')).toBe('2026-12-07');
    expect(lireDate('29/02/2026')).toBeNull();
    expect(lireDate('12/2026')).toBeNull();
  });
});
