/**
 * Dev tool, never run by the product: regenerates the Loiret (45) files the demo ships in
 * `src/seed/data/` from the source files named in data/README.md, in a directory given with
 * `--source` (laid out as the files are named below):
 *
 * - `loiret-rpls-2024-communes.csv`: the rows with DEP = 45 of the SDES RPLS 2024 commune results
 *   (`odis_rpls2024_communes/lgt_soc_2024_extracted.csv`), columns DEPCOM (from DEPCOM_ARM), LIBCOM,
 *   nb_ls, tx_mob and tx_vac, in the source's order, values unchanged;
 * - `loiret-rpls-2019.csv`: the Loiret's RPLS 2019 counts (`rrrpls_rpls2019/rpls_par_date_2019_CVL.csv`)
 *   summed over `dpeserre`, with short codes (see data/README.md), sorted by commune, construction
 *   year, collective/individual, QPV, rooms, DPE;
 * - `loiret-rpls-2019-loyers.csv`: the RPLS 2019 « Loyer au m2 » of the whole stock (« Ensemble du
 *   parc ») of the Loiret and of the EPCI of its current communes (`rrrpls_rpls2019/indicateurs_rpls_2019.csv`).
 *
 *   node bin/run-ts.js src/seed/extract-loiret.ts --source DOSSIER
 *
 * Reads only the directory it is given (the repository ships the outputs, not the sources). Same
 * input → byte-identical output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { champs, chargerCog, DEPARTEMENT_DEMO } from './referentiel.ts';

const { values: options } = parseArgs({ options: { source: { type: 'string' } } });
if (!options.source) {
  console.error(
    'usage : node bin/run-ts.js src/seed/extract-loiret.ts --source DOSSIER (voir src/seed/data/README.md)',
  );
  process.exit(2);
}
const dossier = resolve(process.cwd(), options.source);
const cible = (nom: string): string => fileURLToPath(new URL(`./data/${nom}`, import.meta.url));

const ecrire = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The rows of a CSV file (BOM dropped) and a column finder on its header. */
function lire(source: string): { lignes: string[][]; col: (nom: string) => number } {
  const lignes = readFileSync(source, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map(champs);
  const entete = lignes[0] ?? [];
  return {
    lignes: lignes.slice(1),
    col: (nom) => {
      const i = entete.indexOf(nom);
      if (i < 0) throw new Error(`colonne « ${nom} » absente de ${source}`);
      return i;
    },
  };
}

function ecrireFichier(nom: string, lignes: readonly string[], message: string): void {
  writeFileSync(cible(nom), `${lignes.join('\n')}\n`);
  console.error(`${message} → ${cible(nom)}`);
}

// ───────────────────────────── RPLS 2024, by commune ─────────────────────────────

function rpls2024(): void {
  const source = resolve(dossier, 'odis_rpls2024_communes', 'lgt_soc_2024_extracted.csv');
  const { lignes, col } = lire(source);
  const [iDep, iCom, iLib, iNb, iMob, iVac] = ['DEP', 'DEPCOM_ARM', 'LIBCOM', 'nb_ls', 'tx_mob', 'tx_vac'].map(col) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const sortie = ['DEPCOM,LIBCOM,nb_ls,tx_mob,tx_vac'];
  let logements = 0;
  for (const f of lignes) {
    if (f[iDep] !== DEPARTEMENT_DEMO) continue;
    sortie.push([f[iCom]!, f[iLib]!, f[iNb]!, f[iMob]!, f[iVac]!].map(ecrire).join(','));
    logements += Number(f[iNb]);
  }
  ecrireFichier(
    'loiret-rpls-2024-communes.csv',
    sortie,
    `${sortie.length - 1} communes du Loiret (RPLS 2024), ${logements} logements sociaux`,
  );
}

// ───────────────────────────── RPLS 2019, detailed counts ─────────────────────────────

const DPE = new Map([...'ABCDEFG'].map((c) => [c, c] as const).concat([['Inconnu', '']]));
const PIECES = new Map([
  ['1', '1'],
  ['2', '2'],
  ['3', '3'],
  ['4', '4'],
  ['5 et plus', '5'],
]);
const TYPECONST = new Map([
  ['Logements collectifs', 'C'],
  ['Logements individuels', 'I'],
]);
const QPV = new Map([
  ['En QPV', '1'],
  ['Hors QPV', '0'],
]);

function code(table: ReadonlyMap<string, string>, valeur: string | undefined, colonne: string): string {
  const c = table.get(valeur ?? '');
  if (c === undefined) throw new Error(`valeur inattendue « ${valeur} » dans la colonne ${colonne}`);
  return c;
}

function rpls2019(): void {
  const source = resolve(dossier, 'rrrpls_rpls2019', 'rpls_par_date_2019_CVL.csv');
  const { lignes, col } = lire(source);
  const [iCom, iCon, iDpe, iPie, iTyp, iQpv, iN] = [
    'DEPCOM',
    'construct',
    'dpeenergie',
    'nbpiece',
    'typeconst',
    'qpv',
    'n',
  ].map(col) as [number, number, number, number, number, number, number];
  // Summed over dpeserre (the only column dropped).
  const sommes = new Map<string, { cle: string[]; n: number }>();
  let total = 0;
  for (const f of lignes) {
    const depcom = f[iCom] ?? '';
    if (!depcom.startsWith(DEPARTEMENT_DEMO)) continue;
    const construct = f[iCon] ?? '';
    const n = Number(f[iN]);
    if (!/^\d{5}$/.test(depcom) || !/^\d{4}$/.test(construct) || !Number.isInteger(n) || n <= 0)
      throw new Error(`ligne invalide dans ${source} : ${f.join(',')}`);
    const cle = [
      depcom,
      construct,
      code(DPE, f[iDpe], 'dpeenergie'),
      code(PIECES, f[iPie], 'nbpiece'),
      code(TYPECONST, f[iTyp], 'typeconst'),
      code(QPV, f[iQpv], 'qpv'),
    ];
    const k = cle.join(',');
    const s = sommes.get(k);
    if (s) s.n += n;
    else sommes.set(k, { cle, n });
    total += n;
  }
  // Sorted by commune, construction year, collective/individual, QPV, rooms, DPE (unknown last).
  const tri = (c: string[]): string => [c[0], c[1], c[4], c[5], c[3], c[2] === '' ? 'Z' : c[2]].join('|');
  const rangees = [...sommes.values()].sort((a, b) => (tri(a.cle) < tri(b.cle) ? -1 : tri(a.cle) > tri(b.cle) ? 1 : 0));
  const sortie = [
    'DEPCOM,construct,dpeenergie,nbpiece,typeconst,qpv,n',
    ...rangees.map((r) => [...r.cle, String(r.n)].join(',')),
  ];
  const communes = new Set(rangees.map((r) => r.cle[0])).size;
  ecrireFichier(
    'loiret-rpls-2019.csv',
    sortie,
    `${rangees.length} lignes, ${communes} communes du Loiret (RPLS 2019), ${total} logements sociaux`,
  );
}

// ───────────────────────────── RPLS 2019, rent per m² ─────────────────────────────

function loyers2019(): void {
  const source = resolve(dossier, 'rrrpls_rpls2019', 'indicateurs_rpls_2019.csv');
  const { lignes, col } = lire(source);
  const [iType, iZone, iCode, iVar, iVal, iSous] = [
    'TypeZone',
    'Zone',
    'CodeZone',
    'Variable',
    'Valeur',
    'SousEnsemble',
  ].map(col) as [number, number, number, number, number, number];
  const epcis = new Set(chargerCog(DEPARTEMENT_DEMO).epcis.keys());
  const garder = (f: string[]): boolean =>
    f[iVar] === 'loyer_m2' &&
    f[iSous] === 'Ensemble du parc' &&
    ((f[iType] === 'Départements' && f[iCode] === DEPARTEMENT_DEMO) ||
      (f[iType] === 'Epci' && epcis.has(f[iCode] ?? '')));
  const rangees = lignes.filter(garder).map((f) => [f[iType]!, f[iCode]!, f[iZone]!, f[iVal]!]);
  // The département first, then the EPCI by SIREN.
  rangees.sort((a, b) => (a[0] !== b[0] ? (a[0] === 'Départements' ? -1 : 1) : a[1]! < b[1]! ? -1 : 1));
  const manquants = [...epcis].filter((s) => !rangees.some((r) => r[1] === s));
  const sortie = ['TypeZone,CodeZone,Zone,loyer_m2', ...rangees.map((r) => r.map(ecrire).join(','))];
  ecrireFichier(
    'loiret-rpls-2019-loyers.csv',
    sortie,
    `loyer au m² (RPLS 2019) : le Loiret et ${rangees.length - 1} EPCI${manquants.length > 0 ? ` (sans valeur : ${manquants.join(', ')})` : ''}`,
  );
}

rpls2024();
rpls2019();
loyers2019();
