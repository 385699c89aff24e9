/**
 * RPLS import, the pure part: header, row validation, transformation into units, and the error
 * file. No I/O, no clock, no database: records come from `rpls-csv.ts`, the COG through
 * `Referentiel`; `src/app/import-rpls.ts` streams the valid rows into a staging table as they come and
 * does there what needs the whole file (ranks of built identifiers, duplicates, the comparison
 * with the stored units). `validerEnregistrements` does the same in memory, for small inputs.
 *
 * The layout is the SDES one: the column names of the RPLS files (DEPCOM, QPV, FINAN…), the codes
 * of the arrêté du 5 janvier 2010 (art. 3, tableau 2). Header names are matched case-insensitively.
 *
 * - Required columns: DEPCOM, QPV, TYPECONST, NBPIECE, CONSTRUCT, FINAN.
 * - Identifier: the first of RPLS_ID, IDENT_REP, NUMLOGT (the « identifiant du logement au
 *   répertoire », position 1 of the arrêté) and IDENT_INT (the « identifiant dans le système
 *   d'information du bailleur », position 2) present in the header; the arrêté fixes the positions,
 *   not these names, which are accepted as the usual ones (not checked against an SDES file). Without
 *   any, as in the Narbonne extract of a public file, the identifier is BUILT: current commune code, a 12-hex digest of
 *   the normalised address fields (NUMVOIE, INDREP, TYPVOIE, NOMVOIE, LIEUDIT, IMMEU, BAT, ENTREE,
 *   ESC, COULOIR, ETAGE, NUMAPPT, NUMBOITE, COMPLIDENT, COMPLGEO) and the unit's rank among the
 *   units of that address in file order: `11262-3fa9c2d41b7e-7`. It stays the same from one year's
 *   file to the next as long as the address fields and the order of units at an address do; a
 *   unit inserted at an address shifts the ranks after it (seen as modifications, not as new).
 *   NOMVOIE is then required.
 * - Optional: SURFHAB, LOYERPRINC, DPEENERGIE, CONV, NUMCONV, DATCONV, CODE_QPV (or CODEQPV), and
 *   `nb` — files grouped by address (the Narbonne extract) give the number of units of each row;
 *   each row is expanded into `nb` units, SURFHAB (the sum, per the data's README) divided among
 *   them; LOYERPRINC is ASSUMED to be a sum too and divided likewise (no grouped file with rents
 *   was available to check).
 * - QPV: the RPLS flag (1 = in a QPV, 2 = outside) or a QPV code (QP… 2015, QN… 2024). With the flag
 *   alone the code is unknown and the unit gets the marker `QPV` (Flux only needs in / out).
 * - FINAN → PLAI/PLUS/PLS/PLI/AUTRE through `financement-rpls.ts`; NBPIECE → T1…T6 (6 and more →
 *   T6); TYPECONST C (collectif), I (individuel) per the arrêté, and E (étudiant, seen in recent
 *   files, not in the arrêté) taken as collective.
 * - Commune codes of merged communes are replaced by the current commune (COG) and reported.
 *
 * Every problem names its line and column: `ligne 12, colonne FINAN : code de financement inconnu « 77 »`.
 */
import { createHash } from 'node:crypto';
import type { Probleme } from '../domain/errors.ts';
import { DonneesInvalides } from '../domain/errors.ts';
import { FINANCEMENTS, type Financement, type Typologie } from '../domain/types.ts';
import { codeFinancementRpls } from './financement-rpls.ts';
import type { Enregistrement } from './rpls-csv.ts';

export const COLONNES_OBLIGATOIRES = ['DEPCOM', 'QPV', 'TYPECONST', 'NBPIECE', 'CONSTRUCT', 'FINAN'] as const;
/** Identifier columns, in order of preference (see the module comment). */
export const COLONNES_IDENTIFIANT = ['RPLS_ID', 'IDENT_REP', 'NUMLOGT', 'IDENT_INT'] as const;
/** The address fields the built identifier is made of (`DEPCOM` aside). */
export const COLONNES_ADRESSE_IDENTIFIANT = [
  'NUMVOIE',
  'INDREP',
  'TYPVOIE',
  'NOMVOIE',
  'LIEUDIT',
  'IMMEU',
  'BAT',
  'ENTREE',
  'ESC',
  'COULOIR',
  'ETAGE',
  'NUMAPPT',
  'NUMBOITE',
  'COMPLIDENT',
  'COMPLGEO',
] as const;
export const IDENTIFIANT_CONSTRUIT = 'adresse+rang';
/** A grouped row may stand for at most this many units (a guard against absurd counts). */
export const NB_MAX = 5000;
/** The marker stored in `qpv` when the file says "in a QPV" without the code. */
export const QPV_SANS_CODE = 'QPV';

/** The COG, injected: current code of a possibly merged commune, and its EPCI. */
export interface Referentiel {
  communeCourante(code: string): string | null;
  epciDeCommune(code: string): string | null;
}

export interface Entete {
  /** The header's names as written (trimmed). */
  noms: string[];
  /** Upper-case name → position (the first one when a name repeats). */
  index: ReadonlyMap<string, number>;
  /** The identifier column used, or `IDENTIFIANT_CONSTRUIT`. */
  identifiant: string;
}

export const chemin = (ligne: number, colonne: string): string => `ligne ${ligne}, colonne ${colonne}`;

/** Reads the header; a missing required column is a `DonneesInvalides` naming it (line 1). */
export function analyserEntete(enregistrement: Enregistrement | undefined): Entete {
  const noms = (enregistrement?.champs ?? []).map((n, i) => (i === 0 ? n.replace(/^\uFEFF/, '') : n).trim());
  const index = new Map<string, number>();
  noms.forEach((n, i) => {
    const cle = n.toUpperCase();
    if (cle !== '' && !index.has(cle)) index.set(cle, i);
  });
  const problemes: Probleme[] = [];
  if (noms.every((n) => n === '')) {
    problemes.push({
      chemin: chemin(1, COLONNES_OBLIGATOIRES[0]),
      message: 'fichier vide : l’en-tête des colonnes RPLS est absent',
    });
  } else {
    for (const c of COLONNES_OBLIGATOIRES) {
      if (!index.has(c))
        problemes.push({
          chemin: chemin(1, c),
          message: `colonne obligatoire absente de l’en-tête (colonnes lues : ${resumeNoms(noms)})`,
        });
    }
  }
  const identifiant = COLONNES_IDENTIFIANT.find((c) => index.has(c)) ?? IDENTIFIANT_CONSTRUIT;
  if (identifiant === IDENTIFIANT_CONSTRUIT && problemes.length === 0 && !index.has('NOMVOIE')) {
    problemes.push({
      chemin: chemin(1, 'NOMVOIE'),
      message: `ni colonne d’identifiant (${COLONNES_IDENTIFIANT.join(', ')}) ni adresse (NOMVOIE) : impossible d’identifier les logements d’une année sur l’autre`,
    });
  }
  if (problemes.length > 0) throw new DonneesInvalides(problemes);
  return { noms, index, identifiant };
}

function resumeNoms(noms: string[]): string {
  const lus = noms.filter((n) => n !== '');
  const texte = lus.slice(0, 12).join(', ');
  return lus.length > 12 ? `${texte}, …` : texte || 'aucune';
}

/** A valid row's fields, shared by its `nb` units (all but the identifier). */
export interface FicheLogement {
  /** The file line it comes from. */
  ligne: number;
  departement: string;
  /** Current commune code (COG). */
  commune: string;
  /** The code as written in the file (differs for a merged commune). */
  communeFichier: string;
  epci: string | null;
  qpv: string | null;
  typologie: Typologie;
  financement: Financement;
  codeFinancement: string;
  construction: number;
  individuel: boolean;
  surface: number | null;
  loyer: number | null;
  dpe: string | null;
  conventionne: boolean | null;
  numeroConvention: string | null;
  dateConvention: string | null;
  adresse: string | null;
}

/** One unit as read from the file, ready to be stored. */
export interface LogementRpls extends FicheLogement {
  rpls: string;
}

/**
 * How a row's `nb` units are identified. With an identifier column: the value for one unit, else
 * `valeur#1` … `valeur#nb`. Built: `adresse` (`commune-empreinte`) and the unit's rank among the
 * units of that address in file order, rejected rows included: `adresse-rang`. The rank and the
 * in-file duplicates need the whole file: the import computes them in SQL on its staging table,
 * `validerEnregistrements` in memory (`identifiantsEnMemoire`, `doublonsEnMemoire`), same rules.
 */
export interface Identite {
  ligne: number;
  nb: number;
  /** The identifier column's value; null for a built identifier. */
  valeur: string | null;
  /** Built identifier without its rank (`11262-3fa9c2d41b7e`); null with an identifier column. */
  adresse: string | null;
}

/** The identifiers of a row with an identifier column (`identite.valeur` set). */
export function identifiantsDeValeur(identite: Identite): string[] {
  const v = identite.valeur!;
  if (identite.nb === 1) return [v];
  const ids: string[] = [];
  for (let k = 1; k <= identite.nb; k++) ids.push(`${v}#${k}`);
  return ids;
}

/** A rejected row: its fields as read and its problems. */
export interface Rejet {
  ligne: number;
  champs: string[];
  problemes: Probleme[];
}

/** What one data record gives: nothing (blank, other département), a valid row, or a rejected one. */
export type Issue =
  | { genre: 'ignoree' }
  | { genre: 'valide'; identite: Identite; fiche: FicheLogement }
  /** `identite` when the row's units can be told (they are then not "gone" in the comparison). */
  | { genre: 'rejetee'; rejet: Rejet; identite: Identite | null };

const IGNOREE: Issue = { genre: 'ignoree' };

/**
 * The in-file duplicates of the identifier column: line → the first line that has the same value.
 * Known after a first pass over the whole file; a second pass reports them on their rows.
 */
export type Doublons = ReadonlyMap<number, number>;

export interface OptionsValidation {
  /** Only rows of this département are taken; the others are counted, not validated. */
  departement?: string | undefined;
  /** Rows whose identifier repeats an earlier row's (see `Doublons`). */
  doublons?: Doublons | undefined;
  /**
   * Rejected rows kept in the bilan (the first ones; all by default). An import streams them to its
   * error file as they come (`Issue.rejet`) and keeps only these, so memory stays flat.
   */
  rejetsGardes?: number | undefined;
}

/** Counts of a pass over the file: bounded whatever its size (the rejected rows aside). */
export interface BilanValidation {
  entete: Entete;
  /** The rejected rows kept (all of them, or the first `rejetsGardes`). */
  rejets: Rejet[];
  /** Rejected rows, all of them. */
  rejetes: number;
  /** Problems of the rejected rows, all of them. */
  problemes: number;
  /** Data records read (blank lines aside). */
  lignes: number;
  /** Valid units (a grouped row counts its `nb` units). */
  logements: number;
  /** Rows of another département than `--departement`. */
  horsDepartement: number;
  /** Merged commune codes met: file code → current code, and how many units. */
  communesFusionnees: Map<string, { courante: string; logements: number }>;
  /** Valid units by financing category. */
  parCategorie: Record<Financement, number>;
}

export interface ResultatValidation extends Omit<
  BilanValidation,
  'logements' | 'parCategorie' | 'rejetes' | 'problemes'
> {
  logements: LogementRpls[];
  /** Identifiers of the rejected rows' units (when they can be told): not "gone" in the comparison. */
  identifiantsRejetes: Set<string>;
}

/** The département of a commune code (3 characters overseas). */
export function departementDeCommune(code: string): string {
  return code.startsWith('97') || code.startsWith('98') ? code.slice(0, 3) : code.slice(0, 2);
}

const TYPOLOGIES_PAR_PIECES: readonly Typologie[] = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'];
const RE_COMMUNE = /^(?:\d{2}|2[AB])\d{3}$/;
const RE_CODE_QPV = /^Q[PN][0-9A-Z]{6}$/;
const RE_DECIMAL = /^\d+(?:[.,]\d+)?$/;
const RE_ESPACES = /\s{2,}/g;
const RE_DATE_FR = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const RE_DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Non-empty parts joined by one space. */
function joindre(...parties: string[]): string {
  let r = '';
  for (const x of parties) if (x !== '') r = r === '' ? x : `${r} ${x}`;
  return r;
}

/** "12", "12.0", "12.00" → 12; anything else → null. Without a regular expression: it runs on every field of every row. */
function entier(s: string): number | null {
  const n = s.length;
  let i = 0;
  let x = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    x = x * 10 + (c - 48);
    i++;
  }
  if (i === 0) return null;
  if (i < n) {
    if (s.charCodeAt(i) !== 46 || i + 1 === n) return null; // "12." is not an integer
    for (let j = i + 1; j < n; j++) if (s.charCodeAt(j) !== 48) return null;
  }
  return i > 15 ? Number(s.slice(0, i)) : x;
}
function decimal(s: string): number | null {
  if (!RE_DECIMAL.test(s)) return null;
  return Number(s.includes(',') ? s.replace(',', '.') : s);
}
const arrondi2 = (x: number): number => Math.round(x * 100) / 100;

/** "24/11/1986" or "1986-11-24" → "1986-11-24" when it is a real date; else null. */
function dateIso(s: string): string | null {
  let m = RE_DATE_FR.exec(s);
  let a: string, mo: string, j: string;
  if (m) [, j, mo, a] = m as unknown as [string, string, string, string];
  else {
    m = RE_DATE_ISO.exec(s);
    if (!m) return null;
    [, a, mo, j] = m as unknown as [string, string, string, string];
  }
  const d = new Date(Date.UTC(Number(a), Number(mo) - 1, Number(j)));
  if (
    d.getUTCFullYear() !== Number(a) ||
    d.getUTCMonth() !== Number(mo) - 1 ||
    d.getUTCDate() !== Number(j) ||
    Number(a) < 1800
  )
    return null;
  return `${a}-${mo}-${j}`;
}

/** Address part of the built identifier: upper case, no accents, single spaces. */
function normaliser(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when every character is a digit 0–9 (and there is one). */
function chiffres(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True for A–G, one character. */
const estClasseDpe = (s: string): boolean => s.length === 1 && s >= 'A' && s <= 'G';

/** The columns the validation reads (their positions are looked up once per file). */
const COLONNES_LUES = [
  'DEPCOM',
  'QPV',
  'CODE_QPV',
  'CODEQPV',
  'TYPECONST',
  'NBPIECE',
  'CONSTRUCT',
  'FINAN',
  'NB',
  'SURFHAB',
  'LOYERPRINC',
  'DPEENERGIE',
  'CONV',
  'NUMCONV',
  'DATCONV',
  'CODEPOSTAL',
  'LIBCOM',
  ...COLONNES_ADRESSE_IDENTIFIANT,
] as const;
type ColonneLue = (typeof COLONNES_LUES)[number];

/**
 * Validates and transforms the data records one by one. Keeps counts only (and the rejected rows):
 * the valid rows go to the caller as they come, so that memory does not grow with the file.
 */
export class ValidationRpls {
  private readonly rejets: Rejet[] = [];
  private rejetes = 0;
  private problemes = 0;
  private lignes = 0;
  private logements = 0;
  private horsDepartement = 0;
  private readonly communesFusionnees = new Map<string, { courante: string; logements: number }>();
  private readonly parCategorie = Object.fromEntries(FINANCEMENTS.map((f) => [f, 0])) as Record<Financement, number>;
  /** Position of each column read, -1 when the file does not have it. */
  private readonly p: Readonly<Record<ColonneLue, number>>;
  /** Position of the identifier column, -1 for a built identifier. */
  private readonly pId: number;
  private readonly pAdresse: readonly number[];
  private readonly n: number;
  private readonly doublons: Doublons;

  constructor(
    readonly entete: Entete,
    private readonly referentiel: Referentiel,
    private readonly options: OptionsValidation = {},
  ) {
    this.n = entete.noms.length;
    const p = {} as Record<ColonneLue, number>;
    for (const c of COLONNES_LUES) p[c] = entete.index.get(c) ?? -1;
    this.p = p;
    this.pId = entete.identifiant === IDENTIFIANT_CONSTRUIT ? -1 : entete.index.get(entete.identifiant)!;
    this.pAdresse = COLONNES_ADRESSE_IDENTIFIANT.map((c) => p[c]);
    this.doublons = options.doublons ?? new Map();
  }

  /** The column's name as written in the file (its canonical name when absent). */
  private nom(colonne: string): string {
    const i = this.entete.index.get(colonne);
    return i === undefined ? colonne : this.entete.noms[i]!;
  }

  private probleme(problemes: Probleme[], ligne: number, colonne: string, message: string): void {
    problemes.push({ chemin: chemin(ligne, this.nom(colonne)), message });
  }

  ajouter(e: Enregistrement): Issue {
    const champs = e.champs;
    if (!e.guillemetNonFerme && estVide(champs)) return IGNOREE; // ";;;;" line
    this.lignes++;
    const ligne = e.ligne;
    const p = this.p;
    const problemes: Probleme[] = [];

    // Shape of the record: cut lines, unclosed quotes, extra fields.
    if (e.guillemetNonFerme) {
      const k = Math.max(Math.min(champs.length, this.n) - 1, 0);
      problemes.push({
        chemin: chemin(ligne, this.entete.noms[k] || `${k + 1}`),
        message: 'guillemet ouvert jamais fermé : fichier tronqué ?',
      });
    } else if (champs.length < this.n) {
      problemes.push({
        chemin: chemin(ligne, this.entete.noms[champs.length] || `${champs.length + 1}`),
        message: `champ absent : ${champs.length} champs pour ${this.n} colonnes (ligne tronquée ?)`,
      });
    } else if (champs.length > this.n && !estVide(champs, this.n)) {
      problemes.push({
        chemin: chemin(ligne, `${this.n + 1}`),
        message: `champ en trop : ${champs.length} champs pour ${this.n} colonnes (séparateur dans une valeur non entre guillemets ?)`,
      });
    }
    if (problemes.length > 0) return this.rejeter(e, problemes, null);

    // Commune (and the département filter).
    let depcom = champ(champs, p.DEPCOM).toUpperCase();
    if (depcom.length === 4 && chiffres(depcom)) depcom = `0${depcom}`; // a leading zero lost by a spreadsheet
    let commune: string | null = null;
    if (depcom === '') this.probleme(problemes, ligne, 'DEPCOM', 'code commune manquant');
    else if (!RE_COMMUNE.test(depcom))
      this.probleme(problemes, ligne, 'DEPCOM', `code commune invalide « ${depcom} » (5 caractères attendus)`);
    else {
      commune = this.referentiel.communeCourante(depcom);
      if (commune === null)
        this.probleme(problemes, ligne, 'DEPCOM', `commune inconnue du code officiel géographique « ${depcom} »`);
    }
    const communeCle = commune ?? depcom;
    if (this.options.departement && commune !== null && departementDeCommune(commune) !== this.options.departement) {
      this.horsDepartement++;
      return IGNOREE;
    }

    // Number of units the row stands for.
    let nb = 1;
    if (p.NB >= 0) {
      const brut = champ(champs, p.NB);
      const x = entier(brut);
      if (x === null || x < 1 || x > NB_MAX) {
        this.probleme(
          problemes,
          ligne,
          'NB',
          brut === ''
            ? 'nombre de logements manquant'
            : `nombre de logements invalide « ${brut} » (entier de 1 à ${NB_MAX})`,
        );
      } else nb = x;
    }

    // Identity (the identifiers themselves, rank and duplicates, need the whole file: see `Identite`).
    let identite: Identite | null = null;
    if (this.pId < 0) {
      let cle = communeCle;
      for (const i of this.pAdresse) cle += `|${normaliser(champ(champs, i))}`;
      identite = {
        ligne,
        nb,
        valeur: null,
        adresse: `${communeCle}-${createHash('sha1').update(cle).digest('hex').slice(0, 12)}`,
      };
    } else {
      const id = champ(champs, this.pId);
      if (id === '') this.probleme(problemes, ligne, this.entete.identifiant, 'identifiant du logement vide');
      else {
        const premiere = this.doublons.get(ligne);
        if (premiere !== undefined)
          this.probleme(
            problemes,
            ligne,
            this.entete.identifiant,
            `identifiant en double « ${id} » (déjà ligne ${premiere})`,
          );
        identite = { ligne, nb, valeur: id, adresse: null };
      }
    }

    // QPV.
    const qpvBrut = champ(champs, p.QPV).toUpperCase();
    const codeQpv = (champ(champs, p.CODE_QPV) || champ(champs, p.CODEQPV)).toUpperCase();
    let qpv: string | null = null;
    const drapeau = entier(qpvBrut);
    if (qpvBrut === '')
      this.probleme(problemes, ligne, 'QPV', 'QPV manquant (1 : en QPV, 2 : hors QPV, ou code QP…/QN…)');
    else if (drapeau === 1) qpv = QPV_SANS_CODE;
    else if (RE_CODE_QPV.test(qpvBrut)) qpv = qpvBrut;
    else if (drapeau !== 2)
      this.probleme(
        problemes,
        ligne,
        'QPV',
        `valeur QPV invalide « ${qpvBrut} » (1 : en QPV, 2 : hors QPV, ou code QP…/QN…)`,
      );
    if (codeQpv !== '') {
      const colonne = p.CODE_QPV >= 0 ? 'CODE_QPV' : 'CODEQPV';
      if (!RE_CODE_QPV.test(codeQpv))
        this.probleme(problemes, ligne, colonne, `code QPV invalide « ${codeQpv} » (QP… ou QN… sur 8 caractères)`);
      else if (drapeau === 2)
        this.probleme(problemes, ligne, colonne, `code QPV « ${codeQpv} » pour un logement déclaré hors QPV`);
      else qpv = codeQpv;
    }

    // Construction type, rooms, year, financing.
    const typeconst = champ(champs, p.TYPECONST).toUpperCase();
    if (typeconst !== 'C' && typeconst !== 'I' && typeconst !== 'E') {
      this.probleme(
        problemes,
        ligne,
        'TYPECONST',
        typeconst === ''
          ? 'type de construction manquant (C ou I)'
          : `type de construction invalide « ${typeconst} » (C : collectif, I : individuel)`,
      );
    }
    const piecesBrut = champ(champs, p.NBPIECE);
    const pieces = entier(piecesBrut);
    if (pieces === null || pieces < 1 || pieces > 99) {
      this.probleme(
        problemes,
        ligne,
        'NBPIECE',
        piecesBrut === ''
          ? 'nombre de pièces manquant'
          : `nombre de pièces invalide « ${piecesBrut} » (entier de 1 à 99)`,
      );
    }
    const constructBrut = champ(champs, p.CONSTRUCT);
    // Four digits, possibly followed by ".0…" (`entier` checks the rest).
    const construction =
      constructBrut.length >= 4 && (constructBrut.length === 4 || constructBrut.charCodeAt(4) === 46)
        ? entier(constructBrut)
        : null;
    if (construction === null || construction < 1000 || construction > 2100) {
      this.probleme(
        problemes,
        ligne,
        'CONSTRUCT',
        constructBrut === ''
          ? 'année de construction manquante'
          : `année de construction invalide « ${constructBrut} » (aaaa)`,
      );
    }
    const finanBrut = champ(champs, p.FINAN);
    const finan = codeFinancementRpls(finanBrut);
    if (!finan)
      this.probleme(
        problemes,
        ligne,
        'FINAN',
        finanBrut === '' ? 'code de financement manquant' : `code de financement inconnu « ${finanBrut} »`,
      );

    // Optional columns.
    let surface: number | null = null;
    const surfBrut = champ(champs, p.SURFHAB);
    if (surfBrut !== '') {
      const x = decimal(surfBrut);
      if (x === null || x <= 0 || x / nb > 10_000)
        this.probleme(problemes, ligne, 'SURFHAB', `surface habitable invalide « ${surfBrut} » (m², nombre positif)`);
      else surface = arrondi2(x / nb);
    }
    let loyer: number | null = null;
    const loyerBrut = champ(champs, p.LOYERPRINC);
    if (loyerBrut !== '') {
      const x = decimal(loyerBrut);
      if (x === null || x / nb > 100_000)
        this.probleme(problemes, ligne, 'LOYERPRINC', `loyer principal invalide « ${loyerBrut} » (euros)`);
      else if (x !== 9999) loyer = arrondi2(x / nb); // 9999: « sans objet » (arrêté, position 44)
    }
    let dpe: string | null = champ(champs, p.DPEENERGIE).toUpperCase() || null;
    if (dpe !== null && !estClasseDpe(dpe)) {
      this.probleme(problemes, ligne, 'DPEENERGIE', `classe DPE invalide « ${dpe} » (A à G, ou vide)`);
      dpe = null;
    }
    const numeroConvention = champ(champs, p.NUMCONV) || null;
    const datconvBrut = champ(champs, p.DATCONV);
    let dateConvention: string | null = null;
    if (datconvBrut !== '') {
      dateConvention = dateIso(datconvBrut);
      if (dateConvention === null)
        this.probleme(problemes, ligne, 'DATCONV', `date de convention invalide « ${datconvBrut} » (jj/mm/aaaa)`);
    }
    let conventionne: boolean | null = null;
    if (p.CONV >= 0) {
      const convBrut = champ(champs, p.CONV);
      const x = entier(convBrut);
      if (convBrut === '') conventionne = null;
      else if (x === 1 || x === 2) conventionne = x === 1;
      else this.probleme(problemes, ligne, 'CONV', `conventionnement APL invalide « ${convBrut} » (1 : oui, 2 : non)`);
    } else if (p.NUMCONV >= 0 || p.DATCONV >= 0) {
      conventionne = numeroConvention !== null || datconvBrut !== '';
    }

    if (problemes.length > 0) return this.rejeter(e, problemes, identite);
    const communeOk = commune!;
    if (communeOk !== depcom) {
      const f = this.communesFusionnees.get(depcom) ?? { courante: communeOk, logements: 0 };
      f.logements += nb;
      this.communesFusionnees.set(depcom, f);
    }
    this.logements += nb;
    this.parCategorie[finan!.financement] += nb;
    // The address as written: "16 R VOLTAIRE, LIEU-DIT, 11100 NARBONNE".
    let adresse = joindre(
      champ(champs, p.NUMVOIE),
      champ(champs, p.INDREP),
      champ(champs, p.TYPVOIE),
      champ(champs, p.NOMVOIE),
    );
    for (const partie of [champ(champs, p.LIEUDIT), joindre(champ(champs, p.CODEPOSTAL), champ(champs, p.LIBCOM))]) {
      if (partie !== '') adresse = adresse === '' ? partie : `${adresse}, ${partie}`;
    }
    return {
      genre: 'valide',
      identite: identite!,
      fiche: {
        ligne,
        departement: departementDeCommune(communeOk),
        commune: communeOk,
        communeFichier: depcom,
        epci: this.referentiel.epciDeCommune(communeOk),
        qpv,
        typologie: TYPOLOGIES_PAR_PIECES[Math.min(pieces!, 6) - 1]!,
        financement: finan!.financement,
        codeFinancement: finan!.code,
        construction: construction!,
        individuel: typeconst === 'I',
        surface,
        loyer,
        dpe,
        conventionne,
        numeroConvention,
        dateConvention,
        adresse: adresse === '' ? null : adresse.replace(RE_ESPACES, ' '),
      },
    };
  }

  private rejeter(e: Enregistrement, problemes: Probleme[], identite: Identite | null): Issue {
    this.rejetes++;
    this.problemes += problemes.length;
    if (this.rejets.length >= (this.options.rejetsGardes ?? Infinity))
      return { genre: 'rejetee', rejet: { ligne: e.ligne, champs: e.champs, problemes }, identite };
    // Kept to the end: copied, so that they do not hold on to the chunk of text the reader cut
    // them from (V8 strings may be slices of a larger one).
    const rejet = JSON.parse(JSON.stringify({ ligne: e.ligne, champs: e.champs, problemes })) as Rejet;
    this.rejets.push(rejet);
    return { genre: 'rejetee', rejet, identite };
  }

  bilan(): BilanValidation {
    return {
      entete: this.entete,
      rejets: this.rejets,
      rejetes: this.rejetes,
      problemes: this.problemes,
      lignes: this.lignes,
      logements: this.logements,
      horsDepartement: this.horsDepartement,
      communesFusionnees: this.communesFusionnees,
      parCategorie: this.parCategorie,
    };
  }
}

/** The trimmed field at a position ('' when the column or the field is absent). */
function champ(champs: readonly string[], i: number): string {
  if (i < 0) return '';
  const c = champs[i];
  return c === undefined ? '' : c.trim();
}

/** True when every field from `depuis` on is blank. */
function estVide(champs: readonly string[], depuis = 0): boolean {
  for (let i = depuis; i < champs.length; i++) if (champs[i]!.trim() !== '') return false;
  return true;
}

/** In-file duplicates among rows in file order (in memory: the import does it in SQL). */
export function doublonsEnMemoire(identites: Iterable<Identite>): Map<number, number> {
  const premieres = new Map<string, number>();
  const doublons = new Map<number, number>();
  for (const i of identites) {
    if (i.valeur === null) continue;
    const premiere = premieres.get(i.valeur);
    if (premiere === undefined) premieres.set(i.valeur, i.ligne);
    else doublons.set(i.ligne, premiere);
  }
  return doublons;
}

/** The identifiers of a row's units, ranks counted in `rangs` (in memory: the import does it in SQL). */
export function identifiantsEnMemoire(identite: Identite, rangs: Map<string, number>): string[] {
  if (identite.valeur !== null) return identifiantsDeValeur(identite);
  const avant = rangs.get(identite.adresse!) ?? 0;
  rangs.set(identite.adresse!, avant + identite.nb);
  const ids: string[] = [];
  for (let k = 1; k <= identite.nb; k++) ids.push(`${identite.adresse}-${avant + k}`);
  return ids;
}

/** Header + data records → units and rejects (the whole pure pipeline, for in-memory inputs). */
export function validerEnregistrements(
  enregistrements: readonly Enregistrement[],
  referentiel: Referentiel,
  options: OptionsValidation = {},
): ResultatValidation {
  const entete = analyserEntete(enregistrements[0]);
  const passe = (doublons: Doublons): { bilan: BilanValidation; issues: Issue[] } => {
    const v = new ValidationRpls(entete, referentiel, { ...options, doublons });
    const issues: Issue[] = [];
    for (let k = 1; k < enregistrements.length; k++) issues.push(v.ajouter(enregistrements[k]!));
    return { bilan: v.bilan(), issues };
  };
  const identites = (issues: Issue[]): Identite[] =>
    issues.flatMap((i) => (i.genre !== 'ignoree' && i.identite ? [i.identite] : []));
  let p = passe(new Map());
  const doublons = doublonsEnMemoire(identites(p.issues));
  if (doublons.size > 0) p = passe(doublons);
  const rangs = new Map<string, number>();
  const logements: LogementRpls[] = [];
  const identifiantsRejetes = new Set<string>();
  for (const i of p.issues) {
    if (i.genre === 'ignoree' || !i.identite) continue;
    const ids = identifiantsEnMemoire(i.identite, rangs);
    if (i.genre === 'valide') for (const rpls of ids) logements.push({ rpls, ...i.fiche });
    else for (const id of ids) identifiantsRejetes.add(id);
  }
  const { bilan } = p;
  return {
    entete,
    logements,
    rejets: bilan.rejets,
    lignes: bilan.lignes,
    horsDepartement: bilan.horsDepartement,
    communesFusionnees: bilan.communesFusionnees,
    identifiantsRejetes,
  };
}

// ───────────────────────────── comparison with the stored units ─────────────────────────────

/**
 * The fields compared from one import to the next (the others are Flux's own: hors flux,
 * programme, stock reservation). The import compares them in SQL (`is distinct from`).
 */
export const CHAMPS_COMPARES = [
  'departement',
  'commune',
  'epci',
  'qpv',
  'typologie',
  'financement',
  'codeFinancement',
  'construction',
  'individuel',
  'surface',
  'loyer',
  'dpe',
  'conventionne',
  'numeroConvention',
  'dateConvention',
  'adresse',
] as const;
export type ChampCompare = (typeof CHAMPS_COMPARES)[number];

// ───────────────────────────── the error file ─────────────────────────────

function cellule(s: string): string {
  return /[;"\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The rejected rows in the input's columns (same names, same order) plus `Erreur`, for a
 * spreadsheet: UTF-8 with a BOM, `;`, CRLF, whatever the input's encoding and separator.
 */
export function fichierErreurs(entete: Entete, rejets: readonly Rejet[]): string {
  return enteteErreurs(entete) + rejets.map((r) => ligneErreurs(entete, r)).join('');
}

/** The error file's first line: the BOM, the input's column names and `Erreur`. */
export function enteteErreurs(entete: Entete): string {
  return `\uFEFF${[...entete.noms, 'Erreur'].map(cellule).join(';')}\r\n`;
}

/** One rejected row of the error file (with its CRLF), for writers that stream it. */
export function ligneErreurs(entete: Entete, r: Rejet): string {
  // Exactly the header's columns (fields in excess are named by the error), then the error.
  const champs = Array.from({ length: entete.noms.length }, (_, i) => r.champs[i] ?? '');
  const erreur = r.problemes.map((p) => `${p.chemin} : ${p.message}`).join(' | ');
  return `${[...champs, erreur].map(cellule).join(';')}\r\n`;
}
