/**
 * Opens the database: PGlite in-process by default (data directory `./data/flux`, created on
 * first start; `memory://` for tests), PostgreSQL when `DATABASE_URL` is set. Both run the same
 * schema, the same migrations and the same queries through Drizzle.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: what repositories and use cases take. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface Base {
  db: Db;
  genre: 'pglite' | 'postgresql';
  /** Runs the committed migrations (idempotent). */
  migrer(): Promise<void>;
  fermer(): Promise<void>;
  /** PostgreSQL: the connection pool's state (metrics); PGlite: null (one in-process connection). */
  etatPool(): EtatPool | null;
  /** Statements sent through Drizzle since the base was opened (metrics, and the tests of what a cached read costs). */
  requetes(): number;
  /** PGlite: its whole data directory as a tar archive (reopened with `OptionsBase.donnees`); PostgreSQL: absent. */
  exporterDonnees?(): Promise<Blob>;
}

export interface EtatPool {
  /** Connections open (idle or in use). */
  ouvertes: number;
  inactives: number;
  /** Queries waiting for a free connection. */
  enAttente: number;
  max: number;
}

const migrations = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OptionsBase {
  /** postgres://… ; when absent, PGlite. */
  url?: string | undefined;
  /** PGlite data directory, or "memory://" (default ./data/flux). */
  dossier?: string;
  /** PostgreSQL: limits of the application's connections (default from the environment, `delaisDepuisEnv`). */
  delais?: Partial<DelaisPostgres>;
  /** PGlite: start from this data directory (a tar archive from `Base.exporterDonnees`). */
  donnees?: Blob;
}

/**
 * Limits the application sets on each of its PostgreSQL connections, so that a stuck statement or a
 * client gone away never holds locks for long. In milliseconds; 0 turns one off.
 */
export interface DelaisPostgres {
  /** `statement_timeout`: a statement running longer is cancelled (default 30 s). */
  requete: number;
  /** `idle_in_transaction_session_timeout`: a transaction left open without work is ended (default 60 s). */
  transactionInactive: number;
  /** `client_connection_check_interval`: a running statement whose client has gone is cancelled (default 10 s). */
  verificationClient: number;
  /** TCP keepalive on the connection, first probe after this idle time (default 10 s). */
  keepalive: number;
  /** Connections of the pool (default 20). */
  connexions: number;
}

export const DELAIS_PAR_DEFAUT: DelaisPostgres = {
  requete: 30_000,
  transactionInactive: 60_000,
  verificationClient: 10_000,
  keepalive: 10_000,
  connexions: 20,
};

const VARIABLES_DELAIS: Record<keyof DelaisPostgres, string> = {
  requete: 'FLUX_PG_STATEMENT_TIMEOUT_MS',
  transactionInactive: 'FLUX_PG_IDLE_TX_TIMEOUT_MS',
  verificationClient: 'FLUX_PG_CLIENT_CHECK_MS',
  keepalive: 'FLUX_PG_KEEPALIVE_MS',
  connexions: 'FLUX_PG_POOL_MAX',
};

/** The PostgreSQL limits from the environment (see docs/exploitation.md), defaults elsewhere; a bad value is refused. */
export function delaisDepuisEnv(env: NodeJS.ProcessEnv = process.env): DelaisPostgres {
  const delais = { ...DELAIS_PAR_DEFAUT };
  for (const [cle, variable] of Object.entries(VARIABLES_DELAIS) as [keyof DelaisPostgres, string][]) {
    const texte = env[variable]?.trim();
    if (!texte) continue;
    const n = Number(texte);
    if (!/^\d+$/.test(texte) || !Number.isSafeInteger(n) || (cle === 'connexions' && n < 1))
      throw new Error(
        `${variable} : « ${texte} » n’est pas un nombre entier ${cle === 'connexions' ? 'positif' : 'de millisecondes'}`,
      );
    delais[cle] = n;
  }
  return delais;
}

/** The migrations committed with the code, and those the database has applied. */
export interface EtatMigrations {
  attendues: number;
  appliquees: number;
  /** Every committed migration is applied. */
  aJour: boolean;
}

/** Reads what the database has applied (Drizzle's own table) against the committed journal. */
export async function etatMigrations(tx: Tx): Promise<EtatMigrations> {
  const journal = JSON.parse(readFileSync(`${migrations}/meta/_journal.json`, 'utf8')) as {
    entries: { when: number }[];
  };
  const derniere = Math.max(0, ...journal.entries.map((e) => e.when));
  const [existe] = await lignes<{ t: string | null }>(
    tx,
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`,
  );
  if (!existe?.t) return { attendues: journal.entries.length, appliquees: 0, aJour: journal.entries.length === 0 };
  const [r] = await lignes<{ n: string; derniere: string | null }>(
    tx,
    sql`select count(*)::text as n, max(created_at)::text as derniere from drizzle.__drizzle_migrations`,
  );
  return {
    attendues: journal.entries.length,
    appliquees: Number(r?.n ?? 0),
    aJour: Number(r?.derniere ?? 0) >= derniere,
  };
}

/**
 * Refreshes the planner's statistics of tables a bulk write changed (an import): without it, and
 * before autovacuum passes, the planner may keep plans made for the empty table (one query was seen
 * taking 295 s, 20 s after ANALYZE). Run after the import's commit.
 */
export async function analyser(tx: Tx, tables: readonly string[]): Promise<void> {
  for (const t of tables) {
    if (!/^[a-z_][a-z0-9_]*$/.test(t)) throw new Error(`nom de table invalide : ${t}`);
    await tx.execute(sql.raw(`analyze ${t}`));
  }
}

/** Counts the statements Drizzle sends (its logger is called once per statement, transactions' included). */
function compteur(): { logger: { logQuery(): void }; requetes(): number } {
  let n = 0;
  return {
    logger: {
      logQuery() {
        n++;
      },
    },
    requetes: () => n,
  };
}

export async function ouvrirBase(options: OptionsBase = {}): Promise<Base> {
  const { logger, requetes } = compteur();
  if (options.url) {
    const d = { ...delaisDepuisEnv(), ...options.delais };
    // Each connection starts with the limits set (startup parameters, no extra round trip).
    const parametres = d.verificationClient > 0 ? `-c client_connection_check_interval=${d.verificationClient}` : '';
    const pool = new pg.Pool({
      connectionString: options.url,
      max: d.connexions,
      ...(d.requete > 0 ? { statement_timeout: d.requete } : {}),
      ...(d.transactionInactive > 0 ? { idle_in_transaction_session_timeout: d.transactionInactive } : {}),
      ...(parametres ? { options: parametres } : {}),
      keepAlive: d.keepalive > 0,
      keepAliveInitialDelayMillis: d.keepalive,
    });
    // A connection dropped by the server (restart, failover, a transaction ended by
    // idle_in_transaction_session_timeout) must not crash the process: the pool discards it and
    // opens another on the next query. A client checked out has no listener of the pool's: each
    // connection gets its own (an 'error' event without a listener is an uncaught exception).
    pool.on('error', () => undefined);
    pool.on('connect', (client) =>
      client.on('error', (err) => console.error(`PostgreSQL : connexion perdue (${err.message})`)),
    );
    const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
    return {
      db,
      genre: 'postgresql',
      requetes,
      migrer: () => migratePg(drizzlePg(pool, { schema }), { migrationsFolder: migrations }),
      fermer: () => pool.end(),
      etatPool: () => ({
        ouvertes: pool.totalCount,
        inactives: pool.idleCount,
        enAttente: pool.waitingCount,
        max: d.connexions,
      }),
    };
  }
  const dossier = options.dossier ?? './data/flux';
  if (!dossier.startsWith('memory://')) mkdirSync(dossier, { recursive: true });
  const client = new PGlite(dossier, options.donnees ? { loadDataDir: options.donnees } : {});
  await client.waitReady;
  const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
  return {
    db,
    genre: 'pglite',
    requetes,
    migrer: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: migrations }),
    fermer: () => client.close(),
    etatPool: () => null,
    exporterDonnees: () => client.dumpDataDir('none'),
  };
}

/** Rows of a raw SQL query (`sql\`…\``), on either driver (both answer `{ rows }`). */
export async function lignes<T>(tx: Tx, requete: SQL): Promise<T[]> {
  const r = (await tx.execute(requete)) as unknown as { rows: T[] };
  return r.rows;
}
