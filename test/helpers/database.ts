/**
 * Fresh, migrated databases for tests: an in-memory PGlite always, and a PostgreSQL one when
 * `DATABASE_URL` is set (a new database `flux_test_<random>` created on that server and dropped
 * by `fermer()`). The URL's own database is only used to create and drop the test database.
 *
 *   describe.each(genresDeTest())('… (%s)', (genre) => {
 *     let t: BaseDeTest;
 *     beforeAll(async () => { t = await ouvrirBaseDeTest(genre); }, 60_000);
 *     afterAll(() => t.fermer());
 *     …
 *   });
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ouvrirBase, type Base } from '../../src/db/client.ts';
import { baseModele } from './modele.ts';

export type GenreBase = Base['genre'];

export interface BaseDeTest {
  genre: GenreBase;
  base: Base;
  /** PostgreSQL: the URL of the test database (null for PGlite). */
  url: string | null;
  /** Closes the base and, on PostgreSQL, drops the test database. Safe to call twice. */
  fermer(): Promise<void>;
}

/** The kinds of database the tests can run on here: PGlite, plus PostgreSQL when DATABASE_URL is set. */
export function genresDeTest(): GenreBase[] {
  return process.env['DATABASE_URL'] ? ['pglite', 'postgresql'] : ['pglite'];
}

async function administrer<T>(url: string, f: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/** What a suite puts in its fresh database, named by `cle` (PGlite builds it once for the suite: `baseModele`). */
export interface Preparation {
  cle: string;
  preparer(base: Base): Promise<void>;
}

/** A fresh migrated database of the given kind, prepared by `preparation` when given. */
export async function ouvrirBaseDeTest(genre: GenreBase, preparation?: Preparation): Promise<BaseDeTest> {
  if (genre === 'pglite') {
    const base = await baseModele(preparation?.cle ?? 'migree', preparation?.preparer ?? (async () => undefined));
    let ferme = false;
    return {
      genre,
      base,
      url: null,
      async fermer() {
        if (ferme) return;
        ferme = true;
        await base.fermer();
      },
    };
  }
  const admin = process.env['DATABASE_URL'];
  if (!admin) throw new Error('DATABASE_URL absent : pas de PostgreSQL pour les tests');
  const nom = `flux_test_${randomBytes(6).toString('hex')}`;
  await administrer(admin, (c) => c.query(`create database "${nom}"`));
  const url = new URL(admin);
  url.pathname = `/${nom}`;
  let base: Base | null = null;
  let ferme = false;
  const fermer = async (): Promise<void> => {
    if (ferme) return;
    ferme = true;
    try {
      if (base) await base.fermer();
    } finally {
      await administrer(admin, (c) => c.query(`drop database if exists "${nom}" with (force)`));
    }
  };
  try {
    base = await ouvrirBase({ url: url.href });
    await base.migrer();
    await preparation?.preparer(base);
  } catch (err) {
    await fermer();
    throw err;
  }
  return { genre, base, url: url.href, fermer };
}

/** One fresh database of every available kind (close each with `fermer()`). */
export async function basesDeTest(): Promise<BaseDeTest[]> {
  const bases: BaseDeTest[] = [];
  try {
    for (const genre of genresDeTest()) bases.push(await ouvrirBaseDeTest(genre));
  } catch (err) {
    await Promise.all(bases.map((b) => b.fermer()));
    throw err;
  }
  return bases;
}
