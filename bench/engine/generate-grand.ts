/**
 * Writes `bench/out/grand-bailleur.json`: ONE scenario file of a very large synthetic bailleur —
 * 400,000 units in one département (the Nord's real RPLS 2019 stock, each count scaled up to
 * reach the size), 100,000 liberations in the year and 12 conventions (State, Action Logement,
 * département, the 4 largest EPCI, the 5 largest communes). It is the case
 * `flux simulate` must handle in ≤ 3 × the time `node` takes to JSON.parse the file + 1 s
 * (issue 15, item 8; bench/engine/cli.ts measures it).
 *
 *   node bin/run-ts.js bench/engine/generate-grand.ts [--logements 400000] [--liberations 100000]
 *     [--departement 59] [--out FILE] [--seed N]
 *
 * Same arguments → byte-identical file. The unit characteristics, events and conventions' terms
 * follow the shared synthetic rules of `examples/lib/synthetic.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Calendrier,
  REPO_ROOT,
  Rng,
  bilanVide,
  compter,
  dataPath,
  evenementsDeLiberation,
  financementOf,
  hashSeed,
  loadCog,
  qpvCodeOf,
  readRplsRows,
  trierEvenements,
  typologieOf,
} from '../../examples/lib/synthetic.ts';
import type {
  Convention,
  Eligible,
  EvenementDate,
  Logement,
  RplsRow,
  Reservataire,
  Scenario,
} from '../../examples/lib/synthetic.ts';

const ANNEE = 2019;

const { values: args } = parseArgs({
  options: {
    logements: { type: 'string', default: '400000' },
    liberations: { type: 'string', default: '100000' },
    departement: { type: 'string', default: '59' },
    out: { type: 'string', default: resolve(REPO_ROOT, 'bench', 'out', 'grand-bailleur.json') },
    seed: { type: 'string', default: String(hashSeed('flux-grand-bailleur-2019')) },
  },
});
const cible = Number(args.logements);
const liberations = Number(args.liberations);
const dep = args.departement;
if (!(Number.isInteger(cible) && cible > 0) || !(Number.isInteger(liberations) && liberations >= 0)) {
  console.error('--logements et --liberations : des entiers positifs');
  process.exit(2);
}
if (liberations > cible) {
  console.error('--liberations : au plus --logements (une libération par logement au plus)');
  process.exit(2);
}

const debut = performance.now();
const rng = new Rng(Number(args.seed));
const cal = new Calendrier(ANNEE);
const cog = loadCog();

const lignes: RplsRow[] = [];
for await (const r of readRplsRows(dataPath('rpls2019/rpls_par_date_2019_france.csv.gz'))) {
  if (r.depcom.startsWith(dep) && r.depcom.length === 5) lignes.push(r);
}
const stock = lignes.reduce((s, r) => s + r.n, 0);
if (stock === 0) {
  console.error(`département ${dep} : aucun logement dans le fichier RPLS 2019`);
  process.exit(2);
}

// Each count scaled by cible/stock, the remainders spread systematically: exactly `cible` units.
const logements: Logement[] = [];
let cumul = 0;
const depart = rng.next();
for (const r of lignes) {
  const avant = Math.floor((cumul * cible) / stock + depart);
  cumul += r.n;
  const n = Math.floor((cumul * cible) / stock + depart) - avant;
  for (let k = 0; k < n; k++) {
    const l: Logement = {
      id: `L${logements.length.toString(36)}`,
      commune: r.depcom,
      qpv: r.qpv ? qpvCodeOf(r.depcom) : null,
      typologie: typologieOf(r.nbpiece, rng),
      financement: financementOf(r.construct, rng),
      construction: r.construct,
      horsFlux: null,
    };
    const epci = cog.commune(r.depcom)?.epci;
    if (epci) l.epci = epci;
    logements.push(l);
  }
}

/** Keys of a count map, largest count first (ties: smallest key). */
function parTaille(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}
const parEpci = new Map<string, number>();
const parCommune = new Map<string, number>();
for (const l of logements) {
  if (l.epci) parEpci.set(l.epci, (parEpci.get(l.epci) ?? 0) + 1);
  parCommune.set(l.commune, (parCommune.get(l.commune) ?? 0) + 1);
}

const de = cog.departementDe(dep);
const base = { delaiPropositionJours: 30, candidatsDemandes: 3, report: 0 } as const;
const reservataires: Reservataire[] = [
  { id: 'ETAT', type: 'etat', nom: `Préfet ${de}` },
  { id: 'AL', type: 'action_logement', nom: 'Action Logement Services' },
  { id: 'DEP', type: 'departement', nom: `Département ${de}` },
];
const conventions: Convention[] = [
  {
    id: 'CV1',
    reservataire: 'ETAT',
    taux: 0.25,
    tauxAgents: 0.05,
    perimetre: { departement: dep },
    decompte: 'bail_signe',
    echecDecompte: false,
    gestion: 'directe',
    ...base,
  },
  {
    id: 'CV2',
    reservataire: 'AL',
    taux: 0.2,
    perimetre: { departement: dep },
    decompte: 'attribution',
    echecDecompte: true,
    gestion: 'deleguee',
    ...base,
  },
  {
    id: 'CV3',
    reservataire: 'DEP',
    taux: 0.03,
    perimetre: { departement: dep },
    decompte: 'attribution',
    echecDecompte: false,
    gestion: 'directe',
    ...base,
  },
];
parTaille(parEpci)
  .slice(0, 4)
  .forEach((epci, i) => {
    const id = `EPCI${i + 1}`;
    const commune = logements.find((l) => l.epci === epci)!.commune;
    reservataires.push({ id, type: 'epci', nom: cog.commune(commune)?.nomEpci ?? `EPCI ${epci}` });
    conventions.push({
      id: `CV${conventions.length + 1}`,
      reservataire: id,
      taux: 0.05,
      perimetre: { epci },
      decompte: 'mise_a_disposition',
      echecDecompte: true,
      gestion: 'directe',
      ...base,
    });
  });
parTaille(parCommune)
  .slice(0, 12 - conventions.length)
  .forEach((commune) => {
    const id = `C${commune}`;
    reservataires.push({ id, type: 'commune', nom: cog.commune(commune)?.nom ?? commune, commune });
    conventions.push({
      id: `CV${conventions.length + 1}`,
      reservataire: id,
      taux: 0.03,
      perimetre: { communes: [commune] },
      decompte: 'attribution',
      echecDecompte: false,
      gestion: 'directe',
      ...base,
    });
  });

function eligiblesDe(l: Logement): Eligible[] {
  return reservataires
    .filter((r) => {
      const p = conventions.find((c) => c.reservataire === r.id)!.perimetre;
      if ('epci' in p) return l.epci === p.epci;
      if ('communes' in p) return p.communes.includes(l.commune);
      return true;
    })
    .map((r) => ({ id: r.id, type: r.type }));
}

const dated: EvenementDate[] = [];
for (const index of rng.sample(logements.length, liberations)) {
  const l = logements[index]!;
  dated.push(...evenementsDeLiberation(rng, cal, l, cal.jourOuvreAuHasard(rng), eligiblesDe(l)));
}
const evenements = trierEvenements(dated);
const scenario: Scenario = {
  annee: ANNEE,
  departement: dep,
  bailleur: { id: `B${dep}-GRAND`, nom: `Grand bailleur synthétique ${de}` },
  logements,
  reservataires,
  conventions,
  evenements,
};
const texte = JSON.stringify(scenario);
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, texte);
const bilan = bilanVide();
compter(bilan, evenements, new Set());
console.error(
  `grand bailleur ${de} : ${logements.length} logements (stock RPLS 2019 réel ${stock}), ${conventions.length} conventions, ` +
    `${bilan.liberations} libérations, ${bilan.evenements} événements, ${(Buffer.byteLength(texte) / 2 ** 20).toFixed(1)} Mio ` +
    `en ${((performance.now() - debut) / 1000).toFixed(1)} s → ${args.out}`,
);
