/**
 * Shared pieces of the deterministic scenario generators (`examples/generate-loiret.ts` and
 * `bench/engine/generate.ts`): a seeded PRNG, the reference data readers (RPLS 2019 aggregates,
 * COG 2026), the synthetic parts (financing, QPV codes, events) and the scenario types as written.
 *
 * Only Node built-ins: the generators must run with nothing but `tsx`.
 * Every random choice goes through one `Rng`, so one seed always gives byte-identical output.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import {
  Calendrier,
  cycleDeLocation,
  MOTIFS_ORIENTATION_MULTIPLE,
  PARTS_EXCLUSION,
  PARTS_FINANCEMENT,
  PART_ATTRIBUTION,
  PART_BAIL_APRES_ATTRIBUTION,
  PART_CANDIDATS,
  PART_ORIENTATION_FORCEE,
  PART_ORIENTATION_MULTIPLE,
  PART_PRIORITAIRE,
  PART_QUARTILE1,
  PART_RELOGEMENT_ANRU,
  PART_UN_SEUL_CANDIDAT,
  Rng,
  exclusionOf,
  financementOf,
  hashSeed,
} from '../../src/seed/synthetic.ts';

// The seeded PRNG and the synthetic shares are the product's (src/seed/synthetic.ts, also used by
// the demo département), so the examples and the demo draw from the same rules.
export {
  Calendrier,
  cycleDeLocation,
  MOTIFS_ORIENTATION_MULTIPLE,
  PARTS_EXCLUSION,
  PARTS_FINANCEMENT,
  PART_ATTRIBUTION,
  PART_BAIL_APRES_ATTRIBUTION,
  PART_CANDIDATS,
  PART_ORIENTATION_FORCEE,
  PART_ORIENTATION_MULTIPLE,
  PART_PRIORITAIRE,
  PART_QUARTILE1,
  PART_RELOGEMENT_ANRU,
  PART_UN_SEUL_CANDIDAT,
  Rng,
  exclusionOf,
  financementOf,
  hashSeed,
};

// ---------------------------------------------------------------------------------------------
// Scenario types, as written to the file (see docs/scenario-format.md).
// Kept local on purpose: the generators write the published contract, not the engine's types.

export type Typologie = 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'T6';
export type Financement = 'PLAI' | 'PLUS' | 'PLS' | 'PLI' | 'AUTRE';
export type HorsFlux = 'defense' | 'securite_interieure' | 'eps';
export type Exclusion =
  | 'mutation_interne'
  | 'relogement_anru'
  | 'relogement_orcod'
  | 'relogement_insalubrite'
  | 'relogement_vente';
export type TypeReservataire = 'etat' | 'action_logement' | 'commune' | 'epci' | 'departement';

export interface Logement {
  id: string;
  commune: string;
  qpv: string | null;
  typologie: Typologie;
  financement: Financement;
  construction: number;
  horsFlux: HorsFlux | null;
  /** SIREN of the commune's EPCI (COG 2026); optional field added to the contract. */
  epci?: string;
}

export interface Reservataire {
  id: string;
  type: TypeReservataire;
  nom: string;
  commune?: string;
}

export type Perimetre = { departement: string } | { communes: string[] } | { epci: string };

export interface Convention {
  id: string;
  reservataire: string;
  taux: number;
  tauxAgents?: number;
  perimetre: Perimetre;
  decompte: 'mise_a_disposition' | 'attribution' | 'bail_signe';
  echecDecompte: boolean;
  delaiPropositionJours: number;
  candidatsDemandes: number;
  gestion: 'directe' | 'deleguee';
  report: number;
  contraintes?: { uniformiteCommunale?: boolean; partHorsQpvMin?: number };
}

/** A lease's household (docs/scenario-format.md; second edition: resources, composition, categories). */
export interface Menage {
  quartile1?: boolean | null;
  prioritaire?: boolean;
  relogementAnru?: boolean;
  ressourcesAnnuelles?: number;
  personnes?: number;
  enfantsMoins14?: number;
  categories?: string[];
  relogement?: 'anru' | 'orcod' | null;
  agentEtat?: boolean;
}

export type Evenement =
  | { date: string; type: 'liberation'; logement: string; exclusion?: Exclusion; premiereMiseEnLocation?: boolean }
  | { date: string; type: 'orientation_forcee'; logement: string; reservataire: string; motif: string }
  | { date: string; type: 'orientation_multiple'; logement: string; reservataires: string[]; motif: string }
  | { date: string; type: 'candidats'; logement: string; nombre: number }
  | { date: string; type: 'decision_cal'; logement: string; decision: 'attribution' | 'attribution_rang' | 'attribution_condition_suspensive' | 'non_attribution' | 'irrecevabilite' }
  | { date: string; type: 'bail_signe'; logement: string; reservataire?: string; menage?: Menage }
  | { date: string; type: 'refus'; logement: string }
  | { date: string; type: 'sans_candidat'; logement: string };

export interface Scenario {
  annee: number;
  departement: string;
  bailleur: { id: string; nom: string };
  logements: Logement[];
  reservataires: Reservataire[];
  conventions: Convention[];
  evenements: Evenement[];
}

// ---------------------------------------------------------------------------------------------
// Paths and reference data

/** Root of the repository (the parent of `examples/`). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The reference data the generators read, all inside the repository: `data-ref/` (RPLS 2019
 * extracts, see data-ref/README.md for their sources and licences) and the COG 2026 of the npm
 * package `@etalab/decoupage-administratif` (a dependency of the product).
 */
export const DATA_REF = resolve(REPO_ROOT, 'data-ref');

/** A file of `data-ref/`; exits with a French message (status 2) if it is missing. */
export function dataPath(relative: string): string {
  const path = resolve(DATA_REF, relative);
  if (!existsSync(path)) {
    console.error(`fichier de données introuvable : ${path} (voir data-ref/README.md)`);
    process.exit(2);
  }
  return path;
}

/** A data file of the COG 2026 package `@etalab/decoupage-administratif`. */
function cogPath(fichier: string): string {
  const require = createRequire(import.meta.url);
  return resolve(dirname(require.resolve('@etalab/decoupage-administratif/package.json')), 'data', fichier);
}

/** Splits one CSV line (comma separator, double quotes, "" as an escaped quote). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** One row of `rpls_par_date_2019*.csv`: a count of units sharing these characteristics. */
export interface RplsRow {
  depcom: string;
  construct: number;
  nbpiece: string;
  qpv: boolean;
  n: number;
}

/**
 * The columns read. Two encodings: the source's (`"5 et plus"`, `"En QPV"`, with `dpeserre`) and
 * the compact one of `data-ref/rpls2019/rpls_par_date_2019_france.csv.gz` (`5`, `1`/`0`, summed
 * over `dpeserre`); rows come out in the source's encoding.
 */
const RPLS_COLUMNS = ['DEPCOM', 'construct', 'nbpiece', 'qpv', 'n'];

function rplsRowParser(header: string): (line: string) => RplsRow {
  const cols = parseCsvLine(header);
  const at = (name: string): number => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`colonne « ${name} » absente de l'en-tête RPLS`);
    return i;
  };
  for (const c of RPLS_COLUMNS) at(c);
  const [iCom, iCons, iPiece, iQpv, iN] = [at('DEPCOM'), at('construct'), at('nbpiece'), at('qpv'), at('n')];
  return (line) => {
    const f = parseCsvLine(line);
    return {
      depcom: f[iCom] ?? '',
      construct: Number(f[iCons]),
      nbpiece: f[iPiece] === '5' ? '5 et plus' : (f[iPiece] ?? ''),
      qpv: f[iQpv] === 'En QPV' || f[iQpv] === '1',
      n: Number(f[iN]),
    };
  };
}

/** Streams the rows of an RPLS 2019 count file (plain or gzip), in file order. */
export async function* readRplsRows(path: string): AsyncGenerator<RplsRow> {
  const raw = createReadStream(path);
  const input = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let parse: ((line: string) => RplsRow) | null = null;
  for await (const line of lines) {
    if (line === '') continue;
    if (parse === null) {
      parse = rplsRowParser(line);
      continue;
    }
    yield parse(line);
  }
}

/** The RPLS 2019 "Taux de mobilité" (whole stock) of each département, as a fraction. */
export function readMobiliteDepartements(): Map<string, number> {
  const text = readFileSync(dataPath('rpls2019/taux_mobilite_2019.csv'), 'utf8');
  const lines = text.split(/\r?\n/);
  const cols = parseCsvLine(lines[0] ?? '');
  const i = (name: string): number => cols.indexOf(name);
  const [iType, iCode, iVar, iVal, iSous] = [i('TypeZone'), i('CodeZone'), i('Variable'), i('Valeur'), i('SousEnsemble')];
  const rates = new Map<string, number>();
  for (const line of lines.slice(1)) {
    if (!line.includes('taux_mobilite')) continue;
    const f = parseCsvLine(line);
    if (f[iType] === 'Départements' && f[iVar] === 'taux_mobilite' && f[iSous] === 'Ensemble du parc') {
      rates.set(f[iCode] ?? '', Number(f[iVal]) / 100);
    }
  }
  return rates;
}

export interface CommuneCog {
  code: string;
  nom: string;
  epci: string | null;
  nomEpci: string | null;
}

export interface Cog {
  /** Resolves a commune code of any year (2019 RPLS codes included) to its 2026 commune. */
  commune(code: string): CommuneCog | undefined;
  departementNom(code: string): string | undefined;
  /** "du Loiret", "de l'Ain", "des Hautes-Alpes", "de Paris"… (INSEE typeLiaison). */
  departementDe(code: string): string;
}

interface CommuneJson {
  code: string;
  nom: string;
  type: string;
  anciensCodes?: string[];
  chefLieu?: string;
  commune?: string;
}

interface EpciJson {
  code: string;
  nom: string;
  membres: { code: string }[];
}

interface DepartementJson {
  code: string;
  nom: string;
  typeLiaison: number;
}

/** COG 2026 (via @etalab/decoupage-administratif): communes, their EPCI, and old codes. */
export function loadCog(): Cog {
  const current = new Map<string, CommuneCog>();
  const all = JSON.parse(readFileSync(cogPath('communes.json'), 'utf8')) as CommuneJson[];
  const epcis = JSON.parse(readFileSync(cogPath('epci.json'), 'utf8')) as EpciJson[];
  const epciDe = new Map<string, EpciJson>();
  for (const e of epcis) for (const m of e.membres) epciDe.set(m.code, e);
  for (const c of all) {
    if (c.type !== 'commune-actuelle') continue;
    const e = epciDe.get(c.code);
    current.set(c.code, { code: c.code, nom: c.nom, epci: e?.code ?? null, nomEpci: e?.nom ?? null });
  }
  // Codes that no longer exist (merged communes, delegated or associated communes) → current code.
  const successor = new Map<string, string>();
  for (const c of all) {
    if (c.type === 'commune-actuelle') for (const old of c.anciensCodes ?? []) successor.set(old, c.code);
  }
  for (const c of all) {
    const parent = c.type === 'arrondissement-municipal' ? c.commune : c.chefLieu;
    if (c.type !== 'commune-actuelle' && parent && !successor.has(c.code)) successor.set(c.code, parent);
  }
  const deps = JSON.parse(readFileSync(cogPath('departements.json'), 'utf8')) as DepartementJson[];
  const depByCode = new Map(deps.map((d) => [d.code, d]));
  return {
    commune(code) {
      return current.get(code) ?? current.get(successor.get(code) ?? '');
    },
    departementNom(code) {
      return depByCode.get(code)?.nom;
    },
    departementDe(code) {
      const d = depByCode.get(code);
      if (!d) return `du département ${code}`;
      if (/^(La|Le|Les) |^L'/.test(d.nom)) return `de ${d.nom}`;
      const liaison = ['de ', "d'", 'du ', 'de la ', 'des ', "de l'", 'des ', 'de las ', 'de los '][d.typeLiaison] ?? 'de ';
      return `${liaison}${d.nom}`;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Unit characteristics that RPLS 2019 aggregates do not give

/** Département code of a commune: 2 characters, 3 for overseas (97x). */
export function departementOf(depcom: string): string {
  return depcom.startsWith('97') ? depcom.slice(0, 3) : depcom.slice(0, 2);
}

/**
 * Share of "5 et plus" units that have 6 rooms or more. The RPLS aggregate stops at "5 et plus";
 * nationally, 6-room-and-more units are a small fraction of large units (order of magnitude, not
 * read from a table): 10 % of them become "T6".
 */
export const PART_T6_PARMI_5_ET_PLUS = 0.1;

export function typologieOf(nbpiece: string, rng: Rng): Typologie {
  switch (nbpiece) {
    case '1':
      return 'T1';
    case '2':
      return 'T2';
    case '3':
      return 'T3';
    case '4':
      return 'T4';
    default:
      return rng.chance(PART_T6_PARMI_5_ET_PLUS) ? 'T6' : 'T5';
  }
}

/**
 * Synthetic QPV code of a unit in a QPV: the data only says "En QPV". Built as the 2015 format
 * "QP" + 3-character département + 3 digits, the digits being the end of the commune code
 * (45234 → QP045234). One code per commune; NOT a real QPV code.
 */
export function qpvCodeOf(depcom: string): string {
  const dep = departementOf(depcom);
  return `QP${dep.padStart(3, '0')}${depcom.slice(-3)}`;
}

/**
 * Systematic proportional sampling of a sequence of counts: keeps `fraction` of the units with a
 * seeded random start, so that any run of rows (a commune, a construction period) keeps its share
 * to within one unit. Returns the number of units kept from each row.
 */
export function systematicSample(counts: readonly number[], fraction: number, rng: Rng): number[] {
  if (fraction >= 1) return [...counts];
  const start = rng.next();
  let cumulative = 0;
  return counts.map((n) => {
    const before = Math.floor(cumulative * fraction + start);
    cumulative += n;
    return Math.floor(cumulative * fraction + start) - before;
  });
}

// ---------------------------------------------------------------------------------------------
// Events. All probabilities below are synthetic orders of magnitude, not measured data.

/** French reasons for a forced orientation, by type of réservataire. */
export const MOTIFS_ORIENTATION_FORCEE: Readonly<Record<TypeReservataire, readonly string[]>> = {
  etat: ['Ménage reconnu prioritaire et urgent (DALO) à reloger sans délai', 'Sortie d’hébergement demandée par le SIAO'],
  action_logement: ['Salarié en mobilité professionnelle, demande d’Action Logement'],
  commune: ['Relogement urgent demandé par la commune', 'Ménage sinistré (incendie) relogé à la demande du maire'],
  epci: ['Relogement demandé par l’intercommunalité (opération d’aménagement)'],
  departement: ['Jeune sortant de l’aide sociale à l’enfance, demande du département'],
};

/** An event with its day, before dates are written. */
export interface EvenementDate {
  jour: number;
  evenement: Evenement;
}


/** Keeps the events up to the year's end (the letting stays in progress after it). */
export function dansLAnnee(cal: Calendrier, events: EvenementDate[]): EvenementDate[] {
  const firstOut = events.findIndex((e) => !cal.dansAnnee(e.jour));
  return firstOut < 0 ? events : events.slice(0, firstOut);
}

/**
 * Sorts dated events by day, keeping generation order within a day (a liberation is generated
 * right before its forced or multiple orientation, so that one follows it).
 */
export function trierEvenements(events: readonly EvenementDate[]): Evenement[] {
  return events
    .map((e, seq) => ({ e, seq }))
    .sort((a, b) => a.e.jour - b.e.jour || a.seq - b.seq)
    .map(({ e }) => e.evenement);
}

/** A réservataire that may receive a given unit (its convention's perimeter contains it). */
export interface Eligible {
  id: string;
  type: TypeReservataire;
}

/**
 * All events of one liberation: the liberation itself (with its exclusion, if any), a forced or
 * multiple orientation on the same day for a few, then the letting's lifecycle up to the year's
 * end. Units outside the flow (horsFlux) and excluded units get the liberation only. First
 * lettings of a new programme are never excluded here.
 */
export function evenementsDeLiberation(
  rng: Rng,
  cal: Calendrier,
  logement: Logement,
  jour: number,
  eligibles: readonly Eligible[],
  premiereMiseEnLocation = false,
): EvenementDate[] {
  const date = cal.date(jour);
  const id = logement.id;
  const liberation: Evenement = premiereMiseEnLocation
    ? { date, type: 'liberation', logement: id, premiereMiseEnLocation: true }
    : { date, type: 'liberation', logement: id };
  if (logement.horsFlux !== null) return [{ jour, evenement: liberation }];
  const exclusion = premiereMiseEnLocation ? null : exclusionOf(rng);
  if (exclusion !== null) return [{ jour, evenement: { ...liberation, exclusion } }];

  const out: EvenementDate[] = [{ jour, evenement: liberation }];
  let pool: string[] | null = null;
  const u = rng.next();
  if (u < PART_ORIENTATION_FORCEE && eligibles.length > 0) {
    const r = rng.pick(eligibles);
    const motif = rng.pick(MOTIFS_ORIENTATION_FORCEE[r.type]);
    out.push({ jour, evenement: { date, type: 'orientation_forcee', logement: id, reservataire: r.id, motif } });
  } else if (u < PART_ORIENTATION_FORCEE + PART_ORIENTATION_MULTIPLE && eligibles.length >= 2) {
    // Action Logement and the State pool most often; sometimes a third réservataire joins.
    const base = eligibles.filter((r) => r.type === 'action_logement' || r.type === 'etat').map((r) => r.id);
    const others = eligibles.filter((r) => !base.includes(r.id)).map((r) => r.id);
    pool = base.length >= 2 ? base : eligibles.slice(0, 2).map((r) => r.id);
    const extra = others.filter((o) => !pool!.includes(o));
    if (extra.length > 0 && rng.chance(0.3)) pool = [...pool, rng.pick(extra)];
    const motif = rng.pick(MOTIFS_ORIENTATION_MULTIPLE);
    out.push({ jour, evenement: { date, type: 'orientation_multiple', logement: id, reservataires: pool, motif } });
  }
  out.push(...dansLAnnee(cal, cycleDeLocation(rng, cal, id, jour, pool)));
  return out;
}

/** Counts of a generated scenario, for the stderr summaries. */
export interface Bilan {
  liberations: number;
  premieresMisesEnLocation: number;
  exclusions: number;
  horsFlux: number;
  orientationsForcees: number;
  orientationsMultiples: number;
  bauxSignes: number;
  evenements: number;
}

export function bilanVide(): Bilan {
  return {
    liberations: 0,
    premieresMisesEnLocation: 0,
    exclusions: 0,
    horsFlux: 0,
    orientationsForcees: 0,
    orientationsMultiples: 0,
    bauxSignes: 0,
    evenements: 0,
  };
}

export function compter(bilan: Bilan, events: readonly Evenement[], horsFluxIds: ReadonlySet<string>): void {
  for (const e of events) {
    bilan.evenements++;
    if (e.type === 'liberation') {
      bilan.liberations++;
      if (e.premiereMiseEnLocation) bilan.premieresMisesEnLocation++;
      if (e.exclusion) bilan.exclusions++;
      if (horsFluxIds.has(e.logement)) bilan.horsFlux++;
    } else if (e.type === 'orientation_forcee') bilan.orientationsForcees++;
    else if (e.type === 'orientation_multiple') bilan.orientationsMultiples++;
    else if (e.type === 'bail_signe') bilan.bauxSignes++;
  }
}
