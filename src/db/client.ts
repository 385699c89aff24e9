/**
 * Opens the database: PGlite in-process by default (data directory `./data/flux`, created on
 * first start; `memory://` for tests), PostgreSQL when `DATABASE_URL` is set. Both run the same
 * schema, the same migrations and the same queries through Drizzle.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
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
}

const migrations = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OptionsBase {
  /** postgres://… ; when absent, PGlite. */
  url?: string | undefined;
  /** PGlite data directory, or "memory://" (default ./data/flux). */
  dossier?: string;
}

export async function ouvrirBase(options: OptionsBase = {}): Promise<Base> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: 20 });
    // An idle connection dropped by the server (restart, failover) must not crash the process:
    // the pool discards it and opens another on the next query.
    pool.on('error', (err) => console.error(`PostgreSQL : connexion inactive perdue (${err.message})`));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      genre: 'postgresql',
      migrer: () => migratePg(drizzlePg(pool, { schema }), { migrationsFolder: migrations }),
      fermer: () => pool.end(),
    };
  }
  const dossier = options.dossier ?? './data/flux';
  if (!dossier.startsWith('memory://')) mkdirSync(dossier, { recursive: true });
  const client = new PGlite(dossier);
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    genre: 'pglite',
    migrer: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: migrations }),
    fermer: () => client.close(),
  };
}

/** Rows of a raw SQL query (`sql\`…\``), on either driver (both answer `{ rows }`). */
export async function lignes<T>(tx: Tx, requete: SQL): Promise<T[]> {
  const r = (await tx.execute(requete)) as unknown as { rows: T[] };
  return r.rows;
}
