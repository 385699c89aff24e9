/**
 * The `flux` command run through `main()` on a test database: a PGlite data directory, or a fresh
 * PostgreSQL database when the genre is `postgresql` (its URL passed as DATABASE_URL to the
 * command). `preparer` fills the database before the tests (demo, organisations…).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ouvrirBase, type Db } from '../../src/db/client.ts';
import { ouvrirBaseDeTest, type BaseDeTest, type GenreBase } from './database.ts';

export interface ResultatCommande {
  code: number;
  out: string;
  err: string;
}

export interface BaseCli {
  /** The PGlite data directory (`--data`). */
  readonly data: string;
  /** A scratch folder for the test's files, removed at the end. */
  readonly dossier: string;
  /** DATABASE_URL for the command: the test database on PostgreSQL, none on PGlite. */
  readonly url: string | undefined;
  lancer(argv: string[]): Promise<ResultatCommande>;
  /** Runs `f` on the test database (opening the PGlite folder for it). */
  avecBase<T>(f: (db: Db) => Promise<T>): Promise<T>;
}

/** Registers the hooks that prepare the database and clean it up; returns how to run the command. */
export function baseCli(genre: GenreBase, prefixe: string, preparer: (db: Db) => Promise<unknown>): BaseCli {
  const dossier = mkdtempSync(join(tmpdir(), prefixe));
  const data = join(dossier, 'pglite');
  let pg: BaseDeTest | null = null;
  let url: string | undefined;
  beforeAll(async () => {
    if (genre === 'postgresql') {
      pg = await ouvrirBaseDeTest('postgresql');
      url = pg.url!;
      await preparer(pg.base.db);
    } else {
      const base = await ouvrirBase({ dossier: data });
      await base.migrer();
      await preparer(base.db);
      await base.fermer();
    }
  }, 120_000);
  afterAll(async () => {
    await pg?.fermer();
    rmSync(dossier, { recursive: true, force: true });
  });
  return {
    data,
    dossier,
    get url() {
      return url;
    },
    async avecBase(f) {
      if (pg) return f(pg.base.db);
      const base = await ouvrirBase({ dossier: data });
      try {
        return await f(base.db);
      } finally {
        await base.fermer();
      }
    },
    async lancer(argv) {
      let out = '';
      let err = '';
      const avant = process.env['DATABASE_URL'];
      if (url) process.env['DATABASE_URL'] = url;
      else delete process.env['DATABASE_URL'];
      try {
        const code = await main([...argv, '--data', data], { out: (s) => (out += s), err: (s) => (err += s) });
        return { code, out, err };
      } finally {
        if (avant === undefined) delete process.env['DATABASE_URL'];
        else process.env['DATABASE_URL'] = avant;
      }
    },
  };
}
