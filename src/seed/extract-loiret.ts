/**
 * Dev tool, never run by the product: regenerates `src/seed/data/loiret-rpls-2024-communes.csv`,
 * the Loiret (45) rows of the SDES RPLS 2024 commune results, from the shared data set
 * (`odis_rpls2024_communes/lgt_soc_2024_extracted.csv`, see data/README.md).
 *
 *   node bin/run-ts.js src/seed/extract-loiret.ts
 *
 * Reads `$FLUX_SHARED_DATA` (default `../shared/data` beside the repository). Keeps the columns
 * DEPCOM (from DEPCOM_ARM), LIBCOM, nb_ls, tx_mob and tx_vac, in the source's order (by commune
 * code), values unchanged. Same input → byte-identical output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { champs } from './referentiel.ts';

const DEPARTEMENT = '45';
const racine = fileURLToPath(new URL('../../', import.meta.url));
const partage = process.env['FLUX_SHARED_DATA'];
const dossier = partage ? (isAbsolute(partage) ? partage : resolve(process.cwd(), partage)) : resolve(racine, '..', 'shared', 'data');
const source = resolve(dossier, 'odis_rpls2024_communes', 'lgt_soc_2024_extracted.csv');
const cible = fileURLToPath(new URL('./data/loiret-rpls-2024-communes.csv', import.meta.url));

const ecrire = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const lignes = readFileSync(source, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
const entete = champs(lignes[0] ?? '');
const col = (nom: string): number => {
  const i = entete.indexOf(nom);
  if (i < 0) throw new Error(`colonne « ${nom} » absente de ${source}`);
  return i;
};
const [iDep, iCom, iLib, iNb, iMob, iVac] = ['DEP', 'DEPCOM_ARM', 'LIBCOM', 'nb_ls', 'tx_mob', 'tx_vac'].map(col) as [number, number, number, number, number, number];

const sortie = ['DEPCOM,LIBCOM,nb_ls,tx_mob,tx_vac'];
let logements = 0;
for (const ligne of lignes.slice(1)) {
  if (ligne === '') continue;
  const f = champs(ligne);
  if (f[iDep] !== DEPARTEMENT) continue;
  sortie.push([f[iCom]!, f[iLib]!, f[iNb]!, f[iMob]!, f[iVac]!].map(ecrire).join(','));
  logements += Number(f[iNb]);
}
writeFileSync(cible, `${sortie.join('\n')}\n`);
console.error(`${sortie.length - 1} communes du Loiret, ${logements} logements sociaux → ${cible}`);
