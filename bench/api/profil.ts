/**
 * Where the server's time goes under load: the real server (`serveur.ts`) in a child process,
 * profiled by V8 (node:inspector) from the moment it is ready — the seeding left out — while
 * autocannon sends one workload; then the functions with the most self time, and the share of a few
 * families (database driver, engine, zod, serialisation…).
 *
 *   node bin/run-ts.js bench/api/profil.ts accueil            # one read endpoint, bailleur
 *   node bin/run-ts.js bench/api/profil.ts mixte              # 3 bailleurs, reads : declarations 4:1
 *   node bin/run-ts.js bench/api/profil.ts ecritures          # declarations one after the other
 *   DATABASE_URL=postgres://… node bin/run-ts.js bench/api/profil.ts accueil --echelle 0.1 --duree 5
 *
 * The profile is written to bench/out/profil-<charge>.cpuprofile (opens in Chrome's DevTools).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { agent, charge, ecrituresSeules } from './mixte.ts';

const racine = resolve(import.meta.dirname, '../..');
const arg = (nom: string, defaut: string) => {
  const i = process.argv.indexOf(nom);
  return i > 0 ? process.argv[i + 1]! : defaut;
};
const nomCharge = process.argv[2] ?? 'accueil';
const duree = Number(arg('--duree', '10'));
const connexions = Number(arg('--connexions', nomCharge === 'mixte' ? '50' : '100'));
mkdirSync(`${racine}/bench/out`, { recursive: true });
const fichier = `${racine}/bench/out/profil-${nomCharge}.cpuprofile`;

const proc = spawn(process.execPath, [`${racine}/bin/run-ts.js`, `${racine}/bench/api/serveur.ts`], {
  env: { ...process.env, FLUX_BENCH_ECHELLE: arg('--echelle', '1'), FLUX_BENCH_PROFIL: fichier },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((ok, ko) => {
  let tampon = '';
  proc.stdout.on('data', (d: Buffer) => {
    tampon += d.toString();
    const m = /PRET (\d+)/.exec(tampon);
    if (m) ok(Number(m[1]));
  });
  proc.on('exit', (code) => ko(new Error(`serveur arrêté (code ${code})`)));
});
const fin = new Promise<void>((ok) => proc.on('exit', () => ok()));

const lectures: Record<string, [string, string]> = {
  accueil: ['/api/accueil', 'bailleur@demo.flux'],
  conventions: ['/api/conventions', 'etat@demo.flux'],
  logements: ['/api/logements?page=3', 'bailleur@demo.flux'],
  locations: ['/api/locations', 'reservataire@demo.flux'],
  boite: ['/api/boite', 'reservataire@demo.flux'],
};
try {
  if (lectures[nomCharge]) {
    const [chemin, email] = lectures[nomCharge];
    const a = await agent(port, email, 0);
    const url = `http://127.0.0.1:${port}${chemin}`;
    await fetch(url, { headers: { cookie: a.cookie } });
    proc.kill('SIGUSR2'); // start profiling
    const r = await autocannon({ url, connections: connexions, duration: duree, headers: { cookie: a.cookie } });
    console.log(`${chemin} : ${r.requests.average.toFixed(0)} req/s, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx`);
  } else {
    const besoin = nomCharge === 'mixte' ? 2_500 : 200;
    const agents = await Promise.all(
      ['bailleur@demo.flux', 'bailleur2@demo.flux', 'bailleur3@demo.flux'].map((e) => agent(port, e, besoin)),
    );
    proc.kill('SIGUSR2');
    if (nomCharge === 'mixte') {
      const m = await charge(port, agents, connexions, duree, true);
      console.log(
        `mixte : ${m.rps.toFixed(0)} req/s, p99 ${m.p99} ms, ${m.ecrites} déclarations, ${m.erreurs} erreurs`,
      );
    } else {
      const s = await ecrituresSeules(port, agents[0]!, 200);
      console.log(`déclarations une à une : p50 ${s.p50} ms, p99 ${s.p99} ms, ${s.refus.length} refusées`);
    }
  }
  // Server time by route (the Prometheus histogram: its sum and count since the start, warm-up included).
  const texte = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const parRoute = new Map<string, { somme: number; n: number }>();
  for (const m of texte.matchAll(/^flux_http_requete_duree_secondes_(sum|count)\{([^}]*)\} (\S+)$/gm)) {
    const cle = m[2]!.replace(/,?statut="[^"]*"/, '');
    const e = parRoute.get(cle) ?? { somme: 0, n: 0 };
    if (m[1] === 'sum') e.somme += Number(m[3]);
    else e.n += Number(m[3]);
    parRoute.set(cle, e);
  }
  console.log('\ntemps serveur par route (depuis le démarrage) :');
  for (const [cle, e] of [...parRoute].sort((a, b) => b[1].somme - a[1].somme).slice(0, 8))
    console.log(
      `${cle.padEnd(50)} ${String(e.n).padStart(6)} requêtes, moyenne ${((1000 * e.somme) / e.n).toFixed(1)} ms`,
    );
  for (const m of texte.matchAll(
    /^(flux_cache_total\{[^}]*\}|flux_moteur_rejeu_duree_secondes_(?:sum|count)) (\S+)$/gm,
  ))
    console.log(`${m[1]} ${m[2]}`);
} finally {
  proc.kill('SIGTERM');
  await fin;
}
resume(fichier);

/** The 30 functions with the most self time, then the share of a few families. */
function resume(chemin: string): void {
  interface Noeud {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }
  const p = JSON.parse(readFileSync(chemin, 'utf8')) as { nodes: Noeud[]; samples: number[]; timeDeltas: number[] };
  const parNoeud = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const temps = new Map<number, number>();
  let total = 0;
  p.samples.forEach((s, i) => {
    temps.set(s, (temps.get(s) ?? 0) + (p.timeDeltas[i] ?? 0));
    total += p.timeDeltas[i] ?? 0;
  });
  const nom = (n: Noeud) =>
    `${n.callFrame.functionName || '(anonyme)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(`file://${racine}/`, '')}:${n.callFrame.lineNumber + 1}`;
  const propre = new Map<string, number>();
  for (const [id, t] of temps) propre.set(nom(parNoeud.get(id)!), (propre.get(nom(parNoeud.get(id)!)) ?? 0) + t);
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
  console.log(`\nprofil : ${chemin} (${(total / 1000).toFixed(0)} ms échantillonnées)\ntemps propre :`);
  for (const [k, t] of [...propre].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(t)}  ${k}`);
  // Inclusive share of families: a sample counts once for each family on its stack.
  const familles: [string, RegExp][] = [
    ['pg (pilote PostgreSQL)', /\/(pg|pg-protocol|pg-pool)\//],
    ['pglite', /@electric-sql\/pglite/],
    ['drizzle', /drizzle-orm/],
    ['zod', /\/zod\//],
    ['moteur (src/domain)', /src\/domain\//],
    ['fastify', /\/fastify\/|@fastify\//],
    ['session (lireSession)', /^lireSession /],
    ['cache (memo.ts)', /src\/app\/memo\.ts/],
    ['ramasse-miettes', /^\(garbage collector\)/],
    ['inactif', /^\(idle\)/],
  ];
  console.log('\npart inclusive :');
  for (const [libelle, motif] of familles) {
    let t = 0;
    for (const [id, d] of temps) {
      for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
        const n = parNoeud.get(c)!;
        if (motif.test(n.callFrame.url) || motif.test(nom(n))) {
          t += d;
          break;
        }
      }
    }
    console.log(`${pct(t)}  ${libelle}`);
  }
}
