/**
 * `flux import rpls` at national scale: one bailleur's RPLS file (bench/import/generate.ts, built
 * from the real RPLS 2019 counts) imported, through the real use case (`importerRpls`: read,
 * validate, load by COPY, audit, one transaction), into PostgreSQL (a fresh database on
 * DATABASE_URL, dropped at the end) and into PGlite (a temporary data directory, removed at the
 * end). In the same run, the rows the import wrote into PostgreSQL (the `logements` columns it
 * writes) are exported as CSV and loaded again by `psql \copy` into a fresh copy of the
 * `logements` table (same indexes, same foreign keys): the reference the import is compared with.
 * The read and validation alone (`lireRpls`, no database) are timed first.
 *
 *   node bin/run-ts.js bench/import/run.ts [--scale 1] [--fichier FILE] [--sans-pglite]
 *   node bin/run-ts.js bench/import/run.ts --smoke          # scale 0.002 (≈ 10,000 units), for CI
 *
 * Without DATABASE_URL only PGlite runs. Peak RSS is sampled every 100 ms in each phase, and the
 * process's max RSS is read at the end (`process.resourceUsage`).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { lignes, ouvrirBase, type Base } from '../../src/db/client.ts';
import { organisations } from '../../src/db/schema.ts';
import { COLONNES_COPIE, importerRpls, lireRpls, sourceFichier } from '../../src/app/import-rpls.ts';
import { creerBaseTemporaire } from '../base-temporaire.ts';
import { cheminSortie, generer } from './generate.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    smoke: { type: 'boolean', default: false },
    fichier: { type: 'string' },
    'sans-pglite': { type: 'boolean', default: false },
  },
});
const scale = args.smoke ? 0.002 : Number(args.scale);
const fichier = args.fichier ? resolve(args.fichier) : cheminSortie(scale);
const SIREN = '123456789';

if (!existsSync(fichier)) {
  const debut = performance.now();
  const n = await generer(scale, fichier);
  console.log(`généré        ${fichier} : ${n} logements en ${((performance.now() - debut) / 1000).toFixed(1)} s`);
}

const mio = (octets: number): string => `${Math.round(octets / 2 ** 20)} Mio`;
const debit = (n: number, ms: number): string => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} /s`;

/** Runs `f`, sampling RSS; returns its result, its duration (ms) and the peak RSS seen. */
async function mesurer<T>(f: () => Promise<T>): Promise<{ r: T; ms: number; pic: number }> {
  let pic = process.memoryUsage.rss();
  const minuterie = setInterval(() => (pic = Math.max(pic, process.memoryUsage.rss())), 100);
  const debut = performance.now();
  try {
    const r = await f();
    return { r, ms: performance.now() - debut, pic: Math.max(pic, process.memoryUsage.rss()) };
  } finally {
    clearInterval(minuterie);
  }
}

async function creerBailleur(base: Base): Promise<string> {
  const id = randomUUID();
  await base.db
    .insert(organisations)
    .values({ id, nom: 'Bailleur national (bench)', categorie: 'bailleur', siren: SIREN });
  return id;
}

async function importer(base: Base, genre: string): Promise<{ logements: number; ms: number; pic: number }> {
  const m = await mesurer(async () => importerRpls(base.db, await sourceFichier(fichier), { siren: SIREN }));
  const res = m.r.resume;
  if (!res.importe || res.rejetes > 0) throw new Error(`${genre} : import refusé (${res.rejetes} lignes rejetées)`);
  const [c] = await lignes<{ n: number }>(base.db, sql`select count(*)::int as n from logements`);
  if (c?.n !== res.logements) throw new Error(`${genre} : ${c?.n} logements en base pour ${res.logements} importés`);
  console.log(
    `${genre.padEnd(13)} ${res.logements} logements en ${(m.ms / 1000).toFixed(1)} s = ${debit(res.logements, m.ms)}   pic RSS ${mio(m.pic)}`,
  );
  return { logements: res.logements, ms: m.ms, pic: m.pic };
}

/** The read and validation alone, without a database (the staging CSV is built and dropped). */
async function lireSeulement(): Promise<{ logements: number; ms: number; pic: number }> {
  const m = await mesurer(async () => lireRpls(await sourceFichier(fichier), { siren: SIREN }));
  return { logements: m.r.bilan.logements, ms: m.ms, pic: m.pic };
}

/** psql, failing loudly. */
function psql(url: string, commande: string): string {
  const p = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-c', commande], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(`psql ${commande} : ${p.stderr}`);
  return p.stdout.trim();
}

interface Ligne {
  base: string;
  logements: number;
  ms: number;
  pic: number;
}
const resultats: Ligne[] = [];
let copie: { ms: number; logements: number } | null = null;

// ───────────── read and validation alone ─────────────
const lectureSeule = await lireSeulement();
console.log(
  `lecture seule ${lectureSeule.logements} logements en ${(lectureSeule.ms / 1000).toFixed(1)} s = ${debit(lectureSeule.logements, lectureSeule.ms)}   pic RSS ${mio(lectureSeule.pic)}`,
);

// ───────────── PostgreSQL ─────────────
const admin = process.env['DATABASE_URL'];
if (admin) {
  const temporaire = await creerBaseTemporaire(admin, 'flux_bench_import');
  const url = new URL(temporaire.url);
  const dossierCsv = mkdtempSync(join(tmpdir(), 'flux-bench-import-'));
  try {
    const base = await ouvrirBase({ url: url.toString() });
    try {
      await base.migrer();
      await creerBailleur(base);
      const r = await importer(base, 'PostgreSQL');
      resultats.push({ base: 'PostgreSQL (importerRpls)', ...r });
      // The reference: the rows the import wrote, exported as CSV, loaded again by `psql \copy`
      // into a copy of the table (same indexes, same foreign keys).
      const csv = join(dossierCsv, 'logements.csv');
      const colonnes = COLONNES_COPIE.join(', ');
      psql(url.toString(), `\\copy (select ${colonnes} from logements order by id) to '${csv}' csv`);
      await base.db.execute(sql`create table logements_copie (like logements including all)`);
      await base.db.execute(
        sql`alter table logements_copie add foreign key (bailleur_id) references organisations(id), add foreign key (import_rpls_id) references imports_rpls(id), add foreign key (absent_rpls_depuis) references imports_rpls(id), add foreign key (reservataire_stock_id) references organisations(id)`,
      );
      const debut = performance.now();
      const sortie = psql(url.toString(), `\\copy logements_copie(${colonnes}) from '${csv}' csv`);
      const ms = performance.now() - debut;
      copie = { ms, logements: r.logements };
      console.log(
        `psql \\copy    ${r.logements} lignes normalisées en ${(ms / 1000).toFixed(1)} s = ${debit(r.logements, ms)}   (${sortie})`,
      );
    } finally {
      await base.fermer();
    }
  } finally {
    rmSync(dossierCsv, { recursive: true, force: true });
    await temporaire.supprimer();
  }
} else {
  console.log('PostgreSQL    ignoré (DATABASE_URL absent)');
}

// ───────────── PGlite ─────────────
if (args['sans-pglite']) console.log('PGlite        ignoré (--sans-pglite)');
else {
  const dossier = mkdtempSync(join(tmpdir(), 'flux-bench-pglite-'));
  try {
    const base = await ouvrirBase({ dossier });
    try {
      await base.migrer();
      await creerBailleur(base);
      const r = await importer(base, 'PGlite');
      resultats.push({ base: 'PGlite (importerRpls)', ...r });
    } finally {
      await base.fermer();
    }
  } finally {
    rmSync(dossier, { recursive: true, force: true });
  }
}

const maxRss = process.resourceUsage().maxRSS * 1024;
console.log('');
console.log(`fichier       ${fichier} (${mio(statSync(fichier).size)})`);
for (const r of resultats)
  console.log(
    `${r.base.padEnd(28)} ${debit(r.logements, r.ms).padStart(12)}   ${(r.ms / 1000).toFixed(1)} s   pic RSS ${mio(r.pic)}`,
  );
if (copie) {
  const pgRes = resultats.find((r) => r.base.startsWith('PostgreSQL'))!;
  console.log(
    `${'psql \\copy (mêmes lignes)'.padEnd(28)} ${debit(copie.logements, copie.ms).padStart(12)}   ${(copie.ms / 1000).toFixed(1)} s   → import = ${(pgRes.ms / copie.ms).toFixed(2)} × \\copy`,
  );
}
console.log(
  `${'lecture + validation seules'.padEnd(28)} ${(lectureSeule.ms / 1000).toFixed(1)} s   pic RSS ${mio(lectureSeule.pic)} (lireRpls, sans base)`,
);
console.log(
  `max RSS du processus : ${mio(maxRss)}   node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
