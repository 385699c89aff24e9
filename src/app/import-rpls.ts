/**
 * Use case « import a bailleur's RPLS file »: read (streaming, `src/import/rpls-csv.ts`) → validate
 * and transform (pure, `src/import/rpls.ts`) → stage → compare and load (SQL), in ONE transaction,
 * with one audit event. The file formats stay in `src/import`; this use case is here, in
 * `src/app`, because it writes the database (ADR 0030).
 *
 * - Streaming, flat memory: each valid row is written, as it is read, to a temporary staging
 *   table (`rpls_transit`, dropped at commit) by COPY — `pg-copy-streams` on the transaction's own
 *   connection for PostgreSQL, `COPY … FROM '/dev/blob'` by blobs of `BLOB_MAX` bytes for PGlite.
 *   What needs the whole file is then done in SQL on that table: the ranks of built identifiers,
 *   the in-file duplicates of the identifier column (found after a first pass, reported on their
 *   rows by a second pass over the file, only when there are some), the comparison with the stored
 *   units, and the load. JavaScript keeps counts, the first `DETAIL_MAX` identifiers of each kind,
 *   and the rejected rows (the result hands them all back: problems and error file).
 * - Atomic: with one invalid row nothing is stored (the transaction is rolled back), and the
 *   caller gets the error file (the rejected rows and an `Erreur` column) — unless
 *   `valideSeulement`, which stores the valid rows and still hands the error file back.
 * - Upsert by RPLS identifier within the bailleur (`logements_bailleur_rpls`): new units are
 *   inserted, changed ones updated (the fields of `CHAMPS_COMPARES`; `horsFlux`, `programmeId` and
 *   the stock reservation, which are Flux's own, are never touched), unchanged ones left alone.
 * - Units of the bailleur (in the département, with `departement`) absent from the file are NOT
 *   deleted — lettings and events refer to them: they are marked `absent_rpls_depuis` = this
 *   import and reported as `disparus`; the mark is cleared when a later file has them again.
 *   Units of rejected rows (with `valideSeulement`) are not counted as gone: they are staged too,
 *   with their identifier only.
 * - Every constraint of `logements` stays checked, foreign keys included: integrity before speed.
 * - Audit: one event `rpls.importer` on the import, its summary in `apres`, attributed to the
 *   actor (the command line: no user, the bailleur organisation).
 */
import { createHash, randomFillSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { PGlite, Transaction as TransactionPglite } from '@electric-sql/pglite';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { journaliser } from './audit.ts';
import { Interdit, Introuvable } from './errors.ts';
import { exiger, type Acteur } from './roles.ts';
import { analyser, lignes, type Db, type Tx } from '../db/client.ts';
import { importsRpls, organisations } from '../db/schema.ts';
import { DonneesInvalides, type Probleme } from '../domain/errors.ts';
import { FINANCEMENTS, type Financement } from '../domain/types.ts';
import { communeCourante, epciDeCommune } from '../import/cog.ts';
import { EcritureTemporaire, supprimerTemporaire, type FichierTemporaire } from '../import/fichier-temporaire.ts';
import { LecteurCsv, Utf8Invalide, type Encodage, type Enregistrement, type Separateur } from '../import/rpls-csv.ts';
import {
  CHAMPS_COMPARES,
  IDENTIFIANT_CONSTRUIT,
  ValidationRpls,
  analyserEntete,
  chemin,
  enteteErreurs,
  identifiantsDeValeur,
  ligneErreurs,
  type BilanValidation,
  type ChampCompare,
  type Doublons,
  type FicheLogement,
  type Identite,
  type Issue,
  type Referentiel,
} from '../import/rpls.ts';

/** Where the bytes come from; `ouvrir` may be called more than once (Windows-1252, duplicates). */
export interface SourceRpls {
  nom: string;
  /** Size in bytes, when known (progress). */
  taille: number | null;
  ouvrir(): AsyncIterable<Uint8Array>;
}

export async function sourceFichier(chemin: string): Promise<SourceRpls> {
  const { size } = await stat(chemin);
  return { nom: chemin, taille: size, ouvrir: () => createReadStream(chemin, { highWaterMark: 1 << 16 }) };
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
  /** Progress: bytes read so far and the total (when known); starts again at 0 on a second pass. */
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
  /** The first identifiers of each kind (at most `DETAIL_MAX`; new and changed in file order, gone in identifier order). */
  detail: { nouveaux: string[]; modifies: { rpls: string; champs: string[] }[]; disparus: string[] };
  /** Path of the error file, filled in by the caller that wrote it. */
  fichierErreurs?: string;
  dureeMs: number;
}

export interface ResultatImportRpls {
  resume: ResumeImportRpls;
  /** Problems of the first rejected rows (at most `REJETS_GARDES` rows), in file order. */
  problemes: Probleme[];
  /** Problems of all the rejected rows. */
  nombreProblemes: number;
  /**
   * The error file (UTF-8 BOM, `;`, CRLF: the rejected rows and an `Erreur` column), when rows were
   * rejected: a temporary file the caller copies where it belongs, then deletes.
   */
  erreurs: FichierTemporaire | null;
}

export const DETAIL_MAX = 100;
/** Rejected rows whose problems the result keeps (the error file has them all). */
export const REJETS_GARDES = 100;
/** Advisory lock class for imports (the key's second half is the bailleur). */
const VERROU_IMPORT = 7_201_203;

const cog: Referentiel = { communeCourante, epciDeCommune };

export interface Lecture {
  bilan: BilanValidation;
  encodage: Encodage;
  separateur: Separateur;
  empreinte: string;
  /** The error file of this pass (when rows were rejected and the pass was asked to write one). */
  erreurs: FichierTemporaire | null;
}

// ───────────────────────────── the staging table ─────────────────────────────

/** The `logements` columns an import writes, and their SQL types (the staging table has the same). */
const COLONNES_LOGEMENT: readonly (readonly [string, string])[] = [
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
];
/** The SQL column of each compared field. */
const COLONNE_DE: Readonly<Record<ChampCompare, string>> = {
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

/**
 * The staging table: one row per unit of the file, in file order (`n`). Valid units carry their
 * fields and a fresh id (used if they are new); units of rejected rows only their identifier
 * (`rejete`). `valeur`: the identifier column's value, on a row's first unit only (duplicates);
 * `cle_adresse`: a built identifier before its rank (`rpls` is then filled in SQL).
 */
const TABLE_TRANSIT = 'rpls_transit';
const COLONNES_TRANSIT: readonly (readonly [string, string])[] = [
  ['n', 'integer'],
  ['ligne', 'integer'],
  ['valeur', 'text'],
  ['cle_adresse', 'text'],
  ['rejete', 'boolean'],
  ['id', 'text'],
  ['rpls', 'text'],
  ...COLONNES_LOGEMENT,
];
const DEFINITION_TRANSIT = COLONNES_TRANSIT.map(([n, t]) => `${n} ${t}`).join(', ');
const NOMS_TRANSIT = COLONNES_TRANSIT.map(([n]) => n).join(', ');

/** The columns an import writes into `logements`, in this order (tools that load the same rows use it). */
export const COLONNES_COPIE: readonly string[] = [
  'id',
  'bailleur_id',
  'rpls',
  ...COLONNES_LOGEMENT.map(([n]) => n),
  'import_rpls_id',
];
/** On conflict (bailleur, rpls) the file's columns are replaced, and the unit is present again. */
const MAJ = `${[...COLONNES_LOGEMENT.map(([n]) => n), 'import_rpls_id'].map((n) => `${n} = excluded.${n}`).join(', ')}, absent_rpls_depuis = null`;

/** Bytes of CSV per write to the PostgreSQL COPY stream (and per staging flush). */
const MORCEAU_CSV = 1 << 17;
/** Bytes of CSV per `COPY … FROM '/dev/blob'` on PGlite (one blob each). */
export const BLOB_MAX = 16 << 20;

/** One CSV field for COPY: empty for null, quoted when needed (an empty string is `""`). */
function champCsv(v: string | null): string {
  if (v === null) return '';
  return v === '' || /[",\r\n\\]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}
const nombreCsv = (x: number | null): string => (x === null ? '' : String(x));
const booleenCsv = (x: boolean | null): string => (x === null ? '' : x ? 't' : 'f');

/**
 * A valid row's fields as the CSV tail of its staging rows (`COLONNES_LOGEMENT`), built once per
 * row whatever its `nb`. Codes checked by the validation (commune, typologie, financement, FINAN,
 * QPV, DPE, date) need no quoting; free text does.
 */
export function ficheCsv(f: FicheLogement): string {
  return (
    `${f.departement},${f.commune},${f.epci ?? ''},${f.qpv ?? ''},${f.typologie},${f.financement},${f.codeFinancement},${f.construction},` +
    `${f.individuel ? 't' : 'f'},${nombreCsv(f.surface)},${nombreCsv(f.loyer)},${f.dpe ?? ''},${booleenCsv(f.conventionne)},` +
    `${champCsv(f.numeroConvention)},${f.dateConvention ?? ''},${champCsv(f.adresse)}`
  );
}
const FICHE_VIDE = ','.repeat(COLONNES_LOGEMENT.length - 1);

/**
 * Where a pass writes: the staging table, or — a bailleur without units and a file with an
 * identifier column — straight into `logements` (`COLONNES_COPIE`), only the valid units; a
 * repeated identifier then breaks the unique index and the import goes through the staging table.
 */
type Cible = { genre: 'transit' } | { genre: 'logements'; bailleurId: string; importId: string; premiers: string[] };

/** Turns issues into CSV for the `Cible`, chunk by chunk. */
class Ecriture {
  private tampon = '';
  private n = 0;
  constructor(
    private readonly chargeur: Chargeur | null,
    private readonly cible: Cible,
  ) {}

  ajouter(issue: Issue): void {
    if (issue.genre === 'ignoree' || !issue.identite) return;
    if (this.cible.genre === 'logements') {
      if (issue.genre === 'valide') this.ajouterLogements(issue.identite, issue.fiche, this.cible);
      return;
    }
    const { ligne, nb, valeur, adresse } = issue.identite;
    const valide = issue.genre === 'valide';
    const queue = `${valide ? ficheCsv(issue.fiche) : FICHE_VIDE}\n`;
    let t = '';
    if (valeur !== null) {
      const v = champCsv(valeur);
      if (nb === 1) t = `${++this.n},${ligne},${v},,${valide ? 'f' : 't'},${valide ? uuidOrdonne() : ''},${v},${queue}`;
      else {
        const ids = identifiantsDeValeur(issue.identite);
        for (let k = 0; k < nb; k++)
          t += `${++this.n},${ligne},${k === 0 ? v : ''},,${valide ? 'f' : 't'},${valide ? uuidOrdonne() : ''},${champCsv(ids[k]!)},${queue}`;
      }
    } else {
      const c = champCsv(adresse);
      for (let k = 0; k < nb; k++)
        t += `${++this.n},${ligne},,${c},${valide ? 'f' : 't'},${valide ? uuidOrdonne() : ''},,${queue}`;
    }
    this.tampon += t;
  }

  private ajouterLogements(
    identite: Identite,
    fiche: FicheLogement,
    cible: Extract<Cible, { genre: 'logements' }>,
  ): void {
    const queue = `,${ficheCsv(fiche)},${cible.importId}\n`;
    const debut = `,${cible.bailleurId},`;
    let t = '';
    for (const rpls of identifiantsDeValeur(identite)) {
      if (cible.premiers.length < DETAIL_MAX) cible.premiers.push(rpls);
      t += `${uuidOrdonne()}${debut}${champCsv(rpls)}${queue}`;
    }
    this.tampon += t;
  }

  get plein(): boolean {
    return this.tampon.length >= MORCEAU_CSV;
  }

  async vider(): Promise<void> {
    const t = this.tampon;
    this.tampon = '';
    if (t !== '' && this.chargeur) await this.chargeur.ecrire(t);
  }
}

/** Where staging CSV goes: a COPY in progress. */
interface Chargeur {
  ecrire(csv: string): Promise<void>;
  /** Ends the COPY (the rows are in the table). */
  terminer(): Promise<void>;
  /** Cancels the COPY (the transaction is then in error and rolls back). */
  abandonner(err: unknown): Promise<void>;
}

type ClientBrut =
  { genre: 'postgresql'; client: pg.ClientBase } | { genre: 'pglite'; client: PGlite | TransactionPglite };

/**
 * The raw connection under a Drizzle transaction: node-postgres keeps the pool client it checked
 * out in `session.client`, PGlite its transaction object.
 */
function clientBrut(tx: Tx): ClientBrut {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  if (client instanceof pg.Client) return { genre: 'postgresql', client };
  if (
    client &&
    typeof (client as { query?: unknown }).query === 'function' &&
    typeof (client as { exec?: unknown }).exec === 'function'
  ) {
    return { genre: 'pglite', client: client as PGlite | TransactionPglite };
  }
  throw new Error('import RPLS : pilote de base inconnu (ni node-postgres ni PGlite), pas de COPY possible');
}

const ordreCopie = (genre: ClientBrut['genre'], cible: Cible): string =>
  `copy ${cible.genre === 'transit' ? `${TABLE_TRANSIT} (${NOMS_TRANSIT})` : `logements (${COLONNES_COPIE.join(', ')})`} from ${genre === 'pglite' ? `'/dev/blob'` : 'stdin'} with (format csv)`;

function chargeurPostgresql(client: pg.ClientBase, ordre: string): Chargeur {
  let flux: CopyStreamQuery | null = null;
  let erreur: unknown = null;
  const ouvrir = (): CopyStreamQuery => {
    const f = client.query(copyFrom(ordre));
    f.on('error', (e) => (erreur ??= e));
    return f;
  };
  return {
    async ecrire(csv) {
      if (erreur) throw erreur;
      flux ??= ouvrir();
      // The socket's pace: wait for it to drain (memory stays flat); `once` rejects on 'error'.
      if (!flux.write(csv)) await once(flux, 'drain');
    },
    async terminer() {
      if (!flux) return;
      const f = flux;
      flux = null;
      f.end();
      await finished(f);
    },
    async abandonner(err) {
      if (!flux) return;
      const f = flux;
      flux = null;
      f.destroy(err instanceof Error ? err : new Error(String(err))); // CopyFail: the server cancels the COPY
      await finished(f).catch(() => undefined);
    },
  };
}

function chargeurPglite(client: PGlite | TransactionPglite, ordre: string): Chargeur {
  let blob: string[] = [];
  let taille = 0;
  const envoyer = async (): Promise<void> => {
    if (blob.length === 0) return;
    const b = new Blob(blob);
    blob = [];
    taille = 0;
    await client.query(ordre, [], { blob: b });
  };
  return {
    async ecrire(csv) {
      blob.push(csv);
      taille += csv.length;
      if (taille >= BLOB_MAX) await envoyer();
    },
    terminer: envoyer,
    async abandonner() {
      blob = [];
      taille = 0;
    },
  };
}

const nouveauChargeur = (brut: ClientBrut, cible: Cible): Chargeur =>
  brut.genre === 'postgresql'
    ? chargeurPostgresql(brut.client, ordreCopie(brut.genre, cible))
    : chargeurPglite(brut.client, ordreCopie(brut.genre, cible));

// ───────────────────────────── reading ─────────────────────────────

/** One pass over the bytes in one encoding (throws `Utf8Invalide` in UTF-8 on a bad byte). */
async function passe(
  source: SourceRpls,
  encodage: Encodage,
  options: OptionsImportRpls,
  doublons: Doublons | undefined,
  chargeur: Chargeur | null,
  cible: Cible = { genre: 'transit' },
  avecErreurs = true,
): Promise<Lecture> {
  const lecteur = new LecteurCsv(encodage);
  const hash = createHash('sha256');
  const referentiel = options.referentiel ?? cog;
  const ecriture = new Ecriture(chargeur, cible);
  let validation: ValidationRpls | null = null;
  // The rejected rows go to the error file as they come; the bilan keeps the first ones only.
  let erreurs: EcritureTemporaire | null = null;
  let lus = 0;
  const traiter = async (enregistrements: readonly Enregistrement[]): Promise<void> => {
    for (const e of enregistrements) {
      if (validation) {
        const issue = validation.ajouter(e);
        if (issue.genre === 'rejetee' && avecErreurs) {
          erreurs ??= await EcritureTemporaire.ouvrir(enteteErreurs(validation.entete));
          erreurs.ajouter(ligneErreurs(validation.entete, issue.rejet));
          if (erreurs.plein) await erreurs.vider();
        }
        ecriture.ajouter(issue);
      } else {
        const entete = analyserEntete(e);
        if (cible.genre === 'logements' && entete.identifiant === IDENTIFIANT_CONSTRUIT) throw new PasDirect();
        validation = new ValidationRpls(entete, referentiel, {
          departement: options.departement,
          doublons,
          rejetsGardes: REJETS_GARDES,
        });
      }
      if (ecriture.plein) await ecriture.vider();
    }
  };
  try {
    for await (const morceau of source.ouvrir()) {
      hash.update(morceau);
      lus += morceau.length;
      await traiter(lecteur.pousser(morceau));
      options.surProgression?.(lus, source.taille);
    }
    await traiter(lecteur.terminer());
    await ecriture.vider();
  } catch (err) {
    await (erreurs as EcritureTemporaire | null)?.supprimer();
    throw err;
  }
  const v = validation ?? new ValidationRpls(analyserEntete(undefined), referentiel);
  return {
    bilan: v.bilan(),
    encodage,
    separateur: lecteur.separateur ?? ';',
    empreinte: hash.digest('hex'),
    erreurs: erreurs ? await (erreurs as EcritureTemporaire).fermer() : null,
  };
}

/** Deletes the error file of a pass that is not the last one. */
async function oublier(lecture: Lecture): Promise<void> {
  if (lecture.erreurs) await supprimerTemporaire(lecture.erreurs.chemin);
}

/**
 * Reads and validates a whole file without a database: UTF-8, or Windows-1252 when it is not valid
 * UTF-8 (the staging CSV is built and dropped: the JavaScript side of an import, for measures).
 */
export async function lireRpls(source: SourceRpls, options: OptionsImportRpls): Promise<Lecture> {
  try {
    return await passe(source, 'utf-8', options, undefined, null, undefined, false);
  } catch (err) {
    if (!(err instanceof Utf8Invalide)) throw err;
    return passe(source, 'windows-1252', options, undefined, null, undefined, false);
  }
}

/** Built identifiers need their ranks (SQL): no direct load. */
class PasDirect extends Error {}

/** One pass into the `cible`; the COPY is ended on success (and on `Utf8Invalide`), cancelled otherwise. */
async function passeTransit(
  brut: ClientBrut,
  source: SourceRpls,
  encodage: Encodage,
  options: OptionsImportRpls,
  doublons?: Doublons,
  cible: Cible = { genre: 'transit' },
): Promise<Lecture> {
  const chargeur = nouveauChargeur(brut, cible);
  try {
    const lecture = await passe(source, encodage, options, doublons, chargeur, cible);
    try {
      await chargeur.terminer();
    } catch (err) {
      await oublier(lecture);
      throw err;
    }
    return lecture;
  } catch (err) {
    // A bad UTF-8 byte: the rows so far are whole CSV rows; the caller empties the table.
    if (err instanceof Utf8Invalide) await chargeur.terminer();
    else await chargeur.abandonner(err);
    throw err;
  }
}

/** Reads the file into the staging table: encoding, then ranks or duplicates (a second pass when there are some). */
async function lireDansTransit(
  tx: Tx,
  brut: ClientBrut,
  source: SourceRpls,
  options: OptionsImportRpls,
): Promise<Lecture> {
  const vider = () => tx.execute(sql.raw(`truncate ${TABLE_TRANSIT}`));
  let lecture: Lecture;
  try {
    lecture = await passeTransit(brut, source, 'utf-8', options);
  } catch (err) {
    if (!(err instanceof Utf8Invalide)) throw err;
    await vider();
    lecture = await passeTransit(brut, source, 'windows-1252', options);
  }
  if (lecture.bilan.entete.identifiant === IDENTIFIANT_CONSTRUIT) {
    // Rank of each unit among the units of its address, in file order (rejected rows included).
    await tx.execute(
      sql.raw(
        `update ${TABLE_TRANSIT} t set rpls = t.cle_adresse || '-' || r.rang
         from (select n, row_number() over (partition by cle_adresse order by n) as rang from ${TABLE_TRANSIT}) r where r.n = t.n`,
      ),
    );
  } else {
    // The same identifier on two rows: the later ones are rejected, naming the first line.
    const doublons = await lignes<{ ligne: number; premiere: number }>(
      tx,
      sql.raw(
        `with d as (select valeur, min(ligne) as premiere from ${TABLE_TRANSIT} where valeur is not null group by valeur having count(*) > 1)
         select t.ligne, d.premiere from ${TABLE_TRANSIT} t join d on d.valeur = t.valeur where t.ligne > d.premiere`,
      ),
    );
    if (doublons.length > 0) {
      await vider();
      await oublier(lecture);
      lecture = await passeTransit(
        brut,
        source,
        lecture.encodage,
        options,
        new Map(doublons.map((d) => [Number(d.ligne), Number(d.premiere)])),
      );
    }
  }
  await tx.execute(sql.raw(`analyze ${TABLE_TRANSIT}`));
  return lecture;
}

/**
 * A bailleur without units: the valid units go straight into `logements` (one COPY, every
 * constraint checked), in a savepoint. Null — the savepoint rolled back — when that cannot be:
 * built identifiers (their ranks are computed on the staging table), or an identifier repeated in
 * the file (the unique index says so; the staging path then reports the duplicates on their rows).
 */
async function lireDirect(
  tx: Tx,
  source: SourceRpls,
  options: OptionsImportRpls,
  cible: Extract<Cible, { genre: 'logements' }>,
): Promise<Lecture | null> {
  const essai = (encodage: Encodage): Promise<Lecture> =>
    (tx as Db).transaction(async (sp) => {
      cible.premiers.length = 0;
      return passeTransit(clientBrut(sp), source, encodage, options, undefined, cible);
    });
  try {
    try {
      return await essai('utf-8');
    } catch (err) {
      if (!(err instanceof Utf8Invalide)) throw err;
      return await essai('windows-1252');
    }
  } catch (err) {
    if (err instanceof PasDirect || violeIndexRpls(err)) return null;
    throw err;
  }
}

/** A unique violation of `logements_bailleur_rpls` (pg and PGlite errors carry the code; Drizzle may wrap them). */
function violeIndexRpls(err: unknown): boolean {
  for (let e = err; e instanceof Error || (e && typeof e === 'object'); e = (e as { cause?: unknown }).cause) {
    const x = e as { code?: unknown; message?: unknown };
    if (x.code === '23505' && String(x.message).includes('logements_bailleur_rpls')) return true;
    if (!(e as { cause?: unknown }).cause) break;
  }
  return false;
}

// ───────────────────────────── the use case ─────────────────────────────

function verifierOptions(o: OptionsImportRpls): void {
  const problemes: Probleme[] = [];
  if (!/^\d{9}$/.test(o.siren))
    problemes.push({ chemin: '--bailleur', message: `SIREN invalide « ${o.siren} » (9 chiffres)` });
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
  if (!b)
    throw new Introuvable(
      `aucun bailleur de SIREN ${siren} : créez d’abord l’organisation (catégorie « bailleur ») avec ce SIREN`,
    );
  return { id: b.id, nom: b.nom, siren };
}

/**
 * The upload of a signed-in bailleur: its own organisation's SIREN, which the administrator must
 * have filled in (422 naming it otherwise), then `importerRpls`.
 */
export async function importerRplsDeSonOrganisme(
  db: Db,
  acteur: Acteur,
  source: SourceRpls,
  options: { valideSeulement: boolean },
): Promise<ResultatImportRpls> {
  const [organisation] = await db
    .select({ siren: organisations.siren })
    .from(organisations)
    .where(eq(organisations.id, acteur.organisationId));
  if (!organisation?.siren) {
    throw new DonneesInvalides([
      {
        chemin: 'bailleur',
        message: 'votre organisme n’a pas de SIREN : l’administrateur doit le renseigner avant un import RPLS',
      },
    ]);
  }
  return importerRpls(db, source, { siren: organisation.siren, valideSeulement: options.valideSeulement, acteur });
}

/** Thrown inside the transaction to roll it back and hand this result out (rows rejected). */
class Annulation extends Error {
  constructor(readonly resultat: ResultatImportRpls) {
    super('import RPLS annulé : lignes rejetées');
  }
}

/** Imports an RPLS file for a bailleur. Throws `DonneesInvalides` (options, header), `Introuvable`, `Interdit`. */
export async function importerRpls(
  db: Db,
  source: SourceRpls,
  options: OptionsImportRpls,
): Promise<ResultatImportRpls> {
  const debut = performance.now();
  verifierOptions(options);
  const bailleur = await trouverBailleur(db, options.siren);
  if (options.acteur) {
    exiger(options.acteur, ['agent_bailleur', 'administrateur'], 'import RPLS');
    if (options.acteur.role === 'agent_bailleur' && options.acteur.organisationId !== bailleur.id) {
      throw new Interdit('import RPLS : un agent de bailleur n’importe que le patrimoine de son organisme');
    }
  }
  const departement = options.departement ?? null;
  // The error file of the last pass read, deleted if the import fails.
  let erreurs: FichierTemporaire | null = null;
  try {
    return await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${VERROU_IMPORT}, hashtext(${bailleur.id}))`);
      const importId = randomUUID();
      // The import's row first (the units refer to it); its fingerprint and summary at the end.
      await tx
        .insert(importsRpls)
        .values({ id: importId, bailleurId: bailleur.id, departement, fichier: source.nom, empreinte: '', resume: {} });
      // Nothing of the bailleur stored (in any département): every unit is new, nothing to compare.
      const vierge = !(await aDesLogements(tx, bailleur.id));
      const direct = vierge
        ? { genre: 'logements' as const, bailleurId: bailleur.id, importId, premiers: [] as string[] }
        : null;
      let lecture = direct ? await lireDirect(tx, source, options, direct) : null;
      const transit = lecture === null;
      if (lecture === null) {
        await tx.execute(sql.raw(`create temporary table ${TABLE_TRANSIT} (${DEFINITION_TRANSIT}) on commit drop`));
        lecture = await lireDansTransit(tx, clientBrut(tx), source, options);
      }
      const b = lecture.bilan;
      erreurs = lecture.erreurs;
      const resultat = (resume: ResumeImportRpls): ResultatImportRpls => {
        resume.dureeMs = Math.round(performance.now() - debut);
        return {
          resume,
          problemes: b.rejets.flatMap((r) => r.problemes),
          nombreProblemes: b.problemes,
          erreurs: lecture.erreurs,
        };
      };
      const resume: ResumeImportRpls = {
        fichier: source.nom,
        bailleur,
        departement,
        encodage: lecture.encodage,
        separateur: lecture.separateur,
        identifiant: b.entete.identifiant,
        lignes: b.lignes,
        logements: b.logements,
        rejetes: b.rejetes,
        horsDepartement: b.horsDepartement,
        importe: false,
        nouveaux: 0,
        modifies: 0,
        inchanges: 0,
        disparus: 0,
        dejaAbsents: 0,
        champsModifies: {},
        communesFusionnees: [...b.communesFusionnees].map(([code, f]) => ({
          code,
          courante: f.courante,
          logements: f.logements,
        })),
        parCategorie: b.parCategorie,
        detail: { nouveaux: [], modifies: [], disparus: [] },
        dureeMs: 0,
      };
      if (b.logements === 0 && b.rejetes === 0) {
        // An empty file would mark the whole stock as gone: refused.
        const ou = departement ? ` du département ${departement}` : '';
        throw new DonneesInvalides([
          {
            chemin: chemin(2, b.entete.noms[b.entete.index.get('DEPCOM') ?? 0] ?? 'DEPCOM'),
            message: `aucun logement${ou} dans le fichier : rien à importer`,
          },
        ]);
      }
      if (b.rejetes > 0 && (!options.valideSeulement || b.logements === 0)) throw new Annulation(resultat(resume));

      const perimetre = sql`s.bailleur_id = ${bailleur.id}${departement ? sql` and s.departement = ${departement}` : sql``}`;
      resume.importe = true;
      if (vierge) {
        resume.nouveaux = b.logements;
        resume.detail.nouveaux = transit
          ? (
              await lignes<{ rpls: string }>(
                tx,
                sql.raw(`select rpls from ${TABLE_TRANSIT} where not rejete order by n limit ${DETAIL_MAX}`),
              )
            ).map((r) => r.rpls)
          : direct!.premiers.slice();
      } else await comparer(tx, perimetre, resume);
      await tx
        .update(importsRpls)
        .set({ empreinte: lecture.empreinte, resume: resumeAudit(resume) })
        .where(eq(importsRpls.id, importId));
      if (resume.disparus > 0) {
        await tx.execute(
          sql`update logements s set absent_rpls_depuis = ${importId} where ${perimetre} and s.absent_rpls_depuis is null and not exists (select 1 from ${sql.raw(TABLE_TRANSIT)} t where t.rpls = s.rpls)`,
        );
      }
      // New and changed units, in one statement from the staging table (already there when loaded directly).
      const colonnes = sql.raw(COLONNES_COPIE.join(', '));
      const valeurs = sql`t.id, ${bailleur.id}, t.rpls, ${sql.raw(COLONNES_LOGEMENT.map(([n]) => `t.${n}`).join(', '))}, ${importId}`;
      if (vierge) {
        if (transit)
          await tx.execute(
            sql`insert into logements (${colonnes}) select ${valeurs} from ${sql.raw(TABLE_TRANSIT)} t where not t.rejete`,
          );
      } else if (resume.nouveaux + resume.modifies > 0) {
        await tx.execute(
          sql`insert into logements (${colonnes}) select ${valeurs} from ${sql.raw(TABLE_TRANSIT)} t left join logements s on ${perimetre} and s.rpls = t.rpls
              where not t.rejete and (s.id is null or ${sql.raw(DIFFERENT)}) on conflict (bailleur_id, rpls) do update set ${sql.raw(MAJ)}`,
        );
      }
      // No user for the command line: the event is the bailleur's, with a null user.
      const auteur = options.acteur ?? { utilisateurId: null, organisationId: bailleur.id };
      await journaliser(tx, auteur, {
        action: 'rpls.importer',
        cibleType: 'import_rpls',
        cibleId: importId,
        avant: null,
        apres: resumeAudit(resume),
      });
      // The planner's statistics follow the import (committed with it; autovacuum may be late or off).
      if (resume.nouveaux + resume.modifies + resume.disparus > 0) await analyser(tx, ['logements', 'imports_rpls']);
      return resultat(resume);
    });
  } catch (err) {
    if (err instanceof Annulation) return err.resultat;
    if (erreurs) await supprimerTemporaire((erreurs as FichierTemporaire).chemin);
    throw err;
  }
}

/** A staged unit `t` differs from its stored unit `s` (a compared field, or it was marked absent). */
const DIFFERENT = `(${CHAMPS_COMPARES.map((c) => `s.${COLONNE_DE[c]} is distinct from t.${COLONNE_DE[c]}`).join(' or ')} or s.absent_rpls_depuis is not null)`;

/**
 * Compares the staged units with the stored ones in `perimetre` (alias `s`), in SQL: counts by
 * kind and by changed field, the first `DETAIL_MAX` identifiers of each kind.
 */
async function comparer(tx: Tx, perimetre: SQL, resume: ResumeImportRpls): Promise<void> {
  const transit = sql.raw(TABLE_TRANSIT);
  const parChamp = CHAMPS_COMPARES.map(
    (c) =>
      `count(*) filter (where s.id is not null and s.${COLONNE_DE[c]} is distinct from t.${COLONNE_DE[c]})::int as "${c}"`,
  ).join(', ');
  const [c] = await lignes<Record<string, number>>(
    tx,
    sql`select count(*) filter (where s.id is null)::int as nouveaux,
               count(*) filter (where s.id is not null and ${sql.raw(DIFFERENT)})::int as modifies,
               count(*) filter (where s.id is not null)::int as apparies,
               ${sql.raw(parChamp)}, count(*) filter (where s.absent_rpls_depuis is not null)::int as present
        from ${transit} t left join logements s on ${perimetre} and s.rpls = t.rpls where not t.rejete`,
  );
  const n = (k: string): number => Number(c?.[k] ?? 0);
  resume.nouveaux = n('nouveaux');
  resume.modifies = n('modifies');
  resume.inchanges = n('apparies') - resume.modifies;
  for (const champ of [...CHAMPS_COMPARES, 'present']) if (n(champ) > 0) resume.champsModifies[champ] = n(champ);
  const [d] = await lignes<{ disparus: number; deja: number }>(
    tx,
    sql`select count(*) filter (where s.absent_rpls_depuis is null)::int as disparus, count(*) filter (where s.absent_rpls_depuis is not null)::int as deja
        from logements s where ${perimetre} and not exists (select 1 from ${transit} t where t.rpls = s.rpls)`,
  );
  resume.disparus = Number(d?.disparus ?? 0);
  resume.dejaAbsents = Number(d?.deja ?? 0);
  if (resume.nouveaux > 0) {
    const r = await lignes<{ rpls: string }>(
      tx,
      sql`select t.rpls from ${transit} t where not t.rejete and not exists (select 1 from logements s where ${perimetre} and s.rpls = t.rpls) order by t.n limit ${sql.raw(String(DETAIL_MAX))}`,
    );
    resume.detail.nouveaux = r.map((x) => x.rpls);
  }
  if (resume.modifies > 0) {
    const drapeaux = CHAMPS_COMPARES.map(
      (c) => `s.${COLONNE_DE[c]} is distinct from t.${COLONNE_DE[c]} as "${c}"`,
    ).join(', ');
    const r = await lignes<Record<string, unknown>>(
      tx,
      sql`select t.rpls, ${sql.raw(drapeaux)}, s.absent_rpls_depuis is not null as present from ${transit} t join logements s on ${perimetre} and s.rpls = t.rpls
          where not t.rejete and ${sql.raw(DIFFERENT)} order by t.n limit ${sql.raw(String(DETAIL_MAX))}`,
    );
    resume.detail.modifies = r.map((x) => ({
      rpls: String(x['rpls']),
      champs: [...CHAMPS_COMPARES, 'present'].filter((champ) => x[champ] === true),
    }));
  }
  if (resume.disparus > 0) {
    const r = await lignes<{ rpls: string }>(
      tx,
      sql`select s.rpls from logements s where ${perimetre} and s.absent_rpls_depuis is null and not exists (select 1 from ${transit} t where t.rpls = s.rpls) order by s.rpls limit ${sql.raw(String(DETAIL_MAX))}`,
    );
    resume.detail.disparus = r.map((x) => x.rpls);
  }
}

/** The summary as stored (audit, `imports_rpls.resume`): counts, without the identifier lists. */
function resumeAudit(r: ResumeImportRpls): Omit<ResumeImportRpls, 'detail' | 'dureeMs'> {
  const reste: Partial<ResumeImportRpls> = { ...r };
  delete reste.detail;
  delete reste.dureeMs;
  return reste as Omit<ResumeImportRpls, 'detail' | 'dureeMs'>;
}

async function aDesLogements(tx: Tx, bailleurId: string): Promise<boolean> {
  const [r] = await lignes<{ oui: boolean }>(
    tx,
    sql`select exists (select 1 from logements where bailleur_id = ${bailleurId}) as oui`,
  );
  return r?.oui === true;
}

// ───────────────────────────── identifiers of new units ─────────────────────────────

let dernierMs = 0;
let prefixeMs = '';
let sequence = 0;
const alea = Buffer.alloc(8192);
let positionAlea = alea.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

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
    prefixeMs = '';
  } else if (++sequence > 0xfff) {
    dernierMs++;
    sequence = 0;
    prefixeMs = '';
  }
  if (prefixeMs === '') {
    const t = dernierMs.toString(16).padStart(12, '0');
    prefixeMs = `${t.slice(0, 8)}-${t.slice(8)}-7`;
  }
  if (positionAlea + 8 > alea.length) {
    randomFillSync(alea);
    positionAlea = 0;
  }
  const i = positionAlea;
  positionAlea += 8;
  const r = alea;
  const seq =
    sequence < 0x10
      ? `00${sequence.toString(16)}`
      : sequence < 0x100
        ? `0${sequence.toString(16)}`
        : sequence.toString(16);
  return `${prefixeMs}${seq}-${HEX[(r[i]! & 0x3f) | 0x80]}${HEX[r[i + 1]!]}-${HEX[r[i + 2]!]}${HEX[r[i + 3]!]}${HEX[r[i + 4]!]}${HEX[r[i + 5]!]}${HEX[r[i + 6]!]}${HEX[r[i + 7]!]}`;
}

// ───────────────────────────── the French summary ─────────────────────────────

const nombre = (x: number): string => x.toLocaleString('fr-FR').replace(/\u202f/g, ' ');
const pluriel = (n: number, un: string, plusieurs: string): string => `${nombre(n)} ${n > 1 ? plusieurs : un}`;

/** The summary for a terminal. */
export function resumeImportFrancais(r: ResumeImportRpls): string {
  const out: string[] = [];
  out.push(
    `Import RPLS de ${r.fichier} — ${r.bailleur.nom} (SIREN ${r.bailleur.siren})${r.departement ? `, département ${r.departement}` : ''}`,
  );
  out.push(
    `  lu : ${pluriel(r.lignes, 'ligne', 'lignes')} (${r.encodage === 'utf-8' ? 'UTF-8' : 'Latin-1 (Windows-1252)'}, séparateur « ${r.separateur} »), ` +
      `identifiant : ${r.identifiant === IDENTIFIANT_CONSTRUIT ? 'construit (commune + adresse + rang)' : `colonne ${r.identifiant}`}`,
  );
  out.push(
    `  ${pluriel(r.logements, 'logement valide', 'logements valides')}, ${pluriel(r.rejetes, 'ligne rejetée', 'lignes rejetées')}` +
      (r.horsDepartement
        ? `, ${pluriel(r.horsDepartement, 'ligne', 'lignes')} d’un autre département ignorée${r.horsDepartement > 1 ? 's' : ''}`
        : ''),
  );
  if (r.importe) {
    out.push(
      `  ${pluriel(r.nouveaux, 'nouveau', 'nouveaux')}, ${pluriel(r.modifies, 'modifié', 'modifiés')}, ${pluriel(r.inchanges, 'inchangé', 'inchangés')}, ${pluriel(r.disparus, 'disparu', 'disparus')} (marqués absents, non supprimés)${r.dejaAbsents ? `, ${nombre(r.dejaAbsents)} toujours absents` : ''}`,
    );
    const champs = Object.entries(r.champsModifies);
    if (champs.length) out.push(`  champs modifiés : ${champs.map(([c, n]) => `${c} ${nombre(n)}`).join(', ')}`);
  } else {
    out.push('  RIEN N’A ÉTÉ IMPORTÉ : corrigez les lignes rejetées (ou relancez avec --valides-seulement).');
  }
  out.push(`  par financement : ${FINANCEMENTS.map((f) => `${f} ${nombre(r.parCategorie[f])}`).join(', ')}`);
  if (r.communesFusionnees.length) {
    out.push(
      `  communes fusionnées : ${r.communesFusionnees.map((f) => `${f.code} → ${f.courante} (${pluriel(f.logements, 'logement', 'logements')})`).join(', ')}`,
    );
  }
  if (r.fichierErreurs) out.push(`  fichier d’erreurs : ${r.fichierErreurs}`);
  return out.join('\n');
}
