/**
 * The files of the demand side (docs/demandes.md, ADR 0036), read as a stream and checked row by
 * row, pure: the demands template of a réservataire (numéro unique, dates, composition,
 * resources, priority categories, wished communes and typologies) and the allocations file of the
 * reconciliation (numéro unique, RPLS number, lease date, réservataire). Each problem names its
 * line and column (« ligne 12, colonne PERSONNES : … »). Columns that the template does not list
 * (names, addresses of an SNE extract) are ignored: never read, never stored, never copied to the
 * error file. A file is CSV, or an Excel workbook (XLSX, recognised by its bytes): its first sheet
 * read as the same rows, a line being the sheet's row number.
 */
import ExcelJS from 'exceljs';
import { codeSituation } from '../domain/cotation.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { normaliserTexte } from '../domain/rapprochement.ts';
import { communeCourante } from './cog.ts';
import { LecteurCsv, type Encodage, type Enregistrement } from './rpls-csv.ts';
import { dateCourte } from '../domain/calendrier.ts';

export const chemin = (ligne: number, colonne: string): string => `ligne ${ligne}, colonne ${colonne}`;

// ───────────────────────────── header ─────────────────────────────

export interface DefinitionColonne {
  /** The template's name, first; then the accepted spellings (compared without case, accents, spaces). */
  noms: readonly string[];
  obligatoire: boolean;
}

export interface Entete<C extends string> {
  /** Index of each field in the rows, -1 when the optional column is absent. */
  index: Record<C, number>;
  /** The template's name of each field present (what errors and the error file say). */
  nom: Record<C, string>;
  /** Fields present, in the template's order. */
  presents: C[];
}

const cleNom = (s: string): string => normaliserTexte(s.replace(/^\uFEFF/, '')).replace(/ /g, '_');

/** Maps a header line to the fields; a missing required column is a `DonneesInvalides` on line 1. */
export function lireEntete<C extends string>(
  e: Enregistrement | undefined,
  colonnes: Readonly<Record<C, DefinitionColonne>>,
): Entete<C> {
  const noms = (e?.champs ?? []).map(cleNom);
  const index = {} as Record<C, number>;
  const nom = {} as Record<C, string>;
  const presents: C[] = [];
  const problemes: Probleme[] = [];
  for (const [champ, def] of Object.entries(colonnes) as [C, DefinitionColonne][]) {
    const i = noms.findIndex((n) => n !== '' && def.noms.some((a) => cleNom(a) === n));
    index[champ] = i;
    nom[champ] = def.noms[0]!;
    if (i >= 0) presents.push(champ);
    else if (def.obligatoire)
      problemes.push({
        chemin: chemin(e?.ligne ?? 1, def.noms[0]!),
        message: `colonne absente de l’en-tête (noms acceptés : ${def.noms.join(', ')})`,
      });
  }
  if (problemes.length) throw new DonneesInvalides(problemes);
  return { index, nom, presents };
}

/** A row's values by field ('' for an absent column), trimmed. */
export function valeurs<C extends string>(entete: Entete<C>, e: Enregistrement): Record<C, string> {
  const v = {} as Record<C, string>;
  for (const c of Object.keys(entete.index) as C[]) {
    const i = entete.index[c];
    v[c] = i >= 0 ? (e.champs[i] ?? '').trim() : '';
  }
  return v;
}

// ───────────────────────────── cells ─────────────────────────────

const celluleCsv = (s: string): string => (/[;"\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

/** The error file's header: the template's columns present, then `Erreur` (UTF-8 BOM, `;`, CRLF). */
export const enteteFichierErreurs = <C extends string>(entete: Entete<C>): string =>
  `\uFEFF${[...entete.presents.map((c) => entete.nom[c]), 'Erreur'].map(celluleCsv).join(';')}\r\n`;

/** One rejected row of the error file: the template's columns as read, and its problems. */
export function ligneFichierErreurs<C extends string>(
  entete: Entete<C>,
  v: Record<C, string>,
  problemes: readonly Probleme[],
): string {
  const erreur = problemes.map((p) => `${p.chemin} : ${p.message}`).join(' | ');
  return `${[...entete.presents.map((c) => v[c]), erreur].map(celluleCsv).join(';')}\r\n`;
}

/** A date JJ/MM/AAAA or AAAA-MM-JJ as ISO, or null when it is not a real date. */
export function lireDate(s: string): string | null {
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  const iso = fr
    ? `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}`
    : /^\d{4}-\d{2}-\d{2}$/.test(s)
      ? s
      : null;
  if (!iso) return null;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso ? iso : null;
}

/** The SNE number as stored: upper case, without spaces or dashes; null when malformed. */
export function lireNumeroUnique(s: string): string | null {
  const n = s.replace(/[\s-]/g, '').toUpperCase();
  return /^[0-9A-Z]{10,20}$/.test(n) ? n : null;
}

export const MESSAGE_NUMERO = 'numéro unique invalide : 10 à 20 lettres ou chiffres (par exemple 045261100012345)';

/** The `|`-separated list of a cell (also `/` and `+`), without empty items. */
const liste = (s: string): string[] =>
  s
    .split(/[|/+]/)
    .map((x) => x.trim())
    .filter((x) => x !== '');

// ───────────────────────────── the demands template ─────────────────────────────

export const COLONNES_DEMANDES = {
  numero: { noms: ['NUMERO_UNIQUE', 'NUMERO_SNE', 'NUM_UNIQUE', 'NUR', 'NUMERO_UNIQUE_SNE'], obligatoire: true },
  dateDemande: { noms: ['DATE_DEMANDE', 'DATE_DEPOT', 'DATE_CREATION', 'DATE_ENREGISTREMENT'], obligatoire: true },
  dateRenouvellement: { noms: ['DATE_RENOUVELLEMENT', 'DATE_DERNIER_RENOUVELLEMENT'], obligatoire: false },
  personnes: { noms: ['PERSONNES', 'NB_PERSONNES', 'NOMBRE_PERSONNES', 'TAILLE_MENAGE'], obligatoire: true },
  enfants: { noms: ['ENFANTS_MOINS_14', 'ENFANTS_MOINS_DE_14_ANS', 'NB_ENFANTS_MOINS_14'], obligatoire: false },
  ressources: {
    noms: ['RESSOURCES_ANNUELLES', 'RESSOURCES', 'REVENU_FISCAL_REFERENCE', 'RFR'],
    obligatoire: false,
  },
  categories: { noms: ['CATEGORIES', 'CATEGORIES_PRIORITAIRES', 'PRIORITES'], obligatoire: false },
  communes: { noms: ['COMMUNES', 'COMMUNES_SOUHAITEES', 'CODES_INSEE'], obligatoire: true },
  typologies: { noms: ['TYPOLOGIES', 'TYPOLOGIES_SOUHAITEES', 'TYPES_LOGEMENT'], obligatoire: true },
  situations: { noms: ['SITUATIONS', 'SITUATION', 'MOTIFS', 'MOTIFS_DEMANDE'], obligatoire: false },
  lienLocal: { noms: ['LIEN_LOCAL', 'LIEN_AVEC_LE_TERRITOIRE'], obligatoire: false },
  refus: { noms: ['REFUS_ADAPTES', 'REFUS_LOGEMENT_ADAPTE', 'DATES_REFUS'], obligatoire: false },
  mutation: { noms: ['MUTATION_INTERNE', 'MUTATION'], obligatoire: false },
} as const satisfies Record<string, DefinitionColonne>;
export type ChampDemande = keyof typeof COLONNES_DEMANDES;

export const CATEGORIES_DEMANDE = ['dalo', 'pdalhpd', 'autre_l441_1'] as const;
export type CategorieDemande = (typeof CATEGORIES_DEMANDE)[number];
const SYNONYMES_CATEGORIE: Record<string, CategorieDemande> = {
  dalo: 'dalo',
  pdalhpd: 'pdalhpd',
  pdalpd: 'pdalhpd',
  autre_l441_1: 'autre_l441_1',
  l441_1: 'autre_l441_1',
  autre: 'autre_l441_1',
  prioritaire_l441_1: 'autre_l441_1',
};
const TYPOLOGIES = ['T1', 'T2', 'T3', 'T4', 'T5', 'T6'] as const;

/** Bounds of the template's values (what an SNE extract can hold; beyond, a typing error). */
export const PERSONNES_MAX = 20;
export const RESSOURCES_MAX = 1_000_000;
export const COMMUNES_MAX = 20;
export const SITUATIONS_MAX = 10;
export const REFUS_MAX = 20;

export interface FicheDemande {
  numero: string;
  dateDemande: string;
  dateRenouvellement: string | null;
  personnes: number;
  enfantsMoins14: number;
  ressourcesAnnuelles: number | null;
  dalo: boolean;
  pdalhpd: boolean;
  autreL4411: boolean;
  communes: string[];
  typologies: string[];
  /** Situations of the demand (codes as `codeSituation` writes them), for the cotation grids' criteria. */
  situations: string[];
  /** Works or lives in the territory (the grids' « lien local »). */
  lienLocal: boolean;
  /** Dates of the suitable units the household refused (the grids' refusal effect). */
  refusAdaptes: string[];
  /** A tenant of the bailleur asking for another unit (the grids' internal mutations). */
  mutationInterne: boolean;
}

/** The fields a re-import compares (what `champs` of an update names). */
export const CHAMPS_DEMANDE = [
  'dateDemande',
  'dateRenouvellement',
  'personnes',
  'enfantsMoins14',
  'ressourcesAnnuelles',
  'dalo',
  'pdalhpd',
  'autreL4411',
  'communes',
  'typologies',
  'situations',
  'lienLocal',
  'refusAdaptes',
  'mutationInterne',
] as const satisfies readonly (keyof FicheDemande)[];

const OUI = new Set(['oui', 'o', '1', 'vrai', 'x']);
const NON = new Set(['non', 'n', '0', 'faux', '']);

/** An integer cell: spaces (thousands) allowed, a decimal part with « , » or « . » rounded. */
function entier(s: string): number | null {
  const t = s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  return Math.round(Number(t));
}

/**
 * One row of the demands template: its demand, or its problems. `aujourdhui` (ISO) bounds the
 * dates: a demand is not dated in the future.
 */
export function lireDemande(
  entete: Entete<ChampDemande>,
  e: Enregistrement,
  aujourdhui: string,
): { v: Record<ChampDemande, string>; fiche: FicheDemande | null; problemes: Probleme[] } {
  const v = valeurs(entete, e);
  const problemes: Probleme[] = [];
  const ici = (c: ChampDemande, message: string) => problemes.push({ chemin: chemin(e.ligne, entete.nom[c]), message });
  if (e.guillemetNonFerme) ici('numero', 'guillemet ouvert jamais fermé (fichier tronqué ?)');
  const numero = lireNumeroUnique(v.numero);
  if (!v.numero) ici('numero', 'numéro unique manquant');
  else if (!numero) ici('numero', MESSAGE_NUMERO);
  const date = (c: ChampDemande, requis: boolean): string | null => {
    if (!v[c]) {
      if (requis) ici(c, 'date manquante (JJ/MM/AAAA)');
      return null;
    }
    const d = lireDate(v[c]);
    if (!d) ici(c, `date « ${v[c]} » invalide (JJ/MM/AAAA attendu)`);
    else if (d > aujourdhui) ici(c, `date du ${dateCourte(d)} dans le futur`);
    return d;
  };
  const dateDemande = date('dateDemande', true);
  const dateRenouvellement = date('dateRenouvellement', false);
  if (dateDemande && dateRenouvellement && dateRenouvellement < dateDemande)
    ici(
      'dateRenouvellement',
      `renouvellement du ${dateCourte(dateRenouvellement)} avant la demande du ${dateCourte(dateDemande)}`,
    );
  const personnes = v.personnes ? entier(v.personnes) : null;
  if (!v.personnes) ici('personnes', 'nombre de personnes manquant');
  else if (personnes === null || personnes < 1 || personnes > PERSONNES_MAX || !/^\s*\d+\s*$/.test(v.personnes))
    ici('personnes', `« ${v.personnes} » : un nombre entier de personnes de 1 à ${PERSONNES_MAX} attendu`);
  let enfants = 0;
  if (v.enfants) {
    const n = /^\s*\d+\s*$/.test(v.enfants) ? Number(v.enfants) : null;
    if (n === null) ici('enfants', `« ${v.enfants} » : un nombre entier d’enfants attendu (0 si aucun)`);
    else if (personnes !== null && n >= personnes)
      ici(
        'enfants',
        `${n} enfant${n > 1 ? 's' : ''} de moins de 14 ans pour ${personnes} personne${personnes > 1 ? 's' : ''} : le ménage compte au moins un adulte`,
      );
    else enfants = n;
  }
  let ressources: number | null = null;
  if (v.ressources) {
    ressources = entier(v.ressources);
    if (ressources === null || ressources > RESSOURCES_MAX) {
      ici(
        'ressources',
        `« ${v.ressources} » : un montant annuel en euros attendu (par exemple 18 400), vide si inconnu`,
      );
      ressources = null;
    }
  }
  const categories = new Set<CategorieDemande>();
  for (const c of liste(v.categories)) {
    const k = SYNONYMES_CATEGORIE[normaliserTexte(c).replace(/ /g, '_')];
    if (k) categories.add(k);
    else
      ici('categories', `catégorie « ${c} » inconnue (attendu : ${CATEGORIES_DEMANDE.join(', ')}, séparées par « | »)`);
  }
  const communes: string[] = [];
  const codes = liste(v.communes);
  if (codes.length === 0) ici('communes', 'au moins une commune souhaitée (code INSEE) attendue');
  else if (codes.length > COMMUNES_MAX) ici('communes', `${codes.length} communes : ${COMMUNES_MAX} au plus`);
  for (const c of codes) {
    const code = c.toUpperCase();
    const courante = /^(\d{5}|2[AB]\d{3})$/.test(code) ? communeCourante(code) : null;
    if (!courante) ici('communes', `commune « ${c} » inconnue (code INSEE à 5 caractères attendu, par exemple 45234)`);
    else if (!communes.includes(courante)) communes.push(courante);
  }
  const typologies: string[] = [];
  const types = liste(v.typologies);
  if (types.length === 0) ici('typologies', 'au moins une typologie souhaitée (T1 à T6) attendue');
  for (const t of types) {
    const k = t.toUpperCase().replace(/\s/g, '');
    if (!(TYPOLOGIES as readonly string[]).includes(k))
      ici('typologies', `typologie « ${t} » inconnue (T1 à T6 attendu)`);
    else if (!typologies.includes(k)) typologies.push(k);
  }
  typologies.sort();
  const situations: string[] = [];
  const lues = liste(v.situations);
  if (lues.length > SITUATIONS_MAX) ici('situations', `${lues.length} situations : ${SITUATIONS_MAX} au plus`);
  for (const x of lues) {
    const code = codeSituation(x);
    if (code === '' || code.length > 60)
      ici(
        'situations',
        `situation « ${x} » : un code de 1 à 60 lettres ou chiffres attendu (par exemple sans_logement)`,
      );
    else if (!situations.includes(code)) situations.push(code);
  }
  situations.sort();
  const ouiNon = (c: 'lienLocal' | 'mutation'): boolean => {
    const t = normaliserTexte(v[c]);
    if (OUI.has(t)) return true;
    if (!NON.has(t)) ici(c, `« ${v[c]} » : oui ou non attendu (vide : non)`);
    return false;
  };
  const lienLocal = ouiNon('lienLocal');
  const mutationInterne = ouiNon('mutation');
  const refusAdaptes: string[] = [];
  // Dates hold « / »: only « | » separates them.
  const refus = v.refus
    .split('|')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (refus.length > REFUS_MAX) ici('refus', `${refus.length} refus : ${REFUS_MAX} au plus`);
  for (const x of refus) {
    const d = lireDate(x);
    if (!d) ici('refus', `date de refus « ${x} » invalide (JJ/MM/AAAA attendu, séparées par « | »)`);
    else if (d > aujourdhui) ici('refus', `refus du ${dateCourte(d)} dans le futur`);
    else if (dateDemande && d < dateDemande)
      ici('refus', `refus du ${dateCourte(d)} avant la demande du ${dateCourte(dateDemande)}`);
    else if (!refusAdaptes.includes(d)) refusAdaptes.push(d);
  }
  refusAdaptes.sort();
  if (problemes.length || !numero || !dateDemande || personnes === null) return { v, fiche: null, problemes };
  return {
    v,
    problemes,
    fiche: {
      numero,
      dateDemande,
      dateRenouvellement,
      personnes,
      enfantsMoins14: enfants,
      ressourcesAnnuelles: ressources,
      dalo: categories.has('dalo'),
      pdalhpd: categories.has('pdalhpd'),
      autreL4411: categories.has('autre_l441_1'),
      communes,
      typologies,
      situations,
      lienLocal,
      refusAdaptes,
      mutationInterne,
    },
  };
}

/** The last day a demand is valid: its renewal (else its registration) + `mois` months, minus a day. */
export function finDeValidite(f: Pick<FicheDemande, 'dateDemande' | 'dateRenouvellement'>, mois: number): string {
  const depart = f.dateRenouvellement ?? f.dateDemande;
  const d = new Date(`${depart}T00:00:00Z`);
  const jour = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + mois);
  const dernier = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(jour, dernier));
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

// ───────────────────────────── the allocations file (reconciliation) ─────────────────────────────

export const COLONNES_ALLOCATIONS = {
  numero: { noms: ['NUMERO_UNIQUE', 'NUMERO_SNE', 'NUM_UNIQUE', 'NUR'], obligatoire: true },
  rpls: { noms: ['RPLS', 'NUMERO_RPLS', 'RPLS_ID', 'IDENT_REP', 'IDENTIFIANT_RPLS'], obligatoire: true },
  date: { noms: ['DATE_BAIL', 'DATE_SIGNATURE_BAIL', 'DATE_SIGNATURE', 'DATE_ATTRIBUTION'], obligatoire: true },
  reservataire: { noms: ['RESERVATAIRE', 'CONTINGENT', 'RESERVATAIRE_SNE'], obligatoire: true },
  bailleur: { noms: ['BAILLEUR', 'SIREN_BAILLEUR', 'ORGANISME'], obligatoire: false },
} as const satisfies Record<string, DefinitionColonne>;
export type ChampAllocation = keyof typeof COLONNES_ALLOCATIONS;

export interface FicheAllocation {
  ligne: number;
  numeroUnique: string | null;
  rpls: string | null;
  date: string;
  reservataire: string | null;
  bailleur: string | null;
}

/** One row of the allocations file: its allocation, or its problems. */
export function lireAllocation(
  entete: Entete<ChampAllocation>,
  e: Enregistrement,
): { fiche: FicheAllocation | null; problemes: Probleme[] } {
  const v = valeurs(entete, e);
  const problemes: Probleme[] = [];
  const ici = (c: ChampAllocation, message: string) =>
    problemes.push({ chemin: chemin(e.ligne, entete.nom[c]), message });
  if (e.guillemetNonFerme) ici('numero', 'guillemet ouvert jamais fermé (fichier tronqué ?)');
  const numero = v.numero ? lireNumeroUnique(v.numero) : null;
  if (v.numero && !numero) ici('numero', MESSAGE_NUMERO);
  if (!v.numero && !v.rpls) ici('rpls', 'ni numéro unique ni numéro RPLS : la ligne ne peut être rapprochée');
  const date = lireDate(v.date);
  if (!v.date) ici('date', 'date du bail manquante (JJ/MM/AAAA)');
  else if (!date) ici('date', `date « ${v.date} » invalide (JJ/MM/AAAA attendu)`);
  if (problemes.length || !date) return { fiche: null, problemes };
  return {
    problemes,
    fiche: {
      ligne: e.ligne,
      numeroUnique: numero,
      rpls: v.rpls || null,
      date,
      reservataire: v.reservataire || null,
      bailleur: v.bailleur || null,
    },
  };
}

// ───────────────────────────── reading ─────────────────────────────

/** Where the bytes come from; `ouvrir` may be called twice (a Latin-1 file is read again). */
export interface SourceOctets {
  nom: string;
  ouvrir(): AsyncIterable<Uint8Array>;
}

/** What an XLSX file (a zip archive) starts with. */
const SIGNATURE_XLSX = [0x50, 0x4b, 0x03, 0x04];

/**
 * The records of a source: a CSV in one encoding, chunk by chunk (throws `Utf8Invalide` in UTF-8),
 * or an XLSX workbook, recognised by its first bytes whatever its name or content type.
 */
export async function* enregistrements(source: SourceOctets, encodage: Encodage): AsyncGenerator<Enregistrement> {
  const morceaux = source.ouvrir()[Symbol.asyncIterator]();
  const premier = await morceaux.next();
  if (!premier.done && SIGNATURE_XLSX.every((o, i) => premier.value[i] === o)) {
    const tout: Uint8Array[] = [premier.value];
    for (let m = await morceaux.next(); !m.done; m = await morceaux.next()) tout.push(m.value);
    yield* lignesXlsx(Buffer.concat(tout));
    return;
  }
  const lecteur = new LecteurCsv(encodage);
  if (!premier.done) yield* lecteur.pousser(premier.value);
  for (let m = await morceaux.next(); !m.done; m = await morceaux.next()) yield* lecteur.pousser(m.value);
  yield* lecteur.terminer();
}

/** A cell as the CSV would hold it: a date `JJ/MM/AAAA`, a number as written, a formula's result. */
function texteCellule(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return dateCourte(v.toISOString().slice(0, 10));
  if (typeof v === 'object') {
    if ('result' in v) return texteCellule(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
    return '';
  }
  return String(v);
}

/** The first sheet's rows, each with its row number as the line; empty rows left out. */
async function* lignesXlsx(octets: Buffer): AsyncGenerator<Enregistrement> {
  const classeur = new ExcelJS.Workbook();
  try {
    await classeur.xlsx.load(octets as unknown as ArrayBuffer);
  } catch {
    throw new DonneesInvalides([
      { chemin: 'fichier', message: 'classeur Excel illisible : enregistrez-le à nouveau en .xlsx, ou en CSV' },
    ]);
  }
  const feuille = classeur.worksheets[0];
  if (!feuille) return;
  const largeur = feuille.columnCount;
  const lignes: Enregistrement[] = [];
  feuille.eachRow({ includeEmpty: false }, (row, numero) => {
    const champs = Array.from({ length: largeur }, (_, i) => texteCellule(row.getCell(i + 1).value).trim());
    lignes.push({ ligne: numero, champs, guillemetNonFerme: false });
  });
  yield* lignes;
}
