/**
 * Writes `bench/out/rpls-national.csv`: one bailleur's RPLS file at national scale, in the layout
 * `flux import rpls` reads (`;`, UTF-8, the SDES column names), built from the real RPLS 2019
 * counts of every commune × construction year × rooms × DPE × type × QPV (5,089,834 units at
 * scale 1). Per unit: RPLS_ID (sequential, unique), DEPCOM, QPV (1/2), TYPECONST (C/I), NBPIECE,
 * SURFHAB, CONSTRUCT, FINAN (drawn by period with the shared shares of `examples/lib/synthetic.ts`,
 * then given a FINAN code of that category and period), DPEENERGIE, LOYERPRINC, NUMVOIE, NOMVOIE.
 * Surfaces, rents and street names are synthetic.
 *
 *   node bin/run-ts.js bench/import/generate.ts [--scale 0.01] [--out FILE] [--seed N]
 *
 * Streams the gzip file and writes by 1 MiB blocks: memory stays flat. Same arguments → same bytes.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import {
  REPO_ROOT,
  Rng,
  dataPath,
  financementOf,
  parseCsvLine,
  PART_T6_PARMI_5_ET_PLUS,
} from '../../examples/lib/synthetic.ts';
import type { Financement } from '../../examples/lib/synthetic.ts';

/** The compact national file (data-ref/README.md): `5` for « 5 et plus », `1`/`0` for QPV, C/I, no « Inconnu ». */
export const SOURCE = 'rpls2019/rpls_par_date_2019_france.csv.gz';
export const COLONNES = [
  'RPLS_ID',
  'DEPCOM',
  'QPV',
  'TYPECONST',
  'NBPIECE',
  'SURFHAB',
  'CONSTRUCT',
  'FINAN',
  'DPEENERGIE',
  'LOYERPRINC',
  'NUMVOIE',
  'NOMVOIE',
];

/** A FINAN code of the category, for the period (financement-rpls.ts: 10–49 since 1977, 50–99 before). */
const CODE_FINAN: Readonly<Record<'depuis' | 'avant', Record<Financement, string>>> = {
  depuis: { PLAI: '10', PLUS: '13', PLS: '14', PLI: '16', AUTRE: '49' },
  avant: { PLAI: '51', PLUS: '50', PLS: '14', PLI: '16', AUTRE: '99' },
};
const VOIES = [
  'RUE DES LILAS',
  'AVENUE JEAN JAURES',
  'RUE VICTOR HUGO',
  'ALLEE DES PEUPLIERS',
  'BOULEVARD PASTEUR',
  'PLACE DE LA REPUBLIQUE',
  'RUE DU STADE',
  'CHEMIN DES VIGNES',
];
/** Average habitable surface by rooms (m², order of magnitude of the social stock). */
const SURFACE: Readonly<Record<string, number>> = { '1': 32, '2': 48, '3': 66, '4': 80, '5': 95, '6': 110 };

export function cheminSortie(scale: number): string {
  return resolve(REPO_ROOT, 'bench/out', scale === 1 ? 'rpls-national.csv' : `rpls-national-${scale}.csv`);
}

/** Writes the file; returns the number of units (= data rows). */
export async function generer(scale: number, out: string, seed = 2019): Promise<number> {
  mkdirSync(dirname(out), { recursive: true });
  const fd = openSync(out, 'w');
  const rng = new Rng(seed);
  let tampon = COLONNES.join(';') + '\n';
  const vider = (): void => {
    writeSync(fd, tampon);
    tampon = '';
  };
  const entree = createReadStream(dataPath(SOURCE)).pipe(createGunzip());
  let index: ((nom: string) => number) | null = null;
  let cols: number[] = [];
  // Systematic sampling, streamed: each row keeps its share of the units to within one.
  const depart = rng.next();
  let cumul = 0;
  let n = 0;
  for await (const ligne of createInterface({ input: entree, crlfDelay: Infinity })) {
    if (ligne === '') continue;
    const f = parseCsvLine(ligne);
    if (!index) {
      index = (nom) => {
        const i = f.indexOf(nom);
        if (i < 0) throw new Error(`colonne « ${nom} » absente de ${SOURCE}`);
        return i;
      };
      cols = ['DEPCOM', 'construct', 'dpeenergie', 'nbpiece', 'typeconst', 'qpv', 'n'].map(index);
      continue;
    }
    const [depcom, construct, dpe, nbpiece, typeconst, qpv, nb] = cols.map((i) => f[i] ?? '') as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const avant = Math.floor(cumul * scale + depart);
    cumul += Number(nb);
    const garder = scale >= 1 ? Number(nb) : Math.floor(cumul * scale + depart) - avant;
    const annee = Number(construct);
    const periode = annee < 1977 ? 'avant' : 'depuis';
    for (let k = 0; k < garder; k++) {
      n++;
      const pieces = nbpiece === '5' ? (rng.chance(PART_T6_PARMI_5_ET_PLUS) ? '6' : '5') : nbpiece;
      const surface = Math.round((SURFACE[pieces] ?? 70) * (0.8 + 0.4 * rng.next()) * 10) / 10;
      const loyer = Math.round(surface * (5 + 2 * rng.next()) * 100) / 100;
      tampon +=
        `R${String(n).padStart(9, '0')};${depcom};${qpv === '1' ? '1' : '2'};${typeconst};${pieces};` +
        `${surface};${construct};${CODE_FINAN[periode][financementOf(annee, rng)]};${dpe};${loyer};` +
        `${1 + (n % 120)};${VOIES[n % VOIES.length]}\n`;
      if (tampon.length > 1 << 20) vider();
    }
  }
  vider();
  closeSync(fd);
  return n;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench/import/generate.ts')) {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      out: { type: 'string' },
      seed: { type: 'string', default: '2019' },
    },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) {
    console.error(`--scale invalide « ${values.scale} » (0 < scale ≤ 1)`);
    process.exit(2);
  }
  const out = values.out ? resolve(values.out) : cheminSortie(scale);
  const debut = performance.now();
  const n = await generer(scale, out, Number(values.seed));
  console.log(`${out} : ${n} logements en ${((performance.now() - debut) / 1000).toFixed(1)} s`);
}
