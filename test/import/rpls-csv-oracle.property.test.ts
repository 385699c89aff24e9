/**
 * ADR 0024: the RPLS import keeps its hand-written CSV reader (measured ≈ 4 × faster than
 * csv-parse on the national file) and its time-ordered ids (≈ 9 × faster than the `uuid`
 * package). The kept libraries serve as oracles here: on any well-formed CSV, `LecteurCsv` yields
 * exactly csv-parse's records, with the line each starts on, whatever the chunking; every
 * `uuidOrdonne()` is a valid version-7 UUID for the `uuid` package.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { LecteurCsv, type Enregistrement } from '../../src/import/rpls-csv.ts';
import { uuidOrdonne } from '../../src/app/import-rpls.ts';

const champ = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'é', ' ', '1', ';', '"', '⏎', ',', 'Œ'), maxLength: 8 }),
  fc.constantFrom('', '45234', 'T3', 'RUE DE LA "GARE"'),
);
const enregistrements = fc.array(fc.array(champ, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 30 });

const citer = (c: string): string => (/[;"⏎]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);

function lireParMorceaux(octets: Uint8Array, coupes: number[]): Enregistrement[] {
  const lecteur = new LecteurCsv('utf-8');
  const sortie: Enregistrement[] = [];
  let debut = 0;
  for (const c of [...coupes].sort((a, b) => a - b)) {
    const fin = Math.min(c, octets.length);
    if (fin <= debut) continue;
    sortie.push(...lecteur.pousser(octets.subarray(debut, fin)));
    debut = fin;
  }
  sortie.push(...lecteur.pousser(octets.subarray(debut)), ...lecteur.terminer());
  return sortie;
}

describe('lecteur CSV du RPLS : csv-parse comme oracle (ADR 0024)', () => {
  it('mêmes enregistrements et mêmes lignes de début que csv-parse, quel que soit le découpage', () => {
    fc.assert(
      fc.property(
        enregistrements,
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(400), { maxLength: 6 }),
        (recs, fin, coupes) => {
          // A header first (the separator is detected on it), then records that are not blank lines.
          const lignes = [['RPLS_ID', 'DEPCOM', 'NOMVOIE'], ...recs.filter((r) => !(r.length === 1 && r[0] === ''))];
          // A line break inside a quoted field is the file's own.
          const texte =
            lignes
              .map((r) => r.map(citer).join(';'))
              .join(fin)
              .replaceAll('⏎', fin) + fin;
          const octets = new TextEncoder().encode(texte);
          // csv-parse's types do not model `info: true` (each row becomes { record, info }).
          const lus = parse(texte, { delimiter: ';', info: true, relax_column_count: true }) as unknown as {
            record: string[];
            info: { lines: number };
          }[];
          const attendu = lus.map((r, i, tous) => ({
            champs: r.record,
            // csv-parse says the line a record ends on; the start is one after the previous end.
            ligne: i === 0 ? 1 : tous[i - 1]!.info.lines + 1,
          }));
          const obtenu = lireParMorceaux(octets, coupes).map((e) => ({ champs: e.champs, ligne: e.ligne }));
          // csv-parse counts a CRLF inside a quoted field as two lines: its line numbers are the
          // oracle for LF files only; the fields are, for both.
          if (fin === '\n') expect(obtenu).toEqual(attendu);
          else expect(obtenu.map((e) => e.champs)).toEqual(attendu.map((e) => e.champs));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('uuidOrdonne donne des UUID de version 7 valides pour le paquet uuid', () => {
    for (let i = 0; i < 5_000; i++) {
      const u = uuidOrdonne();
      expect(validate(u)).toBe(true);
      expect(version(u)).toBe(7);
    }
  });
});
