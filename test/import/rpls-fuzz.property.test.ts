/**
 * Property-based fuzzing of the reader and the validation (fast-check): whatever the bytes, the
 * pipeline either rejects the header with `DonneesInvalides` or returns units and rejects; it never
 * throws anything else, every problem names a line and a column, and the lines it names exist.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DonneesInvalides } from '../../src/domain/errors.ts';
import { DecoupeurCsv, LecteurCsv, lireTout, type Enregistrement } from '../../src/import/rpls-csv.ts';
import { fichierErreurs, validerEnregistrements } from '../../src/import/rpls.ts';
import { COG, narbonne } from './fichiers.ts';

const CHEMIN = /^ligne (\d+), colonne \S.*$/;

/** Runs the pure pipeline; returns the problems (header or rows), checking the error file too. */
function analyser(octets: Uint8Array): { lignes: number; problemes: { chemin: string; message: string }[] } {
  const lu = lireTout(octets);
  const derniereLigne = lu.enregistrements.reduce((m, e) => Math.max(m, e.ligne), 1);
  try {
    const r = validerEnregistrements(lu.enregistrements, COG);
    const f = fichierErreurs(r.entete, r.rejets);
    expect(f.startsWith('\uFEFF')).toBe(true);
    expect(f.split('\r\n').length).toBeGreaterThanOrEqual(r.rejets.length + 1);
    return { lignes: derniereLigne, problemes: r.rejets.flatMap((x) => x.problemes) };
  } catch (err) {
    if (err instanceof DonneesInvalides) return { lignes: derniereLigne, problemes: err.problemes };
    throw err;
  }
}

function verifier(octets: Uint8Array): void {
  const { lignes, problemes } = analyser(octets);
  for (const p of problemes) {
    const m = CHEMIN.exec(p.chemin);
    expect(m, p.chemin).not.toBeNull();
    const n = Number(m![1]);
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(Math.max(lignes, 2));
    expect(p.message.length).toBeGreaterThan(0);
  }
}

const NARBONNE = narbonne();
/** A small valid file: the header and the first 25 rows of Narbonne. */
const PETIT = (() => {
  let fin = 0;
  for (let k = 0; k < 26; k++) fin = NARBONNE.indexOf(0x0a, fin) + 1;
  return NARBONNE.subarray(0, fin);
})();
/** Bytes that matter to a CSV reader. */
const OCTETS_SPECIAUX = [
  0x3b, 0x2c, 0x22, 0x0d, 0x0a, 0x20, 0x00, 0xc3, 0xa9, 0xe9, 0xef, 0xbb, 0xbf, 0xff, 0x31, 0x39,
];

const mutation = fc.oneof(
  // replace one byte
  fc.record({
    type: fc.constant('remplacer' as const),
    pos: fc.nat(),
    octet: fc.oneof(fc.constantFrom(...OCTETS_SPECIAUX), fc.integer({ min: 0, max: 255 })),
  }),
  // delete a range
  fc.record({ type: fc.constant('supprimer' as const), pos: fc.nat(), longueur: fc.integer({ min: 1, max: 40 }) }),
  // insert random bytes
  fc.record({
    type: fc.constant('inserer' as const),
    pos: fc.nat(),
    octets: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  // cut the file (truncation)
  fc.record({ type: fc.constant('tronquer' as const), pos: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function muter(base: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Buffer.from(base);
  for (const m of ms) {
    const pos = b.length === 0 ? 0 : m.pos % (b.length + 1);
    if (m.type === 'remplacer' && pos < b.length) b[pos] = m.octet;
    else if (m.type === 'supprimer') b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + m.longueur)]);
    else if (m.type === 'inserer') b = Buffer.concat([b.subarray(0, pos), Buffer.from(m.octets), b.subarray(pos)]);
    else if (m.type === 'tronquer') b = b.subarray(0, pos);
  }
  return b;
}

describe('fuzzing du lecteur et de la validation RPLS', () => {
  it('des octets au hasard : seulement l’erreur typée, chaque problème nomme une ligne et une colonne', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (octets) => verifier(octets)),
      { numRuns: 400 },
    );
  });

  it('du texte au hasard fait des caractères du CSV', () => {
    const car = fc.constantFrom(';', ',', '"', '\r', '\n', 'a', '1', ' ', 'é', 'DEPCOM', 'FINAN', 'QPV', '12');
    fc.assert(
      fc.property(fc.array(car, { maxLength: 200 }), (morceaux) => verifier(Buffer.from(morceaux.join(''), 'utf8'))),
      { numRuns: 400 },
    );
  });

  it('des mutations d’un fichier RPLS valide : seulement l’erreur typée, chaque rejet nomme une ligne et une colonne', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => verifier(muter(PETIT, ms))),
      { numRuns: 300 },
    );
  });

  it('le découpage en morceaux ne change rien (octets au hasard, coupures au hasard)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(mutation, { maxLength: 3 }), { maxLength: 1 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (ms, coupes) => {
          const octets = muter(PETIT, ms.flat());
          const entier = lireTout(octets);
          const positions = [...new Set(coupes.map((c) => c % (octets.length + 1)))].sort((a, b) => a - b);
          const l = new LecteurCsv(entier.encodage);
          const es: Enregistrement[] = [];
          let debut = 0;
          for (const p of [...positions, octets.length]) {
            es.push(...l.pousser(octets.subarray(debut, p)));
            debut = p;
          }
          es.push(...l.terminer());
          expect(es).toEqual(entier.enregistrements);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('aller-retour : des champs quelconques écrits en CSV cité se relisent à l’identique', () => {
    const champ = fc.string({ unit: fc.constantFrom('a', 'é', ';', ',', '"', '\n', '\r', ' ', 'x'), maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(champ, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(';', ','),
        (lignes, sep: ';' | ',') => {
          const texte = lignes.map((l) => l.map((c) => `"${c.replace(/"/g, '""')}"`).join(sep)).join('\r\n');
          const d = new DecoupeurCsv(sep);
          const sortie: Enregistrement[] = [];
          d.pousser(texte, sortie);
          d.terminer(sortie);
          expect(sortie.map((e) => e.champs)).toEqual(lignes);
        },
      ),
      { numRuns: 300 },
    );
  });
});
