/**
 * `flux import rpls` at national scale: one bailleur's RPLS file (bench/import/generate.ts, built
 * from the real RPLS 2019 counts) imported, through the real use case (`importerRpls`: read,
 * validate, load by COPY, audit, one transaction), into PostgreSQL (a fresh database on
 * DATABASE_URL, dropped at the end) and into PGlite (a temporary data directory, removed at the
 * end). In the same run, the same normalised rows (the `logements` columns the import writes) are
 * exported once as CSV and loaded by `psql \copy` into a fresh copy of the `logements` table
 * (same indexes, same foreign keys): the reference the import is compared with.
 *
 *   node bin/run-ts.js bench/import/run.ts [--scale 1] [--fichier FILE]
 *   node bin/run-ts.js bench/import/run.ts --smoke          # scale 0.002 (≈ 10,000 units), for CI
 *
 * Without DATABASE_URL only PGlite runs. Peak RSS is sampled every 100 ms in each phase, and the
 * process's max RSS is read at the end (`process.resourceUsage`).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { lignes, ouvrirBase, type Base } from '../../src/db/client.ts';
import { organisations } from '../../src/db/schema.ts';
import { COLONNES_COPIE, importerRpls, ligneCsv, lireRpls, sourceFichier, uuidOrdonne } from '../../src/import/rpls-import.ts';
import { cheminSortie, generer } from './generate.ts';

const { values: args } = parseArgs({
  options: { scale: { type: 'string', default: '1' }, smoke: { type: 'boolean', default: false }, fichier: { type: 'string' } },
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
  await base.db.insert(organisations).values({ id, nom: 'Bailleur national (bench)', categorie: 'bailleur', siren: SIREN });
  return id;
}

async function importer(base: Base, genre: string): Promise<{ logements: number; ms: number; pic: number }> {
  const m = await mesurer(async () => importerRpls(base.db, await sourceFichier(fichier), { siren: SIREN }));
  const res = m.r.resume;
  if (!res.importe || res.rejetes > 0) throw new Error(`${genre} : import refusé (${res.rejetes} lignes rejetées)`);
  const [c] = await lignes<{ n: number }>(base.db, sql`select count(*)::int as n from logements`);
  if (c?.n !== res.logements) throw new Error(`${genre} : ${c?.n} logements en base pour ${res.logements} importés`);
  console.log(`${genre.padEnd(13)} ${res.logements} logements en ${(m.ms / 1000).toFixed(1)} s = ${debit(res.logements, m.ms)}   pic RSS ${mio(m.pic)}`);
  return { logements: res.logements, ms: m.ms, pic: m.pic };
}

/** The file's normalised rows as CSV in `COLONNES_COPIE` order (what the import writes). */
async function exporter(bailleurId: string, importId: string, sortie: string): Promise<{ logements: number; msLecture: number }> {
  const m = await mesurer(() => lireRpls({ nom: fichier, taille: statSync(fichier).size, ouvrir: () => sourceLecture() }, { siren: SIREN }));
  const fd = openSync(sortie, 'w');
  let tampon = '';
  for (const l of m.r.validation.logements) {
    tampon += ligneCsv(uuidOrdonne(), bailleurId, importId, l);
    if (tampon.length > 1 << 20) {
      writeSync(fd, tampon);
      tampon = '';
    }
  }
  writeSync(fd, tampon);
  closeSync(fd);
  return { logements: m.r.validation.logements.length, msLecture: m.ms };
}

async function* sourceLecture(): AsyncIterable<Uint8Array> {
  yield* (await sourceFichier(fichier)).ouvrir();
}

interface Ligne {
  base: string;
  logements: number;
  ms: number;
  pic: number;
}
const resultats: Ligne[] = [];
let copie: { ms: number; logements: number } | null = null;
let lectureSeule: number | null = null;

// ───────────── PostgreSQL ─────────────
const admin = process.env['DATABASE_URL'];
if (admin) {
  const nom = `flux_bench_import_${process.pid}`;
  const administrer = async (requete: string): Promise<void> => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(requete);
    } finally {
      await c.end();
    }
  };
  await administrer(`create database "${nom}"`);
  const url = new URL(admin);
  url.pathname = `/${nom}`;
  const dossierCsv = mkdtempSync(join(tmpdir(), 'flux-bench-import-'));
  try {
    const base = await ouvrirBase({ url: url.toString() });
    try {
      await base.migrer();
      const bailleurId = await creerBailleur(base);
      const r = await importer(base, 'PostgreSQL');
      resultats.push({ base: 'PostgreSQL (importerRpls)', ...r });
      const [imp] = await lignes<{ id: string }>(base.db, sql`select id from imports_rpls`);
      const csv = join(dossierCsv, 'logements.csv');
      const e = await exporter(bailleurId, imp!.id, csv);
      lectureSeule = e.msLecture;
      await base.db.execute(sql`create table logements_copie (like logements including all)`);
      await base.db.execute(
        sql`alter table logements_copie add foreign key (bailleur_id) references organisations(id), add foreign key (import_rpls_id) references imports_rpls(id), add foreign key (absent_rpls_depuis) references imports_rpls(id)`,
      );
      const debut = performance.now();
      const p = spawnSync('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-c', `\\copy logements_copie(${COLONNES_COPIE.join(', ')}) from '${csv}' csv`], { encoding: 'utf8' });
      const ms = performance.now() - debut;
      if (p.status !== 0) throw new Error(`psql \\copy : ${p.stderr}`);
      copie = { ms, logements: e.logements };
      console.log(`psql \\copy    ${e.logements} lignes normalisées en ${(ms / 1000).toFixed(1)} s = ${debit(e.logements, ms)}   (${p.stdout.trim()})`);
    } finally {
      await base.fermer();
    }
  } finally {
    rmSync(dossierCsv, { recursive: true, force: true });
    await administrer(`drop database if exists "${nom}" with (force)`);
  }
} else {
  console.log('PostgreSQL    ignoré (DATABASE_URL absent)');
}

// ───────────── PGlite ─────────────
{
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
for (const r of resultats) console.log(`${r.base.padEnd(28)} ${debit(r.logements, r.ms).padStart(12)}   ${(r.ms / 1000).toFixed(1)} s   pic RSS ${mio(r.pic)}`);
if (copie) {
  const pgRes = resultats.find((r) => r.base.startsWith('PostgreSQL'))!;
  console.log(`${'psql \\copy (mêmes lignes)'.padEnd(28)} ${debit(copie.logements, copie.ms).padStart(12)}   ${(copie.ms / 1000).toFixed(1)} s   → import = ${(pgRes.ms / copie.ms).toFixed(2)} × \\copy`);
}
if (lectureSeule !== null) console.log(`${'lecture + validation seules'.padEnd(28)} ${(lectureSeule / 1000).toFixed(1)} s (lireRpls, sans base)`);
console.log(`max RSS du processus : ${mio(maxRss)}   node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
