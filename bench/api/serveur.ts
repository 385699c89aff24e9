/**
 * Child process of bench/api/run.ts: the real server on a seeded database (PGlite in memory, or
 * PostgreSQL with DATABASE_URL in a fresh database), or a bare Fastify route (`--nu`), listening
 * on a free port; prints "PRET <port>" when ready.
 */
import Fastify from 'fastify';
import { ouvrirBase } from '../../src/db/client.ts';
import { construireServeur } from '../../src/http/server.ts';
import { seedDemo } from '../../src/seed/demo.ts';

if (process.argv.includes('--nu')) {
  const app = Fastify();
  app.get('/api/nu', async () => ({ ok: true, base: 'aucune' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  console.log(`PRET ${typeof a === 'object' && a ? a.port : 0}`);
} else {
  const base = await ouvrirBase({ url: process.env.DATABASE_URL, dossier: 'memory://' });
  await base.migrer();
  await seedDemo(base.db, { echelle: Number(process.env.FLUX_BENCH_ECHELLE ?? 1) });
  const app = await construireServeur({ base, limiteConnexion: 1000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  console.log(`PRET ${typeof a === 'object' && a ? a.port : 0}`);
}
