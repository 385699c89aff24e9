/**
 * Child process of bench/api/run.ts: the real server on a seeded database (PGlite in memory, or
 * PostgreSQL with DATABASE_URL in a fresh database), or a bare Fastify route (`--nu`), listening
 * on a free port; prints "PRET <port>" when ready.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import Fastify from 'fastify';
import pg from 'pg';
import { ouvrirBase, type Base } from '../../src/db/client.ts';
import { construireServeur } from '../../src/http/server.ts';
import { perimeDepuisEnv, reglerPerime } from '../../src/app/memo.ts';
import { seedDemo } from '../../src/seed/demo.ts';

if (process.argv.includes('--nu')) {
  const app = Fastify();
  app.get('/api/nu', async () => ({ ok: true, base: 'aucune' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  console.log(`PRET ${typeof a === 'object' && a ? a.port : 0}`);
} else {
  // On PostgreSQL, a fresh database for the run, dropped when the process ends.
  let url = process.env.DATABASE_URL;
  if (url) {
    const nom = `flux_bench_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database "${nom}"`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${nom}`;
    const racine = url;
    url = u.href;
    const nettoyer = async () => {
      await base.fermer();
      const c = new pg.Client({ connectionString: racine });
      await c.connect();
      await c.query(`drop database if exists "${nom}" with (force)`);
      await c.end();
      process.exit(0);
    };
    process.on('SIGTERM', () => void finir().then(nettoyer));
  } else process.on('SIGTERM', () => void finir().then(() => process.exit(0)));
  // bench/api/profil.ts: V8's profile from SIGUSR2 (after the seeding) to SIGTERM, written to FLUX_BENCH_PROFIL.
  const profil = process.env.FLUX_BENCH_PROFIL ? new Session() : null;
  profil?.connect();
  process.on('SIGUSR2', () => {
    void profil?.post('Profiler.enable').then(() => profil.post('Profiler.start'));
  });
  async function finir(): Promise<void> {
    if (!profil) return;
    const { profile } = await profil.post('Profiler.stop');
    writeFileSync(process.env.FLUX_BENCH_PROFIL!, JSON.stringify(profile));
  }
  const base: Base = await ouvrirBase({ url, dossier: 'memory://' });
  await base.migrer();
  await seedDemo(base.db, { echelle: Number(process.env.FLUX_BENCH_ECHELLE ?? 1) });
  reglerPerime(perimeDepuisEnv());
  const app = await construireServeur({ base, limiteConnexion: 1000, journal: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  console.log(`PRET ${typeof a === 'object' && a ? a.port : 0}`);
}
