/**
 * Server time of « À traiter » (issue 12 item 1) for the demo's State pilot, without the read cache:
 * the use case in its transaction, the contract check and the serialisation, as the route does on a
 * cache miss (after any write). Target: ≤ 300 ms (median of the runs); exits 1 above it.
 *
 *   node bin/run-ts.js bench/api/a-traiter.ts             # whole demo Loiret, PGlite in memory
 *   DATABASE_URL=postgres://… node bin/run-ts.js bench/api/a-traiter.ts
 *   node bin/run-ts.js bench/api/a-traiter.ts --smoke     # 10 % of the demo, 3 runs (CI)
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { lireATraiter } from '../../src/app/a-traiter.ts';
import { jourParis } from '../../src/domain/calendrier.ts';
import type { Acteur } from '../../src/app/roles.ts';
import { aTraiterSchema } from '../../src/contracts/a-traiter.ts';
import { ouvrirBase, type Base } from '../../src/db/client.ts';
import { COMPTES_DEMO, seedDemo } from '../../src/seed/demo.ts';

const smoke = process.argv.includes('--smoke');
const tours = smoke ? 3 : Number(process.env.TOURS ?? 20);
const CIBLE_MS = 300;

let url = process.env.DATABASE_URL;
let nettoyer = async () => {};
if (url) {
  const nom = `flux_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database "${nom}"`);
  await admin.end();
  const racine = url;
  const u = new URL(url);
  u.pathname = `/${nom}`;
  url = u.href;
  nettoyer = async () => {
    const c = new pg.Client({ connectionString: racine });
    await c.connect();
    await c.query(`drop database if exists "${nom}" with (force)`);
    await c.end();
  };
}
const base: Base = await ouvrirBase({ url, dossier: 'memory://' });
try {
  await base.migrer();
  const echelle = smoke ? 0.1 : Number(process.env.FLUX_BENCH_ECHELLE ?? 1);
  const resume = await seedDemo(base.db, { echelle });
  const compte = COMPTES_DEMO.find((c) => c.role === 'pilote_etat')!;
  const acteur: Acteur = {
    utilisateurId: 'bench',
    organisationId: compte.organisationId,
    role: 'pilote_etat',
    departement: '45',
    epci: null,
  };
  const jour = jourParis(new Date());
  const temps: number[] = [];
  let elements = 0;
  for (let i = 0; i < tours; i++) {
    const t0 = performance.now();
    const a = await base.db.transaction((tx) => lireATraiter(tx, acteur, jour));
    JSON.stringify(aTraiterSchema.parse(a));
    temps.push(performance.now() - t0);
    elements = a.total;
  }
  temps.sort((x, y) => x - y);
  const median = temps[Math.floor(temps.length / 2)]!;
  const p95 = temps[Math.min(temps.length - 1, Math.ceil(temps.length * 0.95) - 1)]!;
  console.log(
    `À traiter, pilote de l’État : ${elements} éléments ; ${tours} calculs sans cache sur ${resume.logements} logements et ${resume.locations} locations (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, échelle ${echelle})`,
  );
  console.log(
    `  médiane ${median.toFixed(0)} ms   p95 ${p95.toFixed(0)} ms   max ${temps.at(-1)!.toFixed(0)} ms   cible ≤ ${CIBLE_MS} ms`,
  );
  if (median > CIBLE_MS) process.exitCode = 1;
} finally {
  await base.fermer();
  await nettoyer();
}
