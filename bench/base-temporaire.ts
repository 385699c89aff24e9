/**
 * A database of its own for a benchmark run, created on the server of `DATABASE_URL` and dropped at
 * the end (never the `test` database the test suites use).
 */
import pg from 'pg';

export interface BaseTemporaire {
  /** The connection string of the new database. */
  url: string;
  /** Drops it (connections still open are closed). */
  supprimer(): Promise<void>;
}

async function administrer(admin: string, requete: string): Promise<void> {
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query(requete);
  } finally {
    await c.end();
  }
}

/** Creates `${prefixe}_${pid}` beside the database of `admin`. */
export async function creerBaseTemporaire(admin: string, prefixe: string): Promise<BaseTemporaire> {
  const nom = `${prefixe}_${process.pid}`;
  await administrer(admin, `create database "${nom}"`);
  const url = new URL(admin);
  url.pathname = `/${nom}`;
  return { url: url.toString(), supprimer: () => administrer(admin, `drop database if exists "${nom}" with (force)`) };
}
