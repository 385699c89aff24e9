/**
 * Writes `bench/out/national.jsonl`: a national year of the flow, one scenario per line (one
 * synthetic bailleur × one département), built from the real RPLS 2019 counts of every commune
 * (5,089,834 units at scale 1). The shared synthetic rules (financing, QPV codes, events) are
 * those of `examples/lib/synthetic.ts`; each département has its real RPLS 2019 turnover rate.
 *
 *   node bin/run-ts.js bench/engine/generate.ts [--scale 0.01] [--out FILE] [--seed N]
 *
 * Streams the gzip file and writes one line per scenario: memory stays at one département.
 * Same arguments → byte-identical output.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Calendrier,
  REPO_ROOT,
  Rng,
  bilanVide,
  compter,
  dataPath,
  departementOf,
  evenementsDeLiberation,
  financementOf,
  hashSeed,
  loadCog,
  qpvCodeOf,
  readMobiliteDepartements,
  readRplsRows,
  systematicSample,
  trierEvenements,
  typologieOf,
} from '../../examples/lib/synthetic.ts';
import type {
  Convention,
  Eligible,
  EvenementDate,
  Logement,
  Reservataire,
  RplsRow,
  Scenario,
} from '../../examples/lib/synthetic.ts';

const ANNEE = 2019;
/** Average size of a synthetic bailleur's stock in one département. */
const LOGEMENTS_PAR_BAILLEUR = 2500;
/** Turnover used if a département has no RPLS 2019 rate (none is missing in the 2019 file). */
const MOBILITE_PAR_DEFAUT = 0.1;
const PART_CONVENTION_EPCI = 0.9;
const PART_CONVENTION_COMMUNE = 0.9;
const PART_SECONDE_COMMUNE = 0.2;

/** Collectivités that hold the département's role under another name. */
const COLLECTIVITES_DEPARTEMENTALES: Readonly<Record<string, string>> = {
  '75': 'Ville de Paris',
  '972': 'Collectivité territoriale de Martinique',
  '973': 'Collectivité territoriale de Guyane',
};

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    out: { type: 'string', default: resolve(REPO_ROOT, 'bench', 'out', 'national.jsonl') },
    seed: { type: 'string', default: String(hashSeed('flux-national-2019')) },
  },
});
const scale = Number(args.scale);
if (!(scale > 0 && scale <= 1)) {
  console.error(`--scale : attendu un nombre dans ]0, 1], reçu « ${args.scale} »`);
  process.exit(2);
}

const debut = performance.now();
const cal = new Calendrier(ANNEE);
const cog = loadCog();
const mobilites = readMobiliteDepartements();
mkdirSync(dirname(args.out), { recursive: true });
const fd = openSync(args.out, 'w');

const totaux = {
  departements: 0,
  scenarios: 0,
  logements: 0,
  conventions: 0,
  octets: 0,
  sansEpci: 0,
  bilan: bilanVide(),
};
let prochainId = 0;
const aucunHorsFlux = new Set<string>();

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** Keys of a count map, largest count first (ties: smallest key). */
function parTaille(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}

function conventionsDe(
  rng: Rng,
  dep: string,
  logements: readonly Logement[],
): { reservataires: Reservataire[]; conventions: Convention[] } {
  const de = cog.departementDe(dep);
  const reservataires: Reservataire[] = [
    { id: 'ETAT', type: 'etat', nom: `Préfet ${de}` },
    { id: 'AL', type: 'action_logement', nom: 'Action Logement Services' },
    { id: 'DEP', type: 'departement', nom: COLLECTIVITES_DEPARTEMENTALES[dep] ?? `Département ${de}` },
  ];
  const report = (): number => (rng.chance(0.3) ? round1(rng.next() * 6 - 3) : 0);
  const base = {
    delaiPropositionJours: 30,
    candidatsDemandes: 3,
  } as const;
  const conventions: Convention[] = [
    {
      id: 'CV1',
      reservataire: 'ETAT',
      taux: rng.int(25, 30) / 100,
      tauxAgents: 0.05,
      perimetre: { departement: dep },
      decompte: rng.weighted({ bail_signe: 2, attribution: 1, mise_a_disposition: 1 }),
      echecDecompte: rng.chance(0.4),
      ...base,
      gestion: 'directe',
      report: report(),
    },
    {
      id: 'CV2',
      reservataire: 'AL',
      taux: rng.int(20, 25) / 100,
      perimetre: { departement: dep },
      decompte: rng.weighted({ attribution: 2, bail_signe: 1, mise_a_disposition: 1 }),
      echecDecompte: rng.chance(0.6),
      ...base,
      gestion: rng.chance(0.5) ? 'deleguee' : 'directe',
      report: report(),
    },
    {
      id: 'CV3',
      reservataire: 'DEP',
      taux: 0.03,
      perimetre: { departement: dep },
      decompte: 'attribution',
      echecDecompte: false,
      ...base,
      gestion: 'directe',
      report: 0,
    },
  ];
  // Collectivities stay under the 20 % cap of rights granted for loan guarantees:
  // 3 % + at most 8 % + 2 × 4 %.
  const parEpci = new Map<string, number>();
  const parCommune = new Map<string, number>();
  for (const l of logements) {
    if (l.epci) parEpci.set(l.epci, (parEpci.get(l.epci) ?? 0) + 1);
    parCommune.set(l.commune, (parCommune.get(l.commune) ?? 0) + 1);
  }
  const epci = parTaille(parEpci)[0];
  if (epci !== undefined && rng.chance(PART_CONVENTION_EPCI)) {
    const nom = cog.commune(logements.find((l) => l.epci === epci)!.commune)?.nomEpci ?? `EPCI ${epci}`;
    reservataires.push({ id: 'EPCI', type: 'epci', nom });
    conventions.push({
      id: `CV${conventions.length + 1}`,
      reservataire: 'EPCI',
      taux: rng.int(5, 8) / 100,
      perimetre: { epci },
      decompte: 'mise_a_disposition',
      echecDecompte: true,
      ...base,
      gestion: 'directe',
      report: 0,
    });
  }
  const communes = parTaille(parCommune);
  const retenues = [communes[0], rng.chance(PART_SECONDE_COMMUNE) ? communes[1] : undefined];
  retenues.forEach((commune, i) => {
    if (commune === undefined || (i === 0 && !rng.chance(PART_CONVENTION_COMMUNE))) return;
    const id = `C${commune}`;
    reservataires.push({ id, type: 'commune', nom: cog.commune(commune)?.nom ?? commune, commune });
    conventions.push({
      id: `CV${conventions.length + 1}`,
      reservataire: id,
      taux: rng.int(2, 4) / 100,
      perimetre: { communes: [commune] },
      decompte: rng.weighted({ mise_a_disposition: 1, attribution: 1 }),
      echecDecompte: rng.chance(0.5),
      ...base,
      gestion: 'directe',
      report: 0,
    });
  });
  return { reservataires, conventions };
}

function eligiblesDe(
  l: Logement,
  reservataires: readonly Reservataire[],
  conventions: readonly Convention[],
): Eligible[] {
  return reservataires
    .filter((r) => {
      const p = conventions.find((c) => c.reservataire === r.id)?.perimetre;
      if (p === undefined) return false;
      if ('epci' in p) return l.epci === p.epci;
      if ('communes' in p) return p.communes.includes(l.commune);
      return true;
    })
    .map((r) => ({ id: r.id, type: r.type }));
}

function ecrire(line: string): void {
  const buffer = Buffer.from(line, 'utf8');
  writeSync(fd, buffer);
  totaux.octets += buffer.length;
}

function genererDepartement(dep: string, rows: readonly RplsRow[]): void {
  const rng = new Rng(hashSeed(`${args.seed}:${dep}`));
  const kept = systematicSample(
    rows.map((r) => r.n),
    scale,
    rng,
  );
  const total = kept.reduce((s, k) => s + k, 0);
  if (total === 0) return;
  const bailleurs = Math.max(1, Math.round(total / LOGEMENTS_PAR_BAILLEUR));
  const mobilite = mobilites.get(dep) ?? MOBILITE_PAR_DEFAUT;
  let row = 0;
  let resteDansLaLigne = kept[0] ?? 0;

  for (let b = 0; b < bailleurs; b++) {
    // Contiguous slices of the département's stock (ordered by commune, then construction).
    const taille = Math.floor(((b + 1) * total) / bailleurs) - Math.floor((b * total) / bailleurs);
    const logements: Logement[] = [];
    while (logements.length < taille) {
      while (resteDansLaLigne === 0) resteDansLaLigne = kept[++row] ?? 0;
      const r = rows[row]!;
      resteDansLaLigne--;
      const logement: Logement = {
        id: (prochainId++).toString(36),
        commune: r.depcom,
        qpv: r.qpv ? qpvCodeOf(r.depcom) : null,
        typologie: typologieOf(r.nbpiece, rng),
        financement: financementOf(r.construct, rng),
        construction: r.construct,
        horsFlux: null,
      };
      const epci = cog.commune(r.depcom)?.epci;
      if (epci) logement.epci = epci;
      else totaux.sansEpci++;
      logements.push(logement);
    }

    const { reservataires, conventions } = conventionsDe(rng, dep, logements);
    const dated: EvenementDate[] = [];
    for (const index of rng.sample(logements.length, Math.round(logements.length * mobilite))) {
      const l = logements[index]!;
      dated.push(
        ...evenementsDeLiberation(rng, cal, l, cal.jourOuvreAuHasard(rng), eligiblesDe(l, reservataires, conventions)),
      );
    }
    const evenements = trierEvenements(dated);
    const scenario: Scenario = {
      annee: ANNEE,
      departement: dep,
      bailleur: { id: `B${dep}-${b + 1}`, nom: `Bailleur synthétique ${b + 1} ${cog.departementDe(dep)}` },
      logements,
      reservataires,
      conventions,
      evenements,
    };
    ecrire(`${JSON.stringify(scenario)}\n`);
    compter(totaux.bilan, evenements, aucunHorsFlux);
    totaux.scenarios++;
    totaux.logements += logements.length;
    totaux.conventions += conventions.length;
  }
}

const vus = new Set<string>();
let courant: string | null = null;
let lignes: RplsRow[] = [];
function terminerDepartement(): void {
  if (courant === null) return;
  genererDepartement(courant, lignes);
  totaux.departements++;
  if (totaux.departements % 10 === 0) {
    const s = ((performance.now() - debut) / 1000).toFixed(1);
    console.error(
      `… ${totaux.departements} départements, ${totaux.logements} logements, ${totaux.bilan.liberations} libérations (${s} s)`,
    );
  }
}
for await (const row of readRplsRows(dataPath('rpls2019/rpls_par_date_2019_france.csv.gz'))) {
  const dep = departementOf(row.depcom);
  if (dep !== courant) {
    terminerDepartement();
    if (vus.has(dep)) throw new Error(`fichier RPLS non trié par commune : le département ${dep} revient`);
    vus.add(dep);
    courant = dep;
    lignes = [];
  }
  lignes.push(row);
}
terminerDepartement();
closeSync(fd);

const b = totaux.bilan;
const secondes = ((performance.now() - debut) / 1000).toFixed(1);
const memoire = (process.memoryUsage().rss / 2 ** 20).toFixed(0);
console.error(
  `national (échelle ${scale}) : ${totaux.departements} départements, ${totaux.scenarios} scénarios, ` +
    `${totaux.logements} logements, ${totaux.conventions} conventions, ${b.liberations} libérations ` +
    `(${b.exclusions} exclues, ${b.orientationsForcees} orientations forcées, ${b.orientationsMultiples} multiples), ` +
    `${b.bauxSignes} baux signés, ${b.evenements} événements, ${(totaux.octets / 2 ** 20).toFixed(1)} Mio ` +
    `en ${secondes} s (RSS ${memoire} Mio) → ${args.out}` +
    (totaux.sansEpci > 0
      ? ` ; ${totaux.sansEpci} logements dans des communes sans EPCI (îles mono-communales) : champ epci omis`
      : ''),
);
