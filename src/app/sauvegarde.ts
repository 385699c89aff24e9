/**
 * Backup, restore and move of a whole Flux database, the same on PGlite and PostgreSQL (ADR 0022).
 *
 * The dump is text, one JSON document per line (gzip'd in a file by the CLI):
 *
 *   1. the manifest: format, version, the schema's migration level, each table with its row
 *      count (in foreign-key order), the audit chain's length and head hash;
 *   2. per table, a header line `{"table": …, "lignes": n}` then its n rows, each the text of
 *      PostgreSQL's `row_to_json` (types kept: timestamps, jsonb, bytea as \x…, numerics as
 *      written), read through a cursor so memory stays flat;
 *   3. a trailer: the number of lines before it and the SHA-256 of those lines (a truncated or
 *      damaged file is refused).
 *
 * Everything is read in one REPEATABLE READ snapshot, and restored in one transaction: rows go
 * back through `json_populate_recordset` (PostgreSQL's own conversion of what `row_to_json`
 * wrote), then the row counts, the trailer and the audit chain (`verifierAudit`, what
 * `flux audit verify` runs) are checked before the commit. A dump whose audit chain does not
 * verify, or made at another migration level, restores nothing.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { lignes, type Db, type Tx } from '../db/client.ts';
import { FluxError } from '../domain/errors.ts';
import { HASH_ORIGINE, verifierAudit } from './audit.ts';

export const FORMAT_SAUVEGARDE = 'flux-sauvegarde';
export const VERSION_SAUVEGARDE = 1;

/** A dump or a target database refused, with the French reason. `code` tells the CLI's exit status. */
export class SauvegardeRefusee extends FluxError {
  readonly code = 'SAUVEGARDE_REFUSEE';
  constructor(
    message: string,
    /** The dump's audit chain does not verify (the CLI exits 3, as `flux audit verify`). */
    readonly auditAltere = false,
  ) {
    super(message);
    this.name = 'SauvegardeRefusee';
  }
}

export interface NiveauMigration {
  /** Migrations applied. */
  nombre: number;
  /** Hash of the last one (drizzle's journal). */
  derniere: string | null;
}

export interface Manifeste {
  format: typeof FORMAT_SAUVEGARDE;
  version: number;
  creeLe: string;
  base: 'pglite' | 'postgresql';
  migrations: NiveauMigration;
  tables: { nom: string; lignes: number }[];
  audit: { evenements: number; dernierHash: string };
}

interface Fin {
  fin: true;
  lignes: number;
  sha256: string;
}

/** Rows per INSERT on restore, and per FETCH on backup. */
const LOT = 1000;
/** …unless the batch's text passes this many characters first (wide rows: error files, PDFs). */
const LOT_CARACTERES = 8 << 20;

const ident = (nom: string): string => `"${nom.replace(/"/g, '""')}"`;

export async function niveauMigration(tx: Tx): Promise<NiveauMigration> {
  const existe = await lignes<{ n: number }>(
    tx,
    sql`select count(*)::int as n from information_schema.tables where table_schema = 'drizzle' and table_name = '__drizzle_migrations'`,
  );
  if (!existe[0]?.n) return { nombre: 0, derniere: null };
  const r = await lignes<{ nombre: number; derniere: string | null }>(
    tx,
    sql`select count(*)::int as nombre, (select hash from drizzle.__drizzle_migrations order by created_at desc, id desc limit 1) as derniere from drizzle.__drizzle_migrations`,
  );
  return { nombre: r[0]?.nombre ?? 0, derniere: r[0]?.derniere ?? null };
}

/** The application's tables (schema public), parents before children (foreign keys). */
export async function tablesOrdonnees(tx: Tx): Promise<string[]> {
  const tables = (
    await lignes<{ nom: string }>(
      tx,
      sql`select tablename as nom from pg_tables where schemaname = 'public' order by tablename`,
    )
  ).map((t) => t.nom);
  const liens = await lignes<{ enfant: string; parent: string }>(
    tx,
    sql`select ce.relname as enfant, cp.relname as parent
        from pg_constraint c
        join pg_class ce on ce.oid = c.conrelid
        join pg_class cp on cp.oid = c.confrelid
        join pg_namespace n on n.oid = ce.relnamespace
        where c.contype = 'f' and n.nspname = 'public'`,
  );
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const l of liens) if (l.enfant !== l.parent) parents.get(l.enfant)?.add(l.parent);
  const ordre: string[] = [];
  const place = new Set<string>();
  while (ordre.length < tables.length) {
    const prete = tables.find((t) => !place.has(t) && [...parents.get(t)!].every((p) => place.has(p)));
    if (!prete) throw new Error('cycle de clés étrangères entre tables : ordre de sauvegarde impossible');
    ordre.push(prete);
    place.add(prete);
  }
  return ordre;
}

async function compter(tx: Tx, table: string): Promise<number> {
  const r = await lignes<{ n: string | number }>(tx, sql.raw(`select count(*) as n from ${ident(table)}`));
  return Number(r[0]?.n ?? 0);
}

async function teteAudit(tx: Tx): Promise<{ evenements: number; dernierHash: string }> {
  const r = await lignes<{ n: string | number; hash: string | null }>(
    tx,
    sql`select (select count(*) from evenements_audit) as n, (select hash from evenements_audit order by seq desc limit 1) as hash`,
  );
  return { evenements: Number(r[0]?.n ?? 0), dernierHash: r[0]?.hash ?? HASH_ORIGINE };
}

export interface ResumeSauvegarde {
  manifeste: Manifeste;
  /** Lines written, trailer included. */
  lignes: number;
}

/**
 * Writes the whole database as lines (each without its newline) to `ecrire`, which may apply
 * backpressure. One consistent snapshot; memory bounded by one fetch of rows.
 */
export async function sauvegarder(
  db: Db,
  genre: Manifeste['base'],
  ecrire: (ligne: string) => Promise<void> | void,
  maintenant: Date = new Date(),
): Promise<ResumeSauvegarde> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
    const ordre = await tablesOrdonnees(tx);
    const tables: Manifeste['tables'] = [];
    for (const nom of ordre) tables.push({ nom, lignes: await compter(tx, nom) });
    const manifeste: Manifeste = {
      format: FORMAT_SAUVEGARDE,
      version: VERSION_SAUVEGARDE,
      creeLe: maintenant.toISOString(),
      base: genre,
      migrations: await niveauMigration(tx),
      tables,
      audit: await teteAudit(tx),
    };
    const empreinte = createHash('sha256');
    let n = 0;
    const sortir = async (ligne: string): Promise<void> => {
      empreinte.update(ligne).update('\n');
      n++;
      await ecrire(ligne);
    };
    await sortir(JSON.stringify(manifeste));
    for (const { nom, lignes: attendues } of tables) {
      await sortir(JSON.stringify({ table: nom, lignes: attendues }));
      await tx.execute(
        sql.raw(`declare flux_sauvegarde no scroll cursor for select row_to_json(t)::text as l from ${ident(nom)} t`),
      );
      let lues = 0;
      for (;;) {
        const lot = await lignes<{ l: string }>(tx, sql.raw(`fetch forward ${LOT} from flux_sauvegarde`));
        for (const r of lot) await sortir(r.l);
        lues += lot.length;
        if (lot.length < LOT) break;
      }
      await tx.execute(sql`close flux_sauvegarde`);
      if (lues !== attendues) throw new Error(`table ${nom} : ${lues} lignes lues pour ${attendues} comptées`);
    }
    const fin: Fin = { fin: true, lignes: n, sha256: empreinte.digest('hex') };
    await ecrire(JSON.stringify(fin));
    return { manifeste, lignes: n + 1 };
  });
}

export interface OptionsRestauration {
  /** Empties a database that already has data first (every table, in the same transaction). */
  remplacer?: boolean;
}

export interface ResumeRestauration {
  manifeste: Manifeste;
  lignes: number;
}

function lireJson<T>(ligne: string | undefined, quoi: string): T {
  if (ligne === undefined) throw new SauvegardeRefusee(`sauvegarde tronquée : ${quoi} absent`);
  try {
    return JSON.parse(ligne) as T;
  } catch {
    throw new SauvegardeRefusee(`sauvegarde illisible : ${quoi} n’est pas du JSON`);
  }
}

function verifierManifeste(m: Partial<Manifeste>): asserts m is Manifeste {
  if (m.format !== FORMAT_SAUVEGARDE)
    throw new SauvegardeRefusee('ce fichier n’est pas une sauvegarde Flux (en-tête « flux-sauvegarde » absent)');
  if (m.version !== VERSION_SAUVEGARDE)
    throw new SauvegardeRefusee(
      `format de sauvegarde ${String(m.version)} inconnu de cette version de Flux (qui lit le format ${VERSION_SAUVEGARDE})`,
    );
  if (!Array.isArray(m.tables) || !m.migrations || !m.audit)
    throw new SauvegardeRefusee('manifeste de sauvegarde incomplet (tables, migrations ou audit absents)');
}

/**
 * Restores a dump (its lines, in order) into `db`, migrated to the same level. All or nothing:
 * any refusal rolls the transaction back.
 */
export async function restaurer(
  db: Db,
  source: AsyncIterable<string>,
  options: OptionsRestauration = {},
): Promise<ResumeRestauration> {
  const it = source[Symbol.asyncIterator]();
  const suivante = async (): Promise<string | undefined> => {
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
  const empreinte = createHash('sha256');
  let n = 0;
  const lire = async (): Promise<string | undefined> => {
    const l = await suivante();
    if (l !== undefined) {
      empreinte.update(l).update('\n');
      n++;
    }
    return l;
  };
  const manifeste = lireJson<Partial<Manifeste>>(await lire(), 'le manifeste');
  verifierManifeste(manifeste);

  return db.transaction(async (tx) => {
    const niveau = await niveauMigration(tx);
    if (niveau.nombre !== manifeste.migrations.nombre || niveau.derniere !== manifeste.migrations.derniere) {
      throw new SauvegardeRefusee(
        `la sauvegarde a été faite au niveau de migration ${manifeste.migrations.nombre}, cette base et cette version de Flux sont au niveau ${niveau.nombre} : ` +
          'restaurez avec la version de Flux qui l’a faite, puis mettez Flux à jour',
      );
    }
    const ordre = await tablesOrdonnees(tx);
    const attendues = manifeste.tables.map((t) => t.nom);
    const inconnues = attendues.filter((t) => !ordre.includes(t));
    const absentes = ordre.filter((t) => !attendues.includes(t));
    if (inconnues.length > 0 || absentes.length > 0) {
      throw new SauvegardeRefusee(
        `les tables de la sauvegarde ne sont pas celles de la base (${[...inconnues.map((t) => `${t} en trop`), ...absentes.map((t) => `${t} absente`)].join(', ')})`,
      );
    }
    const pleines: string[] = [];
    for (const t of ordre) if ((await compter(tx, t)) > 0) pleines.push(t);
    if (pleines.length > 0) {
      if (!options.remplacer) {
        throw new SauvegardeRefusee(
          `la base n’est pas vide (${pleines.length} table(s) ont des données, dont ${pleines.slice(0, 3).join(', ')}) : ` +
            'restaurez dans une base neuve, ou ajoutez --remplacer pour tout effacer d’abord',
        );
      }
      // The append-only tables refuse TRUNCATE by trigger: lifted for this transaction only.
      const liste = ordre.map(ident).join(', ');
      for (const t of ordre) await tx.execute(sql.raw(`alter table ${ident(t)} disable trigger user`));
      await tx.execute(sql.raw(`truncate ${liste} restart identity cascade`));
      for (const t of ordre) await tx.execute(sql.raw(`alter table ${ident(t)} enable trigger user`));
    }

    for (const { nom, lignes: nombre } of manifeste.tables) {
      const entete = lireJson<{ table?: string; lignes?: number }>(await lire(), `l’en-tête de la table ${nom}`);
      if (entete.table !== nom || entete.lignes !== nombre)
        throw new SauvegardeRefusee(`sauvegarde incohérente : la table ${nom} était attendue ici`);
      let lot: string[] = [];
      let caracteres = 0;
      const inserer = async (): Promise<void> => {
        if (lot.length === 0) return;
        const texte = `[${lot.join(',')}]`;
        lot = [];
        caracteres = 0;
        await tx.execute(
          sql`insert into ${sql.raw(ident(nom))} select * from json_populate_recordset(null::${sql.raw(ident(nom))}, ${texte}::json)`,
        );
      };
      for (let i = 0; i < nombre; i++) {
        const l = await lire();
        if (l === undefined) throw new SauvegardeRefusee(`sauvegarde tronquée dans la table ${nom}`);
        lot.push(l);
        caracteres += l.length;
        if (lot.length >= LOT || caracteres >= LOT_CARACTERES) await inserer();
      }
      await inserer();
    }
    const calculee = empreinte.digest('hex');
    const lignesAvantFin = n;
    const fin = lireJson<Partial<Fin>>(await suivante(), 'la ligne de fin');
    if (fin.fin !== true || fin.lignes !== lignesAvantFin || fin.sha256 !== calculee)
      throw new SauvegardeRefusee('sauvegarde altérée ou tronquée : son empreinte SHA-256 ne correspond pas');
    if ((await suivante()) !== undefined) throw new SauvegardeRefusee('sauvegarde altérée : des lignes suivent la fin');

    for (const { nom, lignes: nombre } of manifeste.tables) {
      const lu = await compter(tx, nom);
      if (lu !== nombre)
        throw new SauvegardeRefusee(`table ${nom} : ${lu} lignes restaurées pour ${nombre} sauvegardées`);
    }
    await recalerSequences(tx);
    await recompterEvenements(tx);
    const audit = await verifierAudit(tx);
    if (!audit.ok) {
      throw new SauvegardeRefusee(
        `journal d’audit de la sauvegarde ALTÉRÉ : événement n° ${audit.anomalie!.seq} — ${audit.anomalie!.message} ; rien n’a été restauré`,
        true,
      );
    }
    const tete = await teteAudit(tx);
    if (tete.evenements !== manifeste.audit.evenements || tete.dernierHash !== manifeste.audit.dernierHash) {
      throw new SauvegardeRefusee(
        'journal d’audit de la sauvegarde ALTÉRÉ : sa tête ne correspond pas au manifeste ; rien n’a été restauré',
        true,
      );
    }
    return { manifeste, lignes: n + 1 };
  });
}

/** Every serial column's sequence set past the restored rows. */
async function recalerSequences(tx: Tx): Promise<void> {
  const cols = await lignes<{ table_name: string; column_name: string }>(
    tx,
    sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and column_default like 'nextval(%'`,
  );
  for (const c of cols) {
    const t = ident(c.table_name);
    const col = ident(c.column_name);
    await tx.execute(
      sql.raw(
        `select setval(pg_get_serial_sequence('${t.replace(/'/g, "''")}', '${c.column_name.replace(/'/g, "''")}'), coalesce((select max(${col}) from ${t}), 0) + 1, false)`,
      ),
    );
  }
}

/**
 * The events' counts per year (`compteurs_evenements`, derived data kept by triggers) recomputed
 * from the events restored: the dump's counts and the triggers' both landed during the restore.
 */
async function recompterEvenements(tx: Tx): Promise<void> {
  await tx.execute(sql`delete from compteurs_evenements`);
  await tx.execute(
    sql`insert into compteurs_evenements (bailleur_id, departement, annee, n) select bailleur_id, departement, annee, count(*) from evenements_flux group by 1, 2, 3`,
  );
}

/** Row counts of every table, and the audit chain's verification: what `flux migrer` compares. */
export async function etatBase(db: Db): Promise<{
  tables: Map<string, number>;
  audit: Awaited<ReturnType<typeof verifierAudit>>;
  tete: { evenements: number; dernierHash: string };
}> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
    const tables = new Map<string, number>();
    for (const t of await tablesOrdonnees(tx)) tables.set(t, await compter(tx, t));
    return { tables, audit: await verifierAudit(tx), tete: await teteAudit(tx) };
  });
}

/**
 * A bounded queue from a writer to a reader: `sauvegarder` on one database feeding `restaurer` on
 * another (`flux migrer`), never more than `capacite` lines in memory.
 */
export function canal(capacite = 10_000): {
  envoyer(ligne: string): Promise<void>;
  fermer(erreur?: unknown): void;
  /** The reader gave up: the writer's next `envoyer` throws instead of waiting forever. */
  abandonner(): void;
  lignes: AsyncIterable<string>;
} {
  const file: string[] = [];
  let ferme = false;
  let abandonne = false;
  let erreur: unknown = null;
  let reveilLecteur: (() => void) | null = null;
  let reveilEcrivain: (() => void) | null = null;
  const reveiller = (): void => {
    reveilLecteur?.();
    reveilLecteur = null;
  };
  return {
    async envoyer(ligne) {
      while (file.length >= capacite && !abandonne) await new Promise<void>((r) => (reveilEcrivain = r));
      if (ferme || abandonne) throw new Error('copie interrompue : la base cible a refusé les données');
      file.push(ligne);
      reveiller();
    },
    abandonner() {
      abandonne = true;
      reveilEcrivain?.();
      reveilEcrivain = null;
    },
    fermer(e) {
      ferme = true;
      if (e !== undefined) erreur = e;
      reveiller();
    },
    lignes: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          if (file.length > 0) {
            // Take everything queued at once: shift() on a long array is linear.
            const lot = file.splice(0, file.length);
            reveilEcrivain?.();
            reveilEcrivain = null;
            yield* lot;
            continue;
          }
          if (erreur !== null) throw erreur instanceof Error ? erreur : new Error(String(erreur));
          if (ferme) return;
          await new Promise<void>((r) => (reveilLecteur = r));
        }
      },
    },
  };
}
