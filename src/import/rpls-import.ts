/**
 * Use case « import a bailleur's RPLS file »: read (streaming) → validate and transform (pure,
 * `rpls.ts`) → load, in ONE transaction, with one audit event.
 *
 * - Atomic: with one invalid row nothing is stored, and the caller gets the error file (the
 *   rejected rows and an `Erreur` column) — unless `valideSeulement`, which stores the valid rows
 *   and still hands the error file back.
 * - Upsert by RPLS identifier within the bailleur (`logements_bailleur_rpls`): new units are
 *   inserted, changed ones updated (the fields of `CHAMPS_COMPARES`; `horsFlux` and `programmeId`,
 *   which are Flux's own, are never touched), unchanged ones left alone.
 * - Units of the bailleur (in the département, with `departement`) absent from the file are NOT
 *   deleted — vacancies and events refer to them: they are marked `absent_rpls_depuis` = this
 *   import and reported as `disparus`; the mark is cleared when a later file has them again.
 *   Units of rejected rows (with `valideSeulement`) are not counted as gone.
 * - Bulk: COPY on both drivers, never row by row. The rows are streamed out as CSV chunks
 *   (`pg-copy-streams` on the transaction's own connection for PostgreSQL; `COPY … FROM '/dev/blob'`
 *   by chunks of `LOT_COPIE` rows for PGlite), straight into `logements` when the bailleur has no
 *   unit yet, else into a temporary staging table (dropped at commit) followed by ONE
 *   `insert … select … on conflict do update`. Another driver falls back to chunks of 5,000 rows
 *   travelling as one JSON parameter (`json_to_recordset`).
 * - Audit: one event `rpls.importer` on the import, its summary in `apres`, attributed to the
 *   actor (the command line: no user, the bailleur organisation).
 */
import { createHash, randomFillSync, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite, Transaction as TransactionPglite } from '@electric-sql/pglite';
import { and, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { journaliser } from '../app/audit.ts';
import { Interdit, Introuvable } from '../app/errors.ts';
import { exiger, type Acteur } from '../app/roles.ts';
import { lignes, type Db, type Tx } from '../db/client.ts';
import { importsRpls, organisations } from '../db/schema.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { FINANCEMENTS, type Financement } from '../domain/types.ts';
import { communeCourante, epciDeCommune } from './cog.ts';
import { LecteurCsv, Utf8Invalide, type Encodage, type Enregistrement, type Separateur } from './rpls-csv.ts';
import {
  CHAMPS_COMPARES,
  IDENTIFIANT_CONSTRUIT,
  ValidationRpls,
  analyserEntete,
  chemin,
  comparer,
  fichierErreurs,
  type LogementRpls,
  type LogementStocke,
  type Referentiel,
  type ResultatValidation,
} from './rpls.ts';

/** Where the bytes come from; `ouvrir` may be called twice (a second pass as Windows-1252). */
export interface SourceRpls {
  nom: string;
  /** Size in bytes, when known (progress). */
  taille: number | null;
  ouvrir(): AsyncIterable<Uint8Array>;
}

export async function sourceFichier(chemin: string): Promise<SourceRpls> {
  const { size } = await stat(chemin);
  return { nom: chemin, taille: size, ouvrir: () => createReadStream(chemin, { highWaterMark: 1 << 20 }) };
}

export function sourceOctets(nom: string, octets: Uint8Array): SourceRpls {
  return {
    nom,
    taille: octets.length,
    async *ouvrir() {
      for (let i = 0; i < octets.length; i += 1 << 20) yield octets.subarray(i, i + (1 << 20));
    },
  };
}

export interface OptionsImportRpls {
  /** SIREN of the bailleur (an organisation of category `bailleur`). */
  siren: string;
  /** Store the valid rows even when some are rejected. */
  valideSeulement?: boolean | undefined;
  /** Only this département's rows; the comparison is then limited to the bailleur's units there. */
  departement?: string | undefined;
  /** The signed-in person; null or absent: the command line (a system actor). */
  acteur?: Acteur | null | undefined;
  /** Progress: bytes read so far and the total (when known). */
  surProgression?: ((lus: number, total: number | null) => void) | undefined;
  /** The COG (tests may inject another). */
  referentiel?: Referentiel | undefined;
}

export interface ResumeImportRpls {
  fichier: string;
  bailleur: { id: string; nom: string; siren: string };
  departement: string | null;
  encodage: Encodage;
  separateur: Separateur;
  /** The identifier column used, or "adresse+rang" (built). */
  identifiant: string;
  /** Data rows read. */
  lignes: number;
  /** Valid units read from the file (a grouped row counts its `nb` units). */
  logements: number;
  /** Rejected rows. */
  rejetes: number;
  /** Rows of another département (with `departement`). */
  horsDepartement: number;
  /** Whether anything was stored. */
  importe: boolean;
  nouveaux: number;
  modifies: number;
  inchanges: number;
  /** Units of the bailleur marked absent by this import. */
  disparus: number;
  /** Already absent since an earlier import, still absent. */
  dejaAbsents: number;
  /** Changed units, by field (`present`: back after being absent). */
  champsModifies: Record<string, number>;
  communesFusionnees: { code: string; courante: string; logements: number }[];
  /** Valid units of the file by financing category. */
  parCategorie: Record<Financement, number>;
  /** The first identifiers of each kind (at most `DETAIL_MAX`). */
  detail: { nouveaux: string[]; modifies: { rpls: string; champs: string[] }[]; disparus: string[] };
  /** Path of the error file, filled in by the caller that wrote it. */
  fichierErreurs?: string;
  dureeMs: number;
}

export interface ResultatImportRpls {
  resume: ResumeImportRpls;
  /** Problems of the rejected rows, in file order. */
  problemes: Probleme[];
  /** The error file's content (UTF-8 BOM, `;`, CRLF), when rows were rejected. */
  erreurs: string | null;
}

export const DETAIL_MAX = 100;
const LOT = 5000;
/** Advisory lock class for imports (the key's second half is the bailleur). */
const VERROU_IMPORT = 7_201_203;

const cog: Referentiel = { communeCourante, epciDeCommune };

interface Lecture {
  validation: ResultatValidation;
  encodage: Encodage;
  separateur: Separateur;
  empreinte: string;
}

/** One pass over the bytes in one encoding (throws `Utf8Invalide` in UTF-8 on a bad byte). */
async function lire(source: SourceRpls, encodage: Encodage, options: OptionsImportRpls): Promise<Lecture> {
  const lecteur = new LecteurCsv(encodage);
  const hash = createHash('sha256');
  const referentiel = options.referentiel ?? cog;
  let validation: ValidationRpls | null = null;
  let lus = 0;
  const traiter = (enregistrements: Enregistrement[]): void => {
    for (const e of enregistrements) {
      if (validation) validation.ajouter(e);
      else validation = new ValidationRpls(analyserEntete(e), referentiel, { departement: options.departement });
    }
  };
  for await (const morceau of source.ouvrir()) {
    hash.update(morceau);
    lus += morceau.length;
    traiter(lecteur.pousser(morceau));
    options.surProgression?.(lus, source.taille);
  }
  traiter(lecteur.terminer());
  const v = validation ?? new ValidationRpls(analyserEntete(undefined), referentiel);
  return { validation: v.resultat(), encodage, separateur: lecteur.separateur ?? ';', empreinte: hash.digest('hex') };
}

/** Reads and validates a whole file: UTF-8, or Windows-1252 when it is not valid UTF-8. */
export async function lireRpls(source: SourceRpls, options: OptionsImportRpls): Promise<Lecture> {
  try {
    return await lire(source, 'utf-8', options);
  } catch (err) {
    if (!(err instanceof Utf8Invalide)) throw err;
    return lire(source, 'windows-1252', options);
  }
}

function verifierOptions(o: OptionsImportRpls): void {
  const problemes: Probleme[] = [];
  if (!/^\d{9}$/.test(o.siren)) problemes.push({ chemin: '--bailleur', message: `SIREN invalide « ${o.siren} » (9 chiffres)` });
  if (o.departement !== undefined && !/^(?:\d{2}|2[AB]|97\d)$/.test(o.departement)) {
    problemes.push({ chemin: '--departement', message: `département invalide « ${o.departement} » (45, 2A, 974…)` });
  }
  if (problemes.length > 0) throw new DonneesInvalides(problemes);
}

async function trouverBailleur(db: Db | Tx, siren: string) {
  const [b] = await db
    .select({ id: organisations.id, nom: organisations.nom, siren: organisations.siren })
    .from(organisations)
    .where(and(eq(organisations.siren, siren), eq(organisations.categorie, 'bailleur')));
  if (!b) throw new Introuvable(`aucun bailleur de SIREN ${siren} : créez d’abord l’organisation (catégorie « bailleur ») avec ce SIREN`);
  return { id: b.id, nom: b.nom, siren };
}

function parCategorie(ls: readonly LogementRpls[]): Record<Financement, number> {
  const r = Object.fromEntries(FINANCEMENTS.map((f) => [f, 0])) as Record<Financement, number>;
  for (const l of ls) r[l.financement]++;
  return r;
}

/** Imports an RPLS file for a bailleur. Throws `DonneesInvalides` (options, header), `Introuvable`, `Interdit`. */
export async function importerRpls(db: Db, source: SourceRpls, options: OptionsImportRpls): Promise<ResultatImportRpls> {
  const debut = performance.now();
  verifierOptions(options);
  const bailleur = await trouverBailleur(db, options.siren);
  if (options.acteur) {
    exiger(options.acteur, ['agent_bailleur', 'administrateur'], 'import RPLS');
    if (options.acteur.role === 'agent_bailleur' && options.acteur.organisationId !== bailleur.id) {
      throw new Interdit('import RPLS : un agent de bailleur n’importe que le patrimoine de son organisme');
    }
  }
  const lecture = await lireRpls(source, options);
  const v = lecture.validation;
  const problemes = v.rejets.flatMap((r) => r.problemes);
  const erreurs = v.rejets.length > 0 ? fichierErreurs(v.entete, v.rejets) : null;
  const resume: ResumeImportRpls = {
    fichier: source.nom,
    bailleur,
    departement: options.departement ?? null,
    encodage: lecture.encodage,
    separateur: lecture.separateur,
    identifiant: v.entete.identifiant,
    lignes: v.lignes,
    logements: v.logements.length,
    rejetes: v.rejets.length,
    horsDepartement: v.horsDepartement,
    importe: false,
    nouveaux: 0,
    modifies: 0,
    inchanges: 0,
    disparus: 0,
    dejaAbsents: 0,
    champsModifies: {},
    communesFusionnees: [...v.communesFusionnees].map(([code, f]) => ({ code, courante: f.courante, logements: f.logements })),
    parCategorie: parCategorie(v.logements),
    detail: { nouveaux: [], modifies: [], disparus: [] },
    dureeMs: 0,
  };
  if (v.logements.length === 0 && v.rejets.length === 0) {
    // An empty file would mark the whole stock as gone: refused.
    const ou = options.departement ? ` du département ${options.departement}` : '';
    throw new DonneesInvalides([{ chemin: chemin(2, v.entete.noms[v.entete.index.get('DEPCOM') ?? 0] ?? 'DEPCOM'), message: `aucun logement${ou} dans le fichier : rien à importer` }]);
  }
  if (v.rejets.length > 0 && (!options.valideSeulement || v.logements.length === 0)) {
    resume.dureeMs = Math.round(performance.now() - debut);
    return { resume, problemes, erreurs };
  }
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${VERROU_IMPORT}, hashtext(${bailleur.id}))`);
    const stockes = await lireStock(tx, bailleur.id, options.departement ?? null);
    const c = comparer(stockes, v.logements, v.identifiantsRejetes);
    const importId = randomUUID();
    resume.importe = true;
    resume.nouveaux = c.nouveaux.length;
    resume.modifies = c.modifies.length;
    resume.inchanges = c.inchanges;
    resume.disparus = c.disparus.length;
    resume.dejaAbsents = c.dejaAbsents;
    for (const m of c.modifies) for (const champ of m.champs) resume.champsModifies[champ] = (resume.champsModifies[champ] ?? 0) + 1;
    resume.detail = {
      nouveaux: c.nouveaux.slice(0, DETAIL_MAX).map((l) => l.rpls),
      modifies: c.modifies.slice(0, DETAIL_MAX).map((m) => ({ rpls: m.logement.rpls, champs: m.champs })),
      disparus: c.disparus.slice(0, DETAIL_MAX).map((s) => s.rpls),
    };
    await tx.insert(importsRpls).values({
      id: importId,
      bailleurId: bailleur.id,
      departement: options.departement ?? null,
      fichier: source.nom,
      empreinte: lecture.empreinte,
      resume: resumeAudit(resume),
    });
    // Nothing of the bailleur stored (in any département): the new units go straight into the table.
    const vierge = c.modifies.length === 0 && (options.departement ? !(await aDesLogements(tx, bailleur.id)) : stockes.length === 0);
    await ecrire(tx, bailleur.id, importId, c.nouveaux, c.modifies, vierge);
    for (let i = 0; i < c.disparus.length; i += LOT) {
      const ids = JSON.stringify(c.disparus.slice(i, i + LOT).map((s) => s.id));
      await tx.execute(
        sql`update logements set absent_rpls_depuis = ${importId} where bailleur_id = ${bailleur.id} and id in (select jsonb_array_elements_text(${ids}::jsonb))`,
      );
    }
    // No user for the command line: the event is the bailleur's, with a null user.
    const auteur = options.acteur ?? { utilisateurId: null, organisationId: bailleur.id };
    await journaliser(tx, auteur, { action: 'rpls.importer', cibleType: 'import_rpls', cibleId: importId, avant: null, apres: resumeAudit(resume) });
  });
  resume.dureeMs = Math.round(performance.now() - debut);
  return { resume, problemes, erreurs };
}

/**
 * The bailleur's stored units (in the département, if any) with the compared fields. Read as ONE
 * JSON text (`json_agg`): on PGlite three times faster than row by row for 100,000 units. JSON gives
 * numerics as numbers and dates as "YYYY-MM-DD", as the file's units have them.
 */
async function lireStock(tx: Tx, bailleurId: string, departement: string | null): Promise<LogementStocke[]> {
  const colonnes = ['id', 'rpls', 'absentRplsDepuis', ...CHAMPS_COMPARES] as const;
  const sqlDe: Record<(typeof colonnes)[number], string> = {
    id: 'id',
    rpls: 'rpls',
    absentRplsDepuis: 'absent_rpls_depuis',
    departement: 'departement',
    commune: 'commune',
    epci: 'epci',
    qpv: 'qpv',
    typologie: 'typologie',
    financement: 'financement',
    codeFinancement: 'code_financement',
    construction: 'construction',
    individuel: 'individuel',
    surface: 'surface',
    loyer: 'loyer',
    dpe: 'dpe',
    conventionne: 'conventionne',
    numeroConvention: 'numero_convention',
    dateConvention: 'date_convention',
    adresse: 'adresse',
  };
  const liste = sql.raw(colonnes.map((c) => sqlDe[c]).join(', '));
  const [r] = await lignes<{ j: string }>(
    tx,
    sql`select coalesce(json_agg(json_build_array(${liste})), '[]')::text as j from logements
        where bailleur_id = ${bailleurId} ${departement ? sql`and departement = ${departement}` : sql``}`,
  );
  return (JSON.parse(r!.j) as unknown[][]).map((valeurs) => {
    const l: Record<string, unknown> = {};
    colonnes.forEach((c, i) => (l[c] = valeurs[i]));
    return l as LogementStocke;
  });
}

/** The summary as stored (audit, `imports_rpls.resume`): counts, without the identifier lists. */
function resumeAudit(r: ResumeImportRpls): Omit<ResumeImportRpls, 'detail' | 'dureeMs'> {
  const reste: Partial<ResumeImportRpls> = { ...r };
  delete reste.detail;
  delete reste.dureeMs;
  return reste as Omit<ResumeImportRpls, 'detail' | 'dureeMs'>;
}

function ligneLogement(id: string, bailleurId: string, importId: string, l: LogementRpls) {
  return {
    id,
    bailleur_id: bailleurId,
    rpls: l.rpls,
    departement: l.departement,
    commune: l.commune,
    epci: l.epci,
    qpv: l.qpv,
    typologie: l.typologie,
    financement: l.financement,
    code_financement: l.codeFinancement,
    construction: l.construction,
    individuel: l.individuel,
    surface: l.surface,
    loyer: l.loyer,
    dpe: l.dpe,
    conventionne: l.conventionne,
    numero_convention: l.numeroConvention,
    date_convention: l.dateConvention,
    adresse: l.adresse,
    import_rpls_id: importId,
  };
}

/** The columns written by the import and their SQL types (`json_to_recordset`’s record definition). */
const COLONNES: readonly (readonly [string, string])[] = [
  ['id', 'text'],
  ['bailleur_id', 'text'],
  ['rpls', 'text'],
  ['departement', 'text'],
  ['commune', 'text'],
  ['epci', 'text'],
  ['qpv', 'text'],
  ['typologie', 'text'],
  ['financement', 'text'],
  ['code_financement', 'text'],
  ['construction', 'integer'],
  ['individuel', 'boolean'],
  ['surface', 'numeric(8,2)'],
  ['loyer', 'numeric(9,2)'],
  ['dpe', 'text'],
  ['conventionne', 'boolean'],
  ['numero_convention', 'text'],
  ['date_convention', 'date'],
  ['adresse', 'text'],
  ['import_rpls_id', 'text'],
];
const NOMS = COLONNES.map(([n]) => n).join(', ');
const DEFINITION = COLONNES.map(([n, t]) => `${n} ${t}`).join(', ');
/** On conflict (bailleur, rpls) every column but the key is replaced, and the unit is present again. */
const MAJ = `${COLONNES.filter(([n]) => !['id', 'bailleur_id', 'rpls'].includes(n))
  .map(([n]) => `${n} = excluded.${n}`)
  .join(', ')}, absent_rpls_depuis = null`;

/** One statement for a whole chunk: the rows travel as one JSON parameter (the fallback). */
async function upsert(tx: Tx, lot: readonly Record<string, unknown>[]): Promise<void> {
  await tx.execute(
    sql`insert into logements (${sql.raw(NOMS)}) select ${sql.raw(NOMS)} from json_to_recordset(${JSON.stringify(lot)}::json) as x(${sql.raw(DEFINITION)}) on conflict (bailleur_id, rpls) do update set ${sql.raw(MAJ)}`,
  );
}

async function aDesLogements(tx: Tx, bailleurId: string): Promise<boolean> {
  const [r] = await lignes<{ oui: boolean }>(tx, sql`select exists (select 1 from logements where bailleur_id = ${bailleurId}) as oui`);
  return r?.oui === true;
}

/** Rows per COPY statement on PGlite (one blob each: a few tens of MB at most). */
export const LOT_COPIE = 100_000;
/** Rows per CSV chunk written to the PostgreSQL COPY stream. */
const MORCEAU_CSV = 2_000;
/** The staging table (temporary, dropped at commit). */
const TABLE_TRANSIT = 'rpls_transit';

type ClientBrut = { genre: 'postgresql'; client: pg.ClientBase } | { genre: 'pglite'; client: PGlite | TransactionPglite } | null;

/**
 * The raw connection under a Drizzle transaction: node-postgres keeps the pool client it checked
 * out in `session.client`, PGlite its transaction object. Null for anything else.
 */
function clientBrut(tx: Tx): ClientBrut {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  if (client instanceof pg.Client) return { genre: 'postgresql', client };
  if (client && typeof (client as { query?: unknown }).query === 'function' && typeof (client as { exec?: unknown }).exec === 'function') {
    return { genre: 'pglite', client: client as PGlite | TransactionPglite };
  }
  return null;
}

/** One CSV field for COPY: empty for null, quoted when needed (an empty string is `""`). */
function champCsv(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return v === '' || /[",\r\n\\]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One unit as a CSV line in the order of `COLONNES`. */
export function ligneCsv(id: string, bailleurId: string, importId: string, l: LogementRpls): string {
  return (
    [
      id,
      bailleurId,
      l.rpls,
      l.departement,
      l.commune,
      l.epci,
      l.qpv,
      l.typologie,
      l.financement,
      l.codeFinancement,
      l.construction,
      l.individuel,
      l.surface,
      l.loyer,
      l.dpe,
      l.conventionne,
      l.numeroConvention,
      l.dateConvention,
      l.adresse,
      importId,
    ]
      .map(champCsv)
      .join(',') + '\n'
  );
}

/** The written columns (`logements` order of the COPY), for tools that load the same rows. */
export const COLONNES_COPIE: readonly string[] = COLONNES.map(([n]) => n);

/** The units to write, as CSV chunks of at most `parMorceau` rows (new ones get a fresh id). */
function* morceauxCsv(
  bailleurId: string,
  importId: string,
  nouveaux: readonly LogementRpls[],
  modifies: readonly { id: string; logement: LogementRpls }[],
  parMorceau: number,
): Generator<string> {
  let morceau = '';
  let n = 0;
  const ajouter = (ligne: string): string | null => {
    morceau += ligne;
    if (++n < parMorceau) return null;
    const plein = morceau;
    morceau = '';
    n = 0;
    return plein;
  };
  for (const l of nouveaux) {
    const plein = ajouter(ligneCsv(uuidOrdonne(), bailleurId, importId, l));
    if (plein !== null) yield plein;
  }
  for (const m of modifies) {
    const plein = ajouter(ligneCsv(m.id, bailleurId, importId, m.logement));
    if (plein !== null) yield plein;
  }
  if (morceau !== '') yield morceau;
}

let dernierMs = 0;
let sequence = 0;
const alea = Buffer.alloc(8192);
let positionAlea = alea.length;

/**
 * A time-ordered UUID (version 7, RFC 9562: 48-bit milliseconds, a 12-bit sequence within the
 * millisecond, 62 random bits) for the units an import creates: their primary-key index is then
 * appended to rather than split at random places (a random UUID per unit makes a 5 M-unit load
 * touch the whole index). Same text form as `randomUUID()`; ordered as text.
 */
export function uuidOrdonne(): string {
  const maintenant = Date.now();
  if (maintenant > dernierMs) {
    dernierMs = maintenant;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    dernierMs++;
    sequence = 0;
  }
  if (positionAlea + 8 > alea.length) {
    randomFillSync(alea);
    positionAlea = 0;
  }
  const r = alea.subarray(positionAlea, (positionAlea += 8));
  r[0] = (r[0]! & 0x3f) | 0x80;
  const t = dernierMs.toString(16).padStart(12, '0');
  const h = r.toString('hex');
  return `${t.slice(0, 8)}-${t.slice(8)}-7${sequence.toString(16).padStart(3, '0')}-${h.slice(0, 4)}-${h.slice(4)}`;
}

/** COPY of CSV chunks into `cible`, on the transaction's own connection. */
async function copier(brut: NonNullable<ClientBrut>, cible: string, morceaux: Iterable<string>, parMorceau: number): Promise<void> {
  const ordre = `copy ${cible} (${NOMS}) from ${brut.genre === 'pglite' ? `'/dev/blob'` : 'stdin'} with (format csv)`;
  if (brut.genre === 'postgresql') {
    // Readable.from pulls the generator only as fast as the socket drains: flat memory.
    await pipeline(Readable.from(morceaux, { objectMode: false }), brut.client.query(copyFrom(ordre)));
    return;
  }
  // PGlite reads one blob per COPY: group the chunks into blobs of `LOT_COPIE` rows.
  const parBlob = Math.max(1, Math.floor(LOT_COPIE / parMorceau));
  let blob: string[] = [];
  for (const m of morceaux) {
    blob.push(m);
    if (blob.length >= parBlob) {
      await brut.client.query(ordre, [], { blob: new Blob(blob) });
      blob = [];
    }
  }
  if (blob.length > 0) await brut.client.query(ordre, [], { blob: new Blob(blob) });
}

/**
 * Writes the new and changed units: COPY straight into `logements` when the bailleur has none yet
 * (`vierge`), else COPY into a staging table and one upsert from it; JSON chunks on another driver.
 */
async function ecrire(
  tx: Tx,
  bailleurId: string,
  importId: string,
  nouveaux: readonly LogementRpls[],
  modifies: readonly { id: string; logement: LogementRpls }[],
  vierge: boolean,
): Promise<void> {
  if (nouveaux.length + modifies.length === 0) return;
  const brut = clientBrut(tx);
  if (!brut) {
    const ecrits = [
      ...nouveaux.map((l) => ligneLogement(randomUUID(), bailleurId, importId, l)),
      ...modifies.map((m) => ligneLogement(m.id, bailleurId, importId, m.logement)),
    ];
    for (let i = 0; i < ecrits.length; i += LOT) await upsert(tx, ecrits.slice(i, i + LOT));
    return;
  }
  const parMorceau = brut.genre === 'pglite' ? LOT_COPIE : MORCEAU_CSV;
  const morceaux = morceauxCsv(bailleurId, importId, nouveaux, modifies, parMorceau);
  if (!vierge) {
    await tx.execute(sql.raw(`create temporary table ${TABLE_TRANSIT} (${DEFINITION}) on commit drop`));
    await copier(brut, TABLE_TRANSIT, morceaux, parMorceau);
  }
  // Every constraint stays checked, foreign keys included: integrity before speed.
  if (vierge) await copier(brut, 'logements', morceaux, parMorceau);
  else {
    await tx.execute(sql.raw(`insert into logements (${NOMS}) select ${NOMS} from ${TABLE_TRANSIT} on conflict (bailleur_id, rpls) do update set ${MAJ}`));
    await tx.execute(sql.raw(`drop table ${TABLE_TRANSIT}`));
  }
}

// ───────────────────────────── the French summary ─────────────────────────────

const nombre = (x: number): string => x.toLocaleString('fr-FR').replace(/\u202f/g, ' ');
const pluriel = (n: number, un: string, plusieurs: string): string => `${nombre(n)} ${n > 1 ? plusieurs : un}`;

/** The summary for a terminal. */
export function resumeImportFrancais(r: ResumeImportRpls): string {
  const out: string[] = [];
  out.push(`Import RPLS de ${r.fichier} — ${r.bailleur.nom} (SIREN ${r.bailleur.siren})${r.departement ? `, département ${r.departement}` : ''}`);
  out.push(
    `  lu : ${pluriel(r.lignes, 'ligne', 'lignes')} (${r.encodage === 'utf-8' ? 'UTF-8' : 'Latin-1 (Windows-1252)'}, séparateur « ${r.separateur} »), ` +
      `identifiant : ${r.identifiant === IDENTIFIANT_CONSTRUIT ? 'construit (commune + adresse + rang)' : `colonne ${r.identifiant}`}`,
  );
  out.push(`  ${pluriel(r.logements, 'logement valide', 'logements valides')}, ${pluriel(r.rejetes, 'ligne rejetée', 'lignes rejetées')}` + (r.horsDepartement ? `, ${pluriel(r.horsDepartement, 'ligne', 'lignes')} d’un autre département ignorée${r.horsDepartement > 1 ? 's' : ''}` : ''));
  if (r.importe) {
    out.push(`  ${pluriel(r.nouveaux, 'nouveau', 'nouveaux')}, ${pluriel(r.modifies, 'modifié', 'modifiés')}, ${pluriel(r.inchanges, 'inchangé', 'inchangés')}, ${pluriel(r.disparus, 'disparu', 'disparus')} (marqués absents, non supprimés)${r.dejaAbsents ? `, ${nombre(r.dejaAbsents)} toujours absents` : ''}`);
    const champs = Object.entries(r.champsModifies);
    if (champs.length) out.push(`  champs modifiés : ${champs.map(([c, n]) => `${c} ${nombre(n)}`).join(', ')}`);
  } else {
    out.push('  RIEN N’A ÉTÉ IMPORTÉ : corrigez les lignes rejetées (ou relancez avec --valides-seulement).');
  }
  out.push(`  par financement : ${FINANCEMENTS.map((f) => `${f} ${nombre(r.parCategorie[f])}`).join(', ')}`);
  if (r.communesFusionnees.length) {
    out.push(`  communes fusionnées : ${r.communesFusionnees.map((f) => `${f.code} → ${f.courante} (${pluriel(f.logements, 'logement', 'logements')})`).join(', ')}`);
  }
  if (r.fichierErreurs) out.push(`  fichier d’erreurs : ${r.fichierErreurs}`);
  return out.join('\n');
}
