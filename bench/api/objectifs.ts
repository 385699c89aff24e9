/**
 * GET /api/objectifs as the demo's State pilot — every bailleur of the département (issue 13 item 6:
 * ≤ 300 ms). The real server in a child process (bench/api/serveur.ts), over HTTP:
 *
 * - cold: the first read after a write in the pilot's département (the cached answer is dropped:
 *   ADR 0023), each write a real declaration by the demo bailleur; median over the runs;
 * - warm: the read right after, from the cache;
 * - under writes: reads one after the other while the bailleur declares lettings without pause.
 *
 *   node bin/run-ts.js bench/api/objectifs.ts             # whole demo Loiret, PGlite in memory
 *   DATABASE_URL=postgres://… node bin/run-ts.js bench/api/objectifs.ts
 *   node bin/run-ts.js bench/api/objectifs.ts --smoke     # 10 % of the demo, few runs (CI)
 *
 * Exits 1 when the cold median is above 300 ms, or on any failed request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { agent, type Agent } from './mixte.ts';

const smoke = process.argv.includes('--smoke');
const tours = smoke ? 5 : Number(process.env.TOURS ?? 20);
const dureeEcritures = smoke ? 2_000 : 10_000;
const CIBLE_MS = 300;
const racine = resolve(import.meta.dirname, '../..');

function demarrer(env: NodeJS.ProcessEnv): Promise<{ port: number; proc: ChildProcess }> {
  return new Promise((ok, ko) => {
    const proc = spawn(process.execPath, [`${racine}/bin/run-ts.js`, `${racine}/bench/api/serveur.ts`], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let tampon = '';
    proc.stdout!.on('data', (d: Buffer) => {
      tampon += d.toString();
      const m = /PRET (\d+)/.exec(tampon);
      if (m) ok({ port: Number(m[1]), proc });
    });
    proc.on('exit', (code) => ko(new Error(`serveur arrêté (code ${code})`)));
  });
}

async function connecter(port: number, email: string): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, motDePasse: 'flux-demo-2026' }),
  });
  if (!r.ok) throw new Error(`connexion ${email} : ${r.status}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const jourParis = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());

/** One declaration by the agent (a write in the pilot's département); throws on refusal. */
async function declarer(port: number, a: Agent): Promise<void> {
  const logementId = a.libres.pop();
  if (!logementId) throw new Error(`plus de logement libre pour ${a.email}`);
  const r = await fetch(`http://127.0.0.1:${port}/api/locations`, {
    method: 'POST',
    headers: { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ logementId, date: jourParis() }),
  });
  const corps = await r.text();
  if (r.status !== 201) throw new Error(`déclaration refusée : ${r.status} ${corps.slice(0, 200)}`);
}

/** One timed GET of the objectives; returns ms and the leases counted. */
async function lire(port: number, cookie: string): Promise<{ ms: number; baux: number }> {
  const t0 = performance.now();
  const r = await fetch(`http://127.0.0.1:${port}/api/objectifs`, { headers: { cookie } });
  const corps = await r.text();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`GET /api/objectifs : ${r.status} ${corps.slice(0, 200)}`);
  return { ms, baux: (JSON.parse(corps) as { baux: number }).baux };
}

const quantile = (xs: number[], q: number): number => {
  const t = [...xs].sort((a, b) => a - b);
  return t[Math.min(t.length - 1, Math.floor(q * t.length))]!;
};
const ligne = (nom: string, xs: number[]) =>
  `${nom.padEnd(34)} médiane ${quantile(xs, 0.5).toFixed(0).padStart(4)} ms   p95 ${quantile(xs, 0.95).toFixed(0).padStart(4)} ms   max ${Math.max(
    ...xs,
  )
    .toFixed(0)
    .padStart(4)} ms   (${xs.length} lectures)`;

const echelle = smoke ? '0.1' : (process.env.FLUX_BENCH_ECHELLE ?? '1');
const serveur = await demarrer({ ...process.env, FLUX_BENCH_ECHELLE: echelle });
try {
  const etat = await connecter(serveur.port, 'etat@demo.flux');
  const bailleur = await agent(serveur.port, 'bailleur@demo.flux', tours + 400);
  // The process's first computation (modules, prepared plans) is not what an officer meets each day.
  const premiere = await lire(serveur.port, etat);

  const froides: number[] = [];
  const chaudes: number[] = [];
  for (let i = 0; i < tours; i++) {
    await declarer(serveur.port, bailleur);
    froides.push((await lire(serveur.port, etat)).ms);
    chaudes.push((await lire(serveur.port, etat)).ms);
  }

  // Reads under writes: the bailleur declares without pause while the pilot reads.
  const sousEcritures: number[] = [];
  let ecrites = 0;
  let fin = false;
  const ecrivain = (async () => {
    while (!fin && bailleur.libres.length) {
      await declarer(serveur.port, bailleur);
      ecrites++;
    }
  })();
  const debut = performance.now();
  while (performance.now() - debut < dureeEcritures) sousEcritures.push((await lire(serveur.port, etat)).ms);
  fin = true;
  await ecrivain;

  console.log(
    `GET /api/objectifs, pilote de l’État (tous les bailleurs du 45) : ${premiere.baux} baux ; base ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}, échelle ${echelle}`,
  );
  console.log(`${'première lecture du processus'.padEnd(34)} ${premiere.ms.toFixed(0).padStart(4)} ms`);
  console.log(ligne('à froid (après une écriture)', froides));
  console.log(ligne('à chaud (en cache)', chaudes));
  console.log(`${ligne('pendant des écritures', sousEcritures)}   ${ecrites} déclarations`);
  const median = quantile(froides, 0.5);
  console.log(`cible : médiane à froid ≤ ${CIBLE_MS} ms — ${median <= CIBLE_MS ? 'tenue' : 'MANQUÉE'}`);
  if (median > CIBLE_MS) process.exitCode = 1;
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  serveur.proc.kill('SIGTERM');
}
