/**
 * The real public data the demo ships or depends on, read at run time without `../shared/data`:
 *
 * - `data/loiret-rpls-2024-communes.csv`: the Loiret's social-housing count, turnover and vacancy
 *   rates by commune (SDES, RPLS at 1 January 2024, Licence Ouverte; see data/README.md);
 * - the COG 2026 communes and EPCI of the Loiret, from the npm package
 *   `@etalab/decoupage-administratif` (data: Licence Ouverte), a dependency of the product.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const DEPARTEMENT_DEMO = '45';

/** One commune of the RPLS 2024 extract. */
export interface CommuneRpls {
  /** INSEE code as published (COG of the 2024 edition). */
  depcom: string;
  libcom: string;
  /** Social dwellings at 1 January 2024. */
  nbLs: number;
  /** Turnover rate in % (moves during 2023). */
  txMob: number;
  /** Vacancy rate in %. */
  txVac: number;
}

const FICHIER_RPLS = new URL('./data/loiret-rpls-2024-communes.csv', import.meta.url);

/** Splits one CSV line (comma separator, double quotes, "" as an escaped quote). */
export function champs(ligne: string): string[] {
  const out: string[] = [];
  let champ = '';
  let cite = false;
  for (let i = 0; i < ligne.length; i++) {
    const c = ligne[i];
    if (cite) {
      if (c === '"') {
        if (ligne[i + 1] === '"') {
          champ += '"';
          i++;
        } else cite = false;
      } else champ += c;
    } else if (c === '"') cite = true;
    else if (c === ',') {
      out.push(champ);
      champ = '';
    } else champ += c;
  }
  out.push(champ);
  return out;
}

/** The shipped RPLS 2024 rows of the Loiret, in file order (by commune code). */
export function lireRplsLoiret(): CommuneRpls[] {
  const lignes = readFileSync(FICHIER_RPLS, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  const entete = champs(lignes[0] ?? '');
  const col = (nom: string): number => {
    const i = entete.indexOf(nom);
    if (i < 0) throw new Error(`colonne « ${nom} » absente de ${FICHIER_RPLS.pathname}`);
    return i;
  };
  const [iCom, iLib, iNb, iMob, iVac] = ['DEPCOM', 'LIBCOM', 'nb_ls', 'tx_mob', 'tx_vac'].map(col) as [number, number, number, number, number];
  return lignes.slice(1).map((ligne, k) => {
    const f = champs(ligne);
    const r: CommuneRpls = {
      depcom: f[iCom] ?? '',
      libcom: f[iLib] ?? '',
      nbLs: Number(f[iNb]),
      txMob: Number(f[iMob]),
      txVac: Number(f[iVac]),
    };
    if (!/^\d{5}$/.test(r.depcom) || !Number.isInteger(r.nbLs) || r.nbLs < 0 || !Number.isFinite(r.txMob) || !Number.isFinite(r.txVac)) {
      throw new Error(`ligne ${k + 2} invalide dans ${FICHIER_RPLS.pathname} : ${ligne}`);
    }
    return r;
  });
}

interface EpciJson {
  code: string;
  nom: string;
  membres: { code: string }[];
}
interface CommuneJson {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  anciensCodes?: string[];
}

export interface CommuneCog {
  code: string;
  nom: string;
  /** SIREN of its EPCI à fiscalité propre, null if none. */
  epci: string | null;
}

export interface CogDepartement {
  /** The département's current communes (COG), by code. */
  communes: Map<string, CommuneCog>;
  /** The EPCI of those communes, by SIREN (an EPCI may extend beyond the département). */
  epcis: Map<string, { siren: string; nom: string }>;
  /** The current code of a commune code that may predate a merger, or null if unknown. */
  courante(code: string): string | null;
}

const require = createRequire(import.meta.url);

/** COG 2026 communes and EPCI of one département, from `@etalab/decoupage-administratif`. */
export function chargerCog(departement: string): CogDepartement {
  const tousEpci = require('@etalab/decoupage-administratif/data/epci.json') as EpciJson[];
  const toutesCommunes = require('@etalab/decoupage-administratif/data/communes.json') as CommuneJson[];
  const epciParCommune = new Map<string, EpciJson>();
  for (const e of tousEpci) for (const m of e.membres) epciParCommune.set(m.code, e);
  const communes = new Map<string, CommuneCog>();
  const epcis = new Map<string, { siren: string; nom: string }>();
  const successeur = new Map<string, string>();
  for (const c of toutesCommunes) {
    if (c.type !== 'commune-actuelle' || c.departement !== departement) continue;
    const e = epciParCommune.get(c.code) ?? null;
    communes.set(c.code, { code: c.code, nom: c.nom, epci: e?.code ?? null });
    if (e && !epcis.has(e.code)) epcis.set(e.code, { siren: e.code, nom: e.nom });
    for (const ancien of c.anciensCodes ?? []) if (!successeur.has(ancien)) successeur.set(ancien, c.code);
  }
  return {
    communes,
    epcis,
    courante: (code) => (communes.has(code) ? code : (successeur.get(code) ?? null)),
  };
}
