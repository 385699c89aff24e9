/**
 * `flux simulate --json` end to end on one large bailleur, beside the time `node` takes to only
 * read and JSON.parse the same file (issue 15, item 8: target CLI ≤ 3 × parse + 1 s).
 *
 *   node bin/run-ts.js bench/engine/cli.ts [FILE] [--runs 3] [--smoke]
 *
 * FILE defaults to bench/out/grand-bailleur.json (400,000 units, 100,000 liberations, 12
 * conventions; written by bench/engine/generate-grand.ts, which this runs first when the file is
 * missing). `--smoke` (CI) uses a 20,000-unit file and one run, and checks only that the output is
 * the JSON of the whole year. Each measure is a child process (wall time, and its CPU time read by
 * the preloaded temps-cpu.mjs), the best of `--runs` runs: the machine is shared and noisy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const racine = resolve(import.meta.dirname, '../..');
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string' }, smoke: { type: 'boolean', default: false } },
});
const smoke = args.smoke;
const runs = Number(args.runs ?? (smoke ? 1 : 3));
const fichier = resolve(
  positionals[0] ?? join(racine, 'bench', 'out', smoke ? 'grand-bailleur-smoke.json' : 'grand-bailleur.json'),
);

if (!existsSync(fichier)) {
  console.error(`${fichier} absent : génération…`);
  execFileSync(
    process.execPath,
    [
      join(racine, 'bin/run-ts.js'),
      join(racine, 'bench/engine/generate-grand.ts'),
      '--out',
      fichier,
      ...(smoke ? ['--logements', '20000', '--liberations', '5000'] : []),
    ],
    { stdio: 'inherit' },
  );
}

const preload = `file://${join(racine, 'bench/engine/temps-cpu.mjs')}`;
const sortie = join(tmpdir(), `flux-bench-cli-${process.pid}.json`);

interface Mesure {
  mur: number;
  cpu: number;
}

/** One child `node --import temps-cpu.mjs ARGS…`, stdout to a file; its wall and CPU time in ms. */
function mesurer(argv: string[]): Mesure {
  const fd = openSync(sortie, 'w');
  const debut = performance.now();
  const p = spawnSync(process.execPath, ['--import', preload, ...argv], {
    stdio: ['ignore', fd, 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const mur = performance.now() - debut;
  closeSync(fd);
  if (p.status !== 0) {
    console.error(p.stderr);
    throw new Error(`${argv.join(' ')} : statut ${p.status}`);
  }
  const cpu = Number(/temps-cpu-ms (\d+)/.exec(p.stderr)?.[1] ?? NaN);
  return { mur, cpu };
}

function meilleur(argv: string[]): Mesure {
  let m: Mesure = { mur: Infinity, cpu: Infinity };
  for (let i = 0; i < runs; i++) {
    const r = mesurer(argv);
    m = { mur: Math.min(m.mur, r.mur), cpu: Math.min(m.cpu, r.cpu) };
  }
  return m;
}

const flux = join(racine, 'bin/flux.js');
const parse = meilleur(['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(fichier)}, 'utf8'))`]);
const cli = meilleur([flux, 'simulate', fichier, '--json']);
const octets = statSync(sortie).size;
if (smoke) {
  // The output is the whole year: one orientation per liberation, with its explanation.
  const r = JSON.parse(readFileSync(sortie, 'utf8')) as {
    flux: { disponibles: number };
    orientations: { explication?: unknown }[];
  };
  if (r.orientations.length !== r.flux.disponibles || r.orientations.some((o) => o.explication === undefined)) {
    console.error('sortie incohérente : une orientation par libération, chacune expliquée, attendues');
    process.exit(1);
  }
}
const sans = meilleur([flux, 'simulate', fichier, '--json', '--sans-explications']);
const octetsSans = statSync(sortie).size;
rmSync(sortie, { force: true });

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const cible = (m: number): string => s(3 * m + 1000);
const mio = (n: number): string => `${(n / 2 ** 20).toFixed(1)} Mio`;
console.log(`fichier               ${fichier} (${mio(statSync(fichier).size)}), meilleur de ${runs} exécution(s)`);
console.log(`                      mur        CPU`);
console.log(`node JSON.parse       ${s(parse.mur).padEnd(10)} ${s(parse.cpu)}`);
console.log(
  `flux simulate --json  ${s(cli.mur).padEnd(10)} ${s(cli.cpu)}   sortie ${mio(octets)} ; cible ≤ 3 × parse + 1 s = ${cible(parse.mur)} (mur), ${cible(parse.cpu)} (CPU) : ${cli.mur <= 3 * parse.mur + 1000 ? 'tenue' : 'MANQUÉE'} au mur`,
);
console.log(
  `  --sans-explications ${s(sans.mur).padEnd(10)} ${s(sans.cpu)}   sortie ${mio(octetsSans)} : ${sans.mur <= 3 * parse.mur + 1000 ? 'tenue' : 'MANQUÉE'} au mur`,
);
console.log(`node ${process.version}, ${new Date().toISOString().slice(0, 10)}, charge ${loadavg()}`);

function loadavg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'inconnue';
  }
}
