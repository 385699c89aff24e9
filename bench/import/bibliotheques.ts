/**
 * Kept libraries against the hand-written pieces of the RPLS import (issue 16, ADR 0024):
 *
 * - CSV: `csv-parse` (streaming parser, options giving the same records: `;`, quotes, line of each
 *   record) against `LecteurCsv` (src/import/rpls-csv.ts), on the same bytes read by 1 MiB chunks;
 *   both must yield the same records (fields and starting line, checked by a running hash).
 * - Time-ordered ids: the `uuid` package's `v7()` against `uuidOrdonne()`, 1 M ids each.
 *
 *   node bin/run-ts.js bench/import/generate.ts --scale 0.2 --out /tmp/rpls.csv
 *   node bin/run-ts.js bench/import/bibliotheques.ts /tmp/rpls.csv [--tours 3]
 *
 * Prints the best of N runs of each and their ratio.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { v7 } from 'uuid';
import { LecteurCsv } from '../../src/import/rpls-csv.ts';
import { uuidOrdonne } from '../../src/app/import-rpls.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { tours: { type: 'string', default: '3' } },
});
const fichier = positionals[0];
if (!fichier) {
  console.error('usage : bibliotheques.ts FICHIER.csv [--tours N]');
  process.exit(2);
}
const tours = Number(values.tours);

function* morceaux(chemin: string): Generator<Uint8Array> {
  const fd = openSync(chemin, 'r');
  const tampon = Buffer.alloc(1 << 20);
  try {
    for (;;) {
      const n = readSync(fd, tampon, 0, tampon.length, null);
      if (n === 0) return;
      yield tampon.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

interface Resultat {
  ms: number;
  n: number;
  empreinte: string;
}

function faitMain(): Resultat {
  const debut = performance.now();
  const h = createHash('sha1');
  let n = 0;
  const lecteur = new LecteurCsv('utf-8');
  const avaler = (rs: { ligne: number; champs: string[] }[]) => {
    for (const r of rs) {
      n++;
      h.update(`${r.ligne}|${r.champs.join('\u0001')}\n`);
    }
  };
  for (const m of morceaux(fichier!)) avaler(lecteur.pousser(m));
  avaler(lecteur.terminer());
  return { ms: performance.now() - debut, n, empreinte: h.digest('hex') };
}

async function csvParse(): Promise<Resultat> {
  const debut = performance.now();
  const h = createHash('sha1');
  let n = 0;
  const p = parse({
    delimiter: ';',
    bom: true,
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
  });
  const fin = new Promise<void>((ok, ko) => {
    p.on('readable', () => {
      let r: { record: string[]; info: { lines: number } } | null;
      while ((r = p.read() as typeof r) !== null) {
        n++;
        h.update(`${r.info.lines}|${r.record.join('\u0001')}\n`);
      }
    });
    p.on('end', ok);
    p.on('error', ko);
  });
  for (const m of morceaux(fichier!)) {
    if (!p.write(Buffer.from(m))) await new Promise((ok) => p.once('drain', ok));
  }
  p.end();
  await fin;
  return { ms: performance.now() - debut, n, empreinte: h.digest('hex') };
}

function ids(f: () => string): Resultat {
  const debut = performance.now();
  let precedent = '';
  let ordonnes = 0;
  for (let i = 0; i < 1_000_000; i++) {
    const u = f();
    if (u > precedent) ordonnes++;
    precedent = u;
  }
  return { ms: performance.now() - debut, n: ordonnes, empreinte: '' };
}

const meilleur = async (f: () => Resultat | Promise<Resultat>): Promise<Resultat> => {
  let m: Resultat | null = null;
  for (let i = 0; i < tours; i++) {
    const r = await f();
    if (!m || r.ms < m.ms) m = r;
  }
  return m!;
};

const main = await meilleur(faitMain);
const lib = await meilleur(csvParse);
console.log(`CSV ${fichier}`);
console.log(`  LecteurCsv (fait main) : ${main.n} enregistrements en ${main.ms.toFixed(0)} ms`);
console.log(`  csv-parse              : ${lib.n} enregistrements en ${lib.ms.toFixed(0)} ms`);
console.log(`  mêmes enregistrements : ${main.empreinte === lib.empreinte ? 'oui' : 'NON'}`);
console.log(`  csv-parse / fait main : ${(lib.ms / main.ms).toFixed(2)} ×`);
const a = await meilleur(() => ids(uuidOrdonne));
const b = await meilleur(() => ids(v7));
console.log('UUID v7, 1 000 000 identifiants');
console.log(`  uuidOrdonne : ${a.ms.toFixed(0)} ms (${a.n} croissants)`);
console.log(`  uuid.v7     : ${b.ms.toFixed(0)} ms (${b.n} croissants)`);
console.log(`  uuid / fait main : ${(b.ms / a.ms).toFixed(2)} ×`);
