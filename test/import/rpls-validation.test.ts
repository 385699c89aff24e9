/**
 * The pure part of the RPLS import: the header, each validation rule one by one (table-driven),
 * the transformation (typology, financing, QPV, grouped rows, merged communes, built identifiers),
 * duplicates, and the error file (the comparison with stored units is SQL: rpls-import.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { CODES_FINANCEMENT_RPLS, codeFinancementRpls } from '../../src/import/financement-rpls.ts';
import { lireTout } from '../../src/import/rpls-csv.ts';
import {
  IDENTIFIANT_CONSTRUIT,
  QPV_SANS_CODE,
  analyserEntete,
  fichierErreurs,
  validerEnregistrements,
  type ResultatValidation,
} from '../../src/import/rpls.ts';
import {
  COG,
  COLONNES_DE_BASE,
  NARBONNE_LIGNES,
  NARBONNE_LOGEMENTS,
  csv,
  ligne,
  narbonne,
  utf8,
  type Ligne,
} from './fichiers.ts';

function valider(
  lignes: readonly Ligne[],
  colonnes: readonly string[] = COLONNES_DE_BASE,
  options = {},
): ResultatValidation {
  return validerEnregistrements(lireTout(utf8(csv(lignes, { colonnes }))).enregistrements, COG, options);
}

function erreurEntete(texte: string): DonneesInvalides {
  try {
    validerEnregistrements(lireTout(utf8(texte)).enregistrements, COG);
  } catch (err) {
    if (err instanceof DonneesInvalides) return err;
    throw err;
  }
  throw new Error('aucune erreur');
}

describe('en-tête', () => {
  it('une colonne obligatoire absente est nommée (ligne 1)', () => {
    const e = erreurEntete(csv([ligne('A')], { colonnes: COLONNES_DE_BASE.filter((c) => c !== 'DEPCOM') }));
    expect(e.problemes).toEqual([
      {
        chemin: 'ligne 1, colonne DEPCOM',
        message: expect.stringMatching(/^colonne obligatoire absente de l’en-tête/),
      },
    ]);
  });

  it('toutes les colonnes absentes sont listées', () => {
    const e = erreurEntete('A;B\n1;2\n');
    expect(e.problemes.map((p) => p.chemin)).toEqual(
      ['DEPCOM', 'QPV', 'TYPECONST', 'NBPIECE', 'CONSTRUCT', 'FINAN'].map((c) => `ligne 1, colonne ${c}`),
    );
  });

  it('un fichier vide est refusé', () => {
    expect(erreurEntete('').problemes[0]!.message).toMatch(/fichier vide/);
  });

  it('les noms de colonnes ignorent la casse et les espaces', () => {
    const noms = COLONNES_DE_BASE.map((c) => ` ${c.toLowerCase()} `);
    const r = validerEnregistrements(
      lireTout(utf8(`${noms.join(';')}\n${csv([ligne('A')]).split('\n')[1]}\n`)).enregistrements,
      COG,
    );
    expect(r.rejets).toEqual([]);
    expect(r.logements).toHaveLength(1);
  });

  it('sans identifiant, l’adresse (NOMVOIE) est exigée', () => {
    const colonnes = COLONNES_DE_BASE.filter((c) => c !== 'RPLS_ID' && c !== 'NOMVOIE');
    expect(erreurEntete(csv([ligne('A')], { colonnes })).problemes).toEqual([
      { chemin: 'ligne 1, colonne NOMVOIE', message: expect.stringMatching(/ni colonne d’identifiant/) },
    ]);
  });

  it.each([
    [['RPLS_ID', 'IDENT_INT'], 'RPLS_ID'],
    [['IDENT_INT', 'NUMLOGT'], 'NUMLOGT'],
    [['IDENT_INT'], 'IDENT_INT'],
    [['NOMVOIE'], IDENTIFIANT_CONSTRUIT],
  ])('identifiant parmi %j → %s', (colonnes, identifiant) => {
    const entete = analyserEntete({
      ligne: 1,
      champs: [...COLONNES_DE_BASE.slice(1, 2), 'QPV', 'TYPECONST', 'NBPIECE', 'CONSTRUCT', 'FINAN', ...colonnes],
      guillemetNonFerme: false,
    });
    expect(entete.identifiant).toBe(identifiant);
  });
});

describe('règles de validation, une par une', () => {
  // Each case: the fields changed on a valid row, the column named, the message.
  const cas: [string, Ligne, string, RegExp][] = [
    ['commune manquante', { DEPCOM: '' }, 'DEPCOM', /^code commune manquant$/],
    ['commune mal formée', { DEPCOM: '4523' + 'X' }, 'DEPCOM', /^code commune invalide « 4523X »/],
    [
      'commune inconnue du COG',
      { DEPCOM: '45999' },
      'DEPCOM',
      /^commune inconnue du code officiel géographique « 45999 »$/,
    ],
    ['QPV manquant', { QPV: '' }, 'QPV', /^QPV manquant/],
    ['QPV invalide', { QPV: '3' }, 'QPV', /^valeur QPV invalide « 3 »/],
    ['type de construction invalide', { TYPECONST: 'X' }, 'TYPECONST', /^type de construction invalide « X »/],
    ['type de construction manquant', { TYPECONST: '' }, 'TYPECONST', /^type de construction manquant/],
    ['zéro pièce', { NBPIECE: '0' }, 'NBPIECE', /^nombre de pièces invalide « 0 »/],
    ['pièces non numériques', { NBPIECE: 'T3' }, 'NBPIECE', /^nombre de pièces invalide « T3 »/],
    ['pièces manquantes', { NBPIECE: '' }, 'NBPIECE', /^nombre de pièces manquant$/],
    ['année sur deux chiffres', { CONSTRUCT: '75' }, 'CONSTRUCT', /^année de construction invalide « 75 »/],
    ['année hors bornes', { CONSTRUCT: '3000' }, 'CONSTRUCT', /^année de construction invalide « 3000 »/],
    ['année manquante', { CONSTRUCT: '' }, 'CONSTRUCT', /^année de construction manquante$/],
    ['financement inconnu', { FINAN: '77' }, 'FINAN', /^code de financement inconnu « 77 »$/],
    ['financement manquant', { FINAN: '' }, 'FINAN', /^code de financement manquant$/],
    ['surface négative', { SURFHAB: '-3' }, 'SURFHAB', /^surface habitable invalide « -3 »/],
    ['surface nulle', { SURFHAB: '0' }, 'SURFHAB', /^surface habitable invalide « 0 »/],
    ['surface non numérique', { SURFHAB: '65 m2' }, 'SURFHAB', /^surface habitable invalide « 65 m2 »/],
    ['classe DPE invalide', { DPEENERGIE: 'H' }, 'DPEENERGIE', /^classe DPE invalide « H »/],
    ['identifiant vide', { RPLS_ID: '' }, 'RPLS_ID', /^identifiant du logement vide$/],
  ];

  it.each(cas)('%s', (_nom, modif, colonne, message) => {
    const r = valider([ligne('A'), ligne('B', modif), ligne('C')]);
    expect(r.logements.map((l) => l.rpls)).toEqual(['A', 'C']);
    expect(r.rejets).toHaveLength(1);
    expect(r.rejets[0]!.ligne).toBe(3);
    expect(r.rejets[0]!.problemes).toEqual([
      { chemin: `ligne 3, colonne ${colonne}`, message: expect.stringMatching(message) },
    ]);
  });

  // Optional columns, checked when present.
  const optionnelles: [string, string, string, RegExp][] = [
    ['loyer non numérique', 'LOYERPRINC', 'abc', /^loyer principal invalide « abc »/],
    ['conventionnement invalide', 'CONV', '3', /^conventionnement APL invalide « 3 »/],
    ['date de convention impossible', 'DATCONV', '31/02/2001', /^date de convention invalide « 31\/02\/2001 »/],
    ['date de convention mal formée', 'DATCONV', '2001', /^date de convention invalide « 2001 »/],
    ['code QPV mal formé', 'CODE_QPV', 'QX123', /^code QPV invalide « QX123 »/],
    ['nb nul', 'nb', '0', /^nombre de logements invalide « 0 »/],
    ['nb décimal', 'nb', '2.5', /^nombre de logements invalide « 2.5 »/],
    ['nb démesuré', 'nb', '99999', /^nombre de logements invalide « 99999 »/],
    ['nb manquant', 'nb', '', /^nombre de logements manquant$/],
  ];

  it.each(optionnelles)('%s', (_nom, colonne, valeur, message) => {
    const colonnes = [...COLONNES_DE_BASE, colonne];
    const r = valider(
      [ligne('A', { [colonne]: colonne === 'nb' ? '1' : '' }), ligne('B', { [colonne]: valeur })],
      colonnes,
    );
    expect(r.logements.map((l) => l.rpls)).toEqual(['A']);
    expect(r.rejets.map((x) => x.problemes)).toEqual([
      [{ chemin: `ligne 3, colonne ${colonne}`, message: expect.stringMatching(message) }],
    ]);
  });

  it('un code QPV pour un logement déclaré hors QPV', () => {
    const r = valider([ligne('A', { QPV: '2', CODE_QPV: 'QP045001' })], [...COLONNES_DE_BASE, 'CODE_QPV']);
    expect(r.rejets[0]!.problemes).toEqual([
      { chemin: 'ligne 2, colonne CODE_QPV', message: 'code QPV « QP045001 » pour un logement déclaré hors QPV' },
    ]);
  });

  it('un identifiant en double', () => {
    const r = valider([ligne('A'), ligne('B'), ligne('A')]);
    expect(r.rejets[0]!.problemes).toEqual([
      { chemin: 'ligne 4, colonne RPLS_ID', message: 'identifiant en double « A » (déjà ligne 2)' },
    ]);
  });

  it('plusieurs problèmes sur une ligne sont tous rapportés', () => {
    const r = valider([ligne('A', { FINAN: '77', NBPIECE: '0', QPV: 'x' })]);
    expect(r.rejets[0]!.problemes.map((p) => p.chemin)).toEqual([
      'ligne 2, colonne QPV',
      'ligne 2, colonne NBPIECE',
      'ligne 2, colonne FINAN',
    ]);
  });

  it('une ligne tronquée, un champ en trop', () => {
    const texte = `${COLONNES_DE_BASE.join(';')}\nA;45234;ORLEANS\nB;45234;ORLEANS;RUE;2;C;3;65;1975;13;D;en trop\nC;45234;ORLEANS;RUE;2;C;3;65;1975;13;D;;\n`;
    const r = validerEnregistrements(lireTout(utf8(texte)).enregistrements, COG);
    expect(r.rejets.map((x) => x.problemes)).toEqual([
      [{ chemin: 'ligne 2, colonne NOMVOIE', message: 'champ absent : 3 champs pour 11 colonnes (ligne tronquée ?)' }],
      [
        {
          chemin: 'ligne 3, colonne 12',
          message: expect.stringMatching(/^champ en trop : 12 champs pour 11 colonnes/),
        },
      ],
    ]);
    expect(r.logements.map((l) => l.rpls)).toEqual(['C']); // trailing empty fields are tolerated
  });
});

describe('transformation', () => {
  it.each([
    ['1', 'T1'],
    ['5', 'T5'],
    ['6', 'T6'],
    ['9', 'T6'],
    ['4.0', 'T4'],
  ])('NBPIECE %s → %s', (pieces, typologie) => {
    expect(valider([ligne('A', { NBPIECE: pieces })]).logements[0]!.typologie).toBe(typologie);
  });

  it.each([
    ['1', null, QPV_SANS_CODE],
    ['2', null, null],
    ['QP045001', null, 'QP045001'],
    ['qn045002', null, 'QN045002'],
    ['1', 'QN045003', 'QN045003'],
  ])('QPV %s, CODE_QPV %s → %s', (drapeau, code, qpv) => {
    const r = valider([ligne('A', { QPV: drapeau, CODE_QPV: code ?? '' })], [...COLONNES_DE_BASE, 'CODE_QPV']);
    expect(r.logements[0]!.qpv).toBe(qpv);
  });

  it('TYPECONST : I individuel, C et E collectifs', () => {
    const r = valider([ligne('A', { TYPECONST: 'I' }), ligne('B', { TYPECONST: 'c' }), ligne('C', { TYPECONST: 'E' })]);
    expect(r.logements.map((l) => l.individuel)).toEqual([true, false, false]);
  });

  it('chaque code FINAN de la table a une catégorie, une source et un libellé', () => {
    for (const c of CODES_FINANCEMENT_RPLS) {
      const r = valider([ligne('A', { FINAN: c.code })]);
      expect(r.logements[0]).toMatchObject({ financement: c.financement, codeFinancement: c.code });
      expect(c.libelle).not.toBe('');
      if (c.fondement !== 'texte') expect(c.note).toBeTruthy();
    }
    expect(codeFinancementRpls('12.0')?.financement).toBe('PLUS');
    expect(codeFinancementRpls('77')).toBeNull();
  });

  it.each([
    ['10', 'PLAI'],
    ['11', 'PLAI'],
    ['12', 'PLUS'],
    ['13', 'PLUS'],
    ['14', 'PLS'],
    ['16', 'PLI'],
    ['49', 'AUTRE'],
    ['52', 'PLUS'],
    ['99', 'AUTRE'],
  ])('FINAN %s → %s', (code, financement) => {
    expect(codeFinancementRpls(code)?.financement).toBe(financement);
  });

  it('loyer 9999 = sans objet ; surface décimale à virgule', () => {
    const r = valider(
      [ligne('A', { LOYERPRINC: '9999', SURFHAB: '65,5' }), ligne('B', { LOYERPRINC: '412' })],
      [...COLONNES_DE_BASE, 'LOYERPRINC'],
    );
    expect(r.logements.map((l) => [l.loyer, l.surface])).toEqual([
      [null, 65.5],
      [412, 65],
    ]);
  });

  it('conventionnement : CONV, sinon la présence de NUMCONV ou DATCONV', () => {
    const avecConv = valider(
      [ligne('A', { CONV: '1' }), ligne('B', { CONV: '2' }), ligne('C', { CONV: '' })],
      [...COLONNES_DE_BASE, 'CONV'],
    );
    expect(avecConv.logements.map((l) => l.conventionne)).toEqual([true, false, null]);
    const sansConv = valider(
      [ligne('A', { DATCONV: '24/11/1986' }), ligne('B', { DATCONV: '' })],
      [...COLONNES_DE_BASE, 'DATCONV'],
    );
    expect(sansConv.logements.map((l) => [l.conventionne, l.dateConvention])).toEqual([
      [true, '1986-11-24'],
      [false, null],
    ]);
  });

  it('une commune fusionnée passe au code courant et est rapportée ; un zéro perdu est rétabli', () => {
    // 01340 (Arbignieu) is now part of 01015 (Arboys en Bugey) in the COG.
    const r = valider([ligne('A', { DEPCOM: '01340' }), ligne('B', { DEPCOM: '1340' }), ligne('C')]);
    expect(r.rejets).toEqual([]);
    expect(r.logements.map((l) => [l.commune, l.communeFichier, l.departement])).toEqual([
      ['01015', '01340', '01'],
      ['01015', '01340', '01'],
      ['45234', '45234', '45'],
    ]);
    expect([...r.communesFusionnees]).toEqual([['01340', { courante: '01015', logements: 2 }]]);
    expect(r.logements[0]!.epci).toBe(COG.epciDeCommune('01015'));
  });

  it('--departement : les lignes d’un autre département sont comptées, pas validées', () => {
    const r = valider(
      [ligne('A'), ligne('B', { DEPCOM: '11262', FINAN: '77' }), ligne('C', { FINAN: '77' })],
      COLONNES_DE_BASE,
      { departement: '45' },
    );
    expect(r.horsDepartement).toBe(1);
    expect(r.logements.map((l) => l.rpls)).toEqual(['A']);
    expect(r.rejets.map((x) => x.ligne)).toEqual([4]);
  });

  it('une ligne groupée (nb) devient nb logements, la surface partagée', () => {
    const colonnes = [...COLONNES_DE_BASE, 'nb'];
    const r = valider([ligne('A', { nb: '3.0', SURFHAB: '200.0' })], colonnes);
    expect(r.logements.map((l) => [l.rpls, l.surface])).toEqual([
      ['A#1', 66.67],
      ['A#2', 66.67],
      ['A#3', 66.67],
    ]);
  });

  it('identifiant construit : commune, empreinte de l’adresse, rang ; stable et indépendant des accents et de la casse', () => {
    const colonnes = COLONNES_DE_BASE.filter((c) => c !== 'RPLS_ID').concat('NUMVOIE', 'nb');
    const a = valider(
      [
        ligne('', { NUMVOIE: '3', NOMVOIE: 'Rue de l’Église', nb: '2' }),
        ligne('', { NUMVOIE: '5', nb: '1' }),
        ligne('', { NUMVOIE: '3', NOMVOIE: 'RUE  DE L’EGLISE', nb: '1' }),
      ],
      colonnes,
    );
    const ids = a.logements.map((l) => l.rpls);
    expect(ids).toHaveLength(4);
    expect(ids.every((id) => /^45234-[0-9a-f]{12}-\d+$/.test(id))).toBe(true);
    const empreinte = (id: string) => id.split('-')[1];
    expect(empreinte(ids[0]!)).toBe(empreinte(ids[3]!));
    expect(ids.map((id) => id.split('-')[2])).toEqual(['1', '2', '1', '3']);
    // The same file read again gives the same identifiers.
    expect(
      valider([ligne('', { NUMVOIE: '3', NOMVOIE: 'Rue de l’Église', nb: '2' })], colonnes).logements.map(
        (l) => l.rpls,
      ),
    ).toEqual(ids.slice(0, 2));
  });

  it(`Narbonne : ${NARBONNE_LIGNES} lignes → ${NARBONNE_LOGEMENTS} logements, tous valides, identifiants uniques`, () => {
    const lu = lireTout(narbonne());
    const r = validerEnregistrements(lu.enregistrements, COG);
    expect(r.entete.identifiant).toBe(IDENTIFIANT_CONSTRUIT);
    expect(r.lignes).toBe(NARBONNE_LIGNES);
    expect(r.rejets).toEqual([]);
    expect(r.logements).toHaveLength(NARBONNE_LOGEMENTS);
    expect(new Set(r.logements.map((l) => l.rpls)).size).toBe(NARBONNE_LOGEMENTS);
    expect(new Set(r.logements.map((l) => l.commune))).toEqual(new Set(['11262']));
    // First row: 19 units at 16 R VOLTAIRE, 1184 m² in all, FINAN 12, in QPV, built 1851.
    expect(r.logements[0]).toMatchObject({
      surface: 62.32,
      financement: 'PLUS',
      codeFinancement: '12',
      qpv: 'QPV',
      construction: 1851,
      typologie: 'T3',
      dpe: 'C',
      conventionne: true,
      dateConvention: '1986-11-24',
      adresse: '16 R VOLTAIRE, APT N.9 RESIDENCE SAN MIGUEL, 11100 NARBONNE',
    });
    const parFinan = Object.fromEntries(
      ['PLAI', 'PLUS', 'PLS', 'PLI', 'AUTRE'].map((f) => [f, r.logements.filter((l) => l.financement === f).length]),
    );
    expect(parFinan).toEqual({ PLAI: 573, PLUS: 3632, PLS: 59, PLI: 0, AUTRE: 1779 });
  });
});

describe('fichier d’erreurs', () => {
  it('mêmes colonnes + Erreur, « ; », BOM, CRLF, quel que soit le séparateur d’entrée', () => {
    const texte = csv([ligne('A'), ligne('B; "b"', { FINAN: '77' })], { sep: ',' });
    const r = validerEnregistrements(lireTout(utf8(texte)).enregistrements, COG);
    const f = fichierErreurs(r.entete, r.rejets);
    expect(f.startsWith('\uFEFF')).toBe(true);
    expect(f.endsWith('\r\n')).toBe(true);
    const lignes = f.slice(1).split('\r\n');
    expect(lignes[0]).toBe([...COLONNES_DE_BASE, 'Erreur'].join(';'));
    expect(lignes[1]).toBe(
      '"B; ""b""";45234;ORLEANS;RUE DES CARMES;2;C;3;65;1975;77;D;ligne 3, colonne FINAN : code de financement inconnu « 77 »',
    );
    expect(lignes).toHaveLength(3);
    // It reads back as a CSV with the same fields.
    const relu = lireTout(Buffer.from(f, 'utf8'));
    expect(relu.separateur).toBe(';');
    expect(relu.enregistrements[1]!.champs.slice(0, -1)).toEqual(r.rejets[0]!.champs);
  });
});
