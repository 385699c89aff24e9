/**
 * Benchmark of the flow engine at national scale, beside the time of only parsing the same file.
 *
 *   node bin/run-ts.js bench/engine/run.ts [FILE] [--smoke]
 *
 * FILE defaults to bench/out/national.jsonl (written by bench/engine/generate.ts, which this
 * runs first when the file is missing). `--smoke` uses a 1 % file and checks only that everything
 * runs (the CI's smoke run); the targets are checked on the full file by hand.
 *
 * Measured per line (one scenario = one bailleur × one département), summed over the file:
 *   parse   JSON.parse of the line (the floor any engine must pay to read its input)
 *   contrat the zod contract (shape, types, unknown fields)
 *   moteur  simuler(): meaning checks + the year's events + ledger, objectives, deviations
 * Targets (issue 2): moteur ≤ 5 s for the national year on one core, and ≤ 3 × parse.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { scenarioSchema } from '../../src/contracts/scenario.ts';
import { simuler } from '../../src/domain/engine.ts';

const racine = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const fichier = resolve(
  args.find((a) => !a.startsWith('--')) ?? `${racine}/bench/out/${smoke ? 'national-smoke' : 'national'}.jsonl`,
);

if (!existsSync(fichier)) {
  console.error(`${fichier} absent : génération…`);
  execFileSync(
    process.execPath,
    [
      `${racine}/bin/run-ts.js`,
      `${racine}/bench/engine/generate.ts`,
      '--out',
      fichier,
      ...(smoke ? ['--scale', '0.01'] : []),
    ],
    {
      stdio: 'inherit',
    },
  );
}

let parse = 0;
let contrat = 0;
let moteur = 0;
let scenarios = 0;
let logements = 0;
let evenements = 0;
let conventions = 0;
let flux = 0;
let octets = 0;

const lignes = createInterface({
  input: createReadStream(fichier, { encoding: 'utf8', highWaterMark: 1 << 22 }),
  crlfDelay: Infinity,
});
for await (const ligne of lignes) {
  if (!ligne) continue;
  octets += Buffer.byteLength(ligne) + 1;
  let t = performance.now();
  const brut: unknown = JSON.parse(ligne);
  parse += performance.now() - t;
  t = performance.now();
  const scenario = scenarioSchema.parse(brut);
  contrat += performance.now() - t;
  t = performance.now();
  const r = simuler(scenario);
  moteur += performance.now() - t;
  scenarios += 1;
  logements += scenario.logements.length;
  evenements += scenario.evenements.length;
  conventions += scenario.conventions.length;
  flux += r.flux.fluxAnnuel;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`fichier      ${fichier} (${(octets / 2 ** 20).toFixed(1)} Mio)`);
console.log(
  `volume       ${scenarios} scénarios, ${logements} logements, ${conventions} conventions, ${evenements} événements, flux annuel ${flux}`,
);
console.log(`parse        ${s(parse)}   (JSON.parse seul)`);
console.log(`contrat zod  ${s(contrat)}`);
console.log(
  `moteur       ${s(moteur)}   = ${(moteur / parse).toFixed(2)} × parse   (cibles : ≤ 5 s et ≤ 3 × parse à l’échelle nationale)`,
);
console.log(`node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
if (scenarios === 0) {
  console.error('aucun scénario lu');
  process.exit(1);
}
