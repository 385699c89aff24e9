/** The streaming CSV reader: separators, quotes, line breaks, encodings, chunk boundaries. */
import { describe, expect, it } from 'vitest';
import {
  DecoupeurCsv,
  LecteurCsv,
  detecterSeparateur,
  lireTout,
  type Enregistrement,
} from '../../src/import/rpls-csv.ts';
import { latin1, narbonne, utf8, utf8Bom } from './fichiers.ts';

const champs = (es: Enregistrement[]) => es.map((e) => e.champs);

function decouper(texte: string, sep: ';' | ',' = ';'): Enregistrement[] {
  const d = new DecoupeurCsv(sep);
  const sortie: Enregistrement[] = [];
  d.pousser(texte, sortie);
  d.terminer(sortie);
  return sortie;
}

/** The same text pushed one character at a time. */
function decouperParCaractere(texte: string, sep: ';' | ',' = ';'): Enregistrement[] {
  const d = new DecoupeurCsv(sep);
  const sortie: Enregistrement[] = [];
  for (const c of texte) d.pousser(c, sortie);
  d.terminer(sortie);
  return sortie;
}

describe('découpage', () => {
  it.each([
    [
      'LF',
      'a;b\nc;d\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'CRLF',
      'a;b\r\nc;d\r\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'CR seul',
      'a;b\rc;d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'sans fin de ligne finale',
      'a;b\nc;d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'champs vides',
      ';;\n;x;\n',
      [
        ['', '', ''],
        ['', 'x', ''],
      ],
    ],
    [
      'lignes vides ignorées',
      '\n\na;b\n\n\nc;d\n\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['guillemets', '"a;1";"b ""q"" c"\n', [['a;1', 'b "q" c']]],
    [
      'saut de ligne entre guillemets',
      '"a\r\nb";c\nd;e\n',
      [
        ['a\r\nb', 'c'],
        ['d', 'e'],
      ],
    ],
    ['guillemet vide', '"";x\n', [['', 'x']]],
    ['guillemet au milieu d’un champ non cité', 'a"b;c\n', [['a"b', 'c']]],
    ['texte après guillemet fermant', '"a"b;c\n', [['ab', 'c']]],
    ['virgule', 'a,"b,c"\n', [['a', 'b,c']]],
  ] as const)('%s', (_nom, texte, attendu) => {
    const sep = _nom === 'virgule' ? ',' : ';';
    expect(champs(decouper(texte, sep))).toEqual(attendu);
    expect(champs(decouperParCaractere(texte, sep))).toEqual(attendu);
  });

  it('retire des cellules les caractères de contrôle (NUL, DEL…), garde tabulations et sauts de ligne cités', () => {
    expect(champs(decouper('a\u0000b;c\u0007\u007f\n"d\te\r\nf";\u0000\n'))).toEqual([
      ['ab', 'c'],
      ['d\te\r\nf', ''],
    ]);
  });

  it('numérote les lignes physiques, y compris dans les champs cités', () => {
    const es = decouper('h1;h2\r\n"a\r\nb";c\r\n\r\nd;e\r\n');
    expect(es.map((e) => e.ligne)).toEqual([1, 2, 5]);
  });

  it('signale un guillemet jamais fermé (fichier tronqué)', () => {
    const es = decouper('a;b\nc;"d e');
    expect(es).toHaveLength(2);
    expect(es[1]).toEqual({ ligne: 2, champs: ['c', 'd e'], guillemetNonFerme: true });
  });

  it('détecte le séparateur sur l’en-tête', () => {
    expect(detecterSeparateur('A;B;C')).toBe(';');
    expect(detecterSeparateur('A,B,C')).toBe(',');
    expect(detecterSeparateur('"A;B",C,D')).toBe(',');
    expect(detecterSeparateur('A')).toBe(';');
  });
});

describe('encodages', () => {
  const texte = 'DEPCOM;LIBCOM\n45068;CHÂLETTE-SUR-LOING\n45234;ORLÉANS\n';
  const attendu = [
    ['DEPCOM', 'LIBCOM'],
    ['45068', 'CHÂLETTE-SUR-LOING'],
    ['45234', 'ORLÉANS'],
  ];

  it.each([
    ['UTF-8', utf8(texte), 'utf-8'],
    ['UTF-8 avec BOM', utf8Bom(texte), 'utf-8'],
    ['Latin-1', latin1(texte), 'windows-1252'],
  ] as const)('%s', (_nom, octets, encodage) => {
    const r = lireTout(octets);
    expect(r.encodage).toBe(encodage);
    expect(r.separateur).toBe(';');
    expect(champs(r.enregistrements)).toEqual(attendu);
  });

  it('Windows-1252 : « ’ » et « œ » des tableurs français', () => {
    const octets = Buffer.from([0x4c, 0x92, 0x9c, 0x3b, 0x78, 0x0a]); // L’œ;x
    expect(champs(lireTout(octets).enregistrements)).toEqual([['L’œ', 'x']]);
  });

  it('un caractère UTF-8 coupé entre deux morceaux reste entier', () => {
    const octets = utf8('A;B\nÉ;ü\n');
    for (let coupe = 0; coupe <= octets.length; coupe++) {
      const l = new LecteurCsv('utf-8');
      const es = [...l.pousser(octets.subarray(0, coupe)), ...l.pousser(octets.subarray(coupe)), ...l.terminer()];
      expect(champs(es)).toEqual([
        ['A', 'B'],
        ['É', 'ü'],
      ]);
    }
  });

  it('le fichier de Narbonne, découpé en morceaux de toutes tailles, donne les mêmes enregistrements', () => {
    const octets = narbonne();
    const entier = lireTout(octets).enregistrements;
    expect(entier).toHaveLength(1171);
    for (const taille of [1, 7, 64, 4093]) {
      const l = new LecteurCsv('utf-8');
      const es: Enregistrement[] = [];
      for (let i = 0; i < octets.length; i += taille) es.push(...l.pousser(octets.subarray(i, i + taille)));
      es.push(...l.terminer());
      expect(es).toEqual(entier);
    }
  });
});
