/**
 * Memory of a refused RPLS upload (issue 15 item 1): a file of invalid rows only (two problems
 * each), uploaded raw to the real server (bench/api/serveur.ts in a child process, small demo),
 * while the child's resident memory (VmRSS, /proc) is sampled every 20 ms. Prints the RSS before
 * the upload, its peak during it, the answer's size and the time; the target is a peak ≤ 300 MB
 * for 50 MB of bad rows, flat with the upload's size (compare --mo 10 and --mo 50).
 *
 *   node bin/run-ts.js bench/import/televersement.ts            # 50 MB, PGlite in memory
 *   node bin/run-ts.js bench/import/televersement.ts --mo 10
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bin/run-ts.js bench/import/televersement.ts
 *   node bin/run-ts.js bench/import/televersement.ts --smoke    # 2 MB (CI)
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { MOT_DE_PASSE_DEMO } from '../../src/seed/demo.ts';

const racine = resolve(import.meta.dirname, '../..');
const arg = (nom: string): string | undefined => {
  const i = process.argv.indexOf(nom);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const mo = process.argv.includes('--smoke') ? 2 : Number(arg('--mo') ?? 50);

const COLONNES = [
  'RPLS_ID',
  'DEPCOM',
  'LIBCOM',
  'NOMVOIE',
  'QPV',
  'TYPECONST',
  'NBPIECE',
  'SURFHAB',
  'CONSTRUCT',
  'FINAN',
];

/** Writes `octets` bytes of invalid rows (unknown FINAN, unreadable surface). */
async function fichierInvalide(chemin: string, octets: number): Promise<number> {
  const sortie = createWriteStream(chemin);
  let ecrits = 0;
  let lignes = 0;
  const ecrire = async (t: string) => {
    ecrits += Buffer.byteLength(t);
    if (!sortie.write(t)) await once(sortie, 'drain');
  };
  await ecrire(`${COLONNES.join(';')}\n`);
  while (ecrits < octets) {
    let bloc = '';
    for (let k = 0; k < 1000; k++, lignes++) bloc += `R-${lignes};45234;ORLEANS;RUE DES CARMES;2;C;3;grande;1975;77\n`;
    await ecrire(bloc);
  }
  sortie.end();
  await once(sortie, 'finish');
  return lignes;
}

function rss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const chemin = join(tmpdir(), `flux-bench-televersement-${process.pid}.csv`);
console.log(`Génération de ${mo} Mo de lignes invalides…`);
const lignes = await fichierInvalide(chemin, mo * 1024 * 1024);
const taille = statSync(chemin).size;

const enfant = spawn(process.execPath, [`${racine}/bin/run-ts.js`, `${racine}/bench/api/serveur.ts`], {
  env: { ...process.env, FLUX_BENCH_ECHELLE: process.env.FLUX_BENCH_ECHELLE ?? '0.02' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  const port = await new Promise<number>((ok, ko) => {
    let tampon = '';
    enfant.stdout.on('data', (d: Buffer) => {
      tampon += d.toString();
      const m = /PRET (\d+)/.exec(tampon);
      if (m) ok(Number(m[1]));
    });
    enfant.on('exit', (c) => ko(new Error(`serveur arrêté (${c})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const connexion = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bailleur@demo.flux', motDePasse: MOT_DE_PASSE_DEMO }),
  });
  if (!connexion.ok) throw new Error(`connexion : ${connexion.status} ${await connexion.text()}`);
  const cookie = connexion.headers.get('set-cookie')!.split(';')[0]!;
  const { csrf } = (await connexion.json()) as { csrf: string };

  global.gc?.();
  await new Promise((r) => setTimeout(r, 500));
  const avant = rss(enfant.pid!);
  let pic = avant;
  const sonde = setInterval(() => (pic = Math.max(pic, rss(enfant.pid!))), 20);
  const debut = performance.now();
  const reponse = await new Promise<{ statut: number; corps: string }>((ok, ko) => {
    const req = request(
      `${base}/api/patrimoine/import-rpls?nom=invalide.csv`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv', 'content-length': taille, cookie, 'x-csrf-token': csrf },
      },
      (res) => {
        let corps = '';
        res.on('data', (d: Buffer) => (corps += d.toString()));
        res.on('end', () => ok({ statut: res.statusCode ?? 0, corps }));
      },
    );
    req.on('error', ko);
    createReadStream(chemin).pipe(req);
  });
  const duree = performance.now() - debut;
  clearInterval(sonde);
  pic = Math.max(pic, rss(enfant.pid!));
  const r = JSON.parse(reponse.corps) as { fichierErreurs?: { url: string; taille: number } };
  let telecharge = 0;
  if (r.fichierErreurs) {
    const d = await fetch(`${base}${r.fichierErreurs.url}`, { headers: { cookie } });
    for await (const m of d.body!) telecharge += (m as Uint8Array).length;
    pic = Math.max(pic, rss(enfant.pid!));
  }
  const mio = (x: number) => `${(x / 1024 / 1024).toFixed(0)} Mo`;
  console.log(
    [
      `base : ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite en mémoire'}`,
      `fichier : ${mio(taille)}, ${lignes.toLocaleString('fr-FR')} lignes invalides`,
      `réponse : ${reponse.statut}, ${reponse.corps.length.toLocaleString('fr-FR')} octets, ${(duree / 1000).toFixed(1)} s`,
      `fichier d’erreurs : ${mio(r.fichierErreurs?.taille ?? 0)} (téléchargé : ${mio(telecharge)})`,
      `RSS du serveur : ${mio(avant)} avant, pic ${mio(pic)} (+${mio(pic - avant)})`,
    ].join('\n'),
  );
  if (reponse.statut !== 422 || !r.fichierErreurs) process.exitCode = 1;
} finally {
  enfant.kill('SIGTERM');
  rmSync(chemin, { force: true });
}
