/**
 * The real public data the demo ships or depends on, read at run time from the repository only:
 *
 * - `data/loiret-rpls-2019.csv`: the Loiret's social dwellings at 1 January 2019 counted by commune
 *   × construction year × DPE energy class × rooms × collective/individual × QPV (SDES, RPLS 2019,
 *   via MaelTheuliere/rrrpls; see data/README.md for its licence);
 * - `data/loiret-rpls-2019-loyers.csv`: the RPLS 2019 mean rent per m² of the Loiret and of its
 *   EPCI (same source);
 * - `data/loiret-rpls-2024-communes.csv`: the Loiret's social-housing count, turnover and letting
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
  /** Letting rate in %. */
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
  const lignes = readFileSync(FICHIER_RPLS, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const entete = champs(lignes[0] ?? '');
  const col = (nom: string): number => {
    const i = entete.indexOf(nom);
    if (i < 0) throw new Error(`colonne « ${nom} » absente de ${FICHIER_RPLS.pathname}`);
    return i;
  };
  const [iCom, iLib, iNb, iMob, iVac] = ['DEPCOM', 'LIBCOM', 'nb_ls', 'tx_mob', 'tx_vac'].map(col) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return lignes.slice(1).map((ligne, k) => {
    const f = champs(ligne);
    const r: CommuneRpls = {
      depcom: f[iCom] ?? '',
      libcom: f[iLib] ?? '',
      nbLs: Number(f[iNb]),
      txMob: Number(f[iMob]),
      txVac: Number(f[iVac]),
    };
    if (
      !/^\d{5}$/.test(r.depcom) ||
      !Number.isInteger(r.nbLs) ||
      r.nbLs < 0 ||
      !Number.isFinite(r.txMob) ||
      !Number.isFinite(r.txVac)
    ) {
      throw new Error(`ligne ${k + 2} invalide dans ${FICHIER_RPLS.pathname} : ${ligne}`);
    }
    return r;
  });
}

/** One row of the RPLS 2019 counts: `n` dwellings sharing these characteristics. */
export interface ComptageRpls2019 {
  /** INSEE code as published (COG 2019: some communes have merged since). */
  depcom: string;
  /** Year construction was completed, as published (a few are implausibly old). */
  construction: number;
  /** DPE energy class A–G, null when unknown (« Inconnu »). */
  dpe: 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | null;
  /** Number of rooms, 5 standing for « 5 et plus ». */
  pieces: 1 | 2 | 3 | 4 | 5;
  individuel: boolean;
  qpv: boolean;
  n: number;
}

const FICHIER_RPLS_2019 = new URL('./data/loiret-rpls-2019.csv', import.meta.url);
const FICHIER_LOYERS_2019 = new URL('./data/loiret-rpls-2019-loyers.csv', import.meta.url);

/** A shipped CSV file's rows (header checked) and the fields of each. */
function lireCsv(fichier: URL, colonnes: readonly string[]): string[][] {
  const lignes = readFileSync(fichier, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l !== '');
  const entete = champs(lignes[0] ?? '');
  if (entete.join(',') !== colonnes.join(','))
    throw new Error(`en-tête inattendu dans ${fichier.pathname} : ${lignes[0]}`);
  return lignes.slice(1).map(champs);
}

/** The shipped RPLS 2019 counts of the Loiret, in file order (commune, year, collective/individual, QPV, rooms, DPE). */
export function lireRpls2019Loiret(): ComptageRpls2019[] {
  return lireCsv(FICHIER_RPLS_2019, ['DEPCOM', 'construct', 'dpeenergie', 'nbpiece', 'typeconst', 'qpv', 'n']).map(
    (f, k) => {
      const [depcom = '', construct = '', dpe = '', pieces = '', typeconst = '', qpv = '', n = ''] = f;
      const r: ComptageRpls2019 = {
        depcom,
        construction: Number(construct),
        dpe: dpe === '' ? null : (dpe as ComptageRpls2019['dpe']),
        pieces: Number(pieces) as ComptageRpls2019['pieces'],
        individuel: typeconst === 'I',
        qpv: qpv === '1',
        n: Number(n),
      };
      if (
        !/^\d{5}$/.test(depcom) ||
        !/^\d{4}$/.test(construct) ||
        !/^[A-G]?$/.test(dpe) ||
        !/^[1-5]$/.test(pieces) ||
        !/^[CI]$/.test(typeconst) ||
        !/^[01]$/.test(qpv) ||
        !Number.isInteger(r.n) ||
        r.n <= 0
      ) {
        throw new Error(`ligne ${k + 2} invalide dans ${FICHIER_RPLS_2019.pathname} : ${f.join(',')}`);
      }
      return r;
    },
  );
}

/** RPLS 2019 mean monthly rent per m² (€) of the whole stock: the département's and each EPCI's (by SIREN). */
export interface LoyersRpls2019 {
  departement: number;
  epci: Map<string, number>;
}

export function lireLoyersLoiret(): LoyersRpls2019 {
  let departement: number | null = null;
  const epci = new Map<string, number>();
  for (const f of lireCsv(FICHIER_LOYERS_2019, ['TypeZone', 'CodeZone', 'Zone', 'loyer_m2'])) {
    const [type, code = '', , valeur] = f;
    const v = Number(valeur);
    if (!(v > 0)) throw new Error(`loyer au m² invalide dans ${FICHIER_LOYERS_2019.pathname} : ${f.join(',')}`);
    if (type === 'Départements' && code === DEPARTEMENT_DEMO) departement = v;
    else if (type === 'Epci') epci.set(code, v);
  }
  if (departement === null) throw new Error(`loyer au m² du département absent de ${FICHIER_LOYERS_2019.pathname}`);
  return { departement, epci };
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
