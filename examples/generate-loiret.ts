/**
 * Writes `examples/loiret-2019.json`: one year (2019) of the flow of one synthetic bailleur of
 * about 8,000 units in the Loiret (45), as a scenario file (docs/scenario-format.md).
 *
 * Real inputs: the Loiret's RPLS 2019 counts (commune × construction year × rooms × QPV), its
 * RPLS 2019 turnover rate, COG 2026 communes and EPCI. Synthetic: the financing, the QPV codes,
 * the horsFlux units, the new programme, and every event. See examples/README.md.
 *
 *   node bin/run-ts.js examples/generate-loiret.ts [--out FILE] [--seed N]
 *
 * Same seed → byte-identical file.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
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
  readMobiliteDepartements,
  readRplsRows,
  systematicSample,
  trierEvenements,
  typologieOf,
} from './lib/synthetic.ts';
import type {
  Convention,
  Eligible,
  EvenementDate,
  Financement,
  HorsFlux,
  Logement,
  Reservataire,
  RplsRow,
  Scenario,
  Typologie,
} from './lib/synthetic.ts';

const ANNEE = 2019;
const DEPARTEMENT = '45';
/** Units drawn from the existing stock (the new programme comes on top). */
const LOGEMENTS_EXISTANTS = 8000;
/** Share of units kept as identified stock outside the flow (defence, internal security, EPS). */
const PART_HORS_FLUX = 0.003;
const PARTS_HORS_FLUX: Readonly<Record<HorsFlux, number>> = { defense: 0.4, securite_interieure: 0.4, eps: 0.2 };

const ORLEANS_METROPOLE = '244500468';
/** The commune réservataire: Saint-Jean-de-Braye (Orléans Métropole). */
const COMMUNE_RESERVATAIRE = '45284';

/** The new programme delivered in the year: 40 units in Saint-Jean-de-Braye, first let in September. */
const PROGRAMME_NEUF = {
  commune: COMMUNE_RESERVATAIRE,
  livraison: '2019-09-02',
  typologies: { T1: 2, T2: 12, T3: 16, T4: 8, T5: 2 } satisfies Partial<Record<Typologie, number>>,
  // A 2010s-style programme mix (≈ 30 % PLAI, 50 % PLUS, 20 % PLS).
  financements: { PLAI: 12, PLUS: 20, PLS: 8 } satisfies Partial<Record<Financement, number>>,
};

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: resolve(REPO_ROOT, 'examples', 'loiret-2019.json') },
    seed: { type: 'string', default: String(hashSeed('flux-loiret-2019')) },
  },
});
const rng = new Rng(Number(args.seed));
const cal = new Calendrier(ANNEE);
const cog = loadCog();

// --- Units: a systematic proportional sample of the real Loiret stock -------------------------
const rows: RplsRow[] = [];
for await (const row of readRplsRows(dataPath('rpls2019/rpls_par_date_2019_45.csv.gz'))) {
  if (row.depcom.startsWith(DEPARTEMENT)) rows.push(row);
}
const stock = rows.reduce((s, r) => s + r.n, 0);
const kept = systematicSample(
  rows.map((r) => r.n),
  LOGEMENTS_EXISTANTS / stock,
  rng,
);

const logements: Logement[] = [];
let sansEpci = 0;
const idOf = (i: number): string => `L${String(i).padStart(6, '0')}`;
function addLogement(u: Omit<Logement, 'id' | 'epci'>): Logement {
  const epci = cog.commune(u.commune)?.epci;
  const logement: Logement = { id: idOf(logements.length + 1), ...u };
  if (epci) logement.epci = epci;
  else sansEpci++;
  logements.push(logement);
  return logement;
}
rows.forEach((row, i) => {
  for (let k = 0; k < (kept[i] ?? 0); k++) {
    addLogement({
      commune: row.depcom,
      qpv: row.qpv ? qpvCodeOf(row.depcom) : null,
      typologie: typologieOf(row.nbpiece, rng),
      financement: financementOf(row.construct, rng),
      construction: row.construct,
      horsFlux: rng.chance(PART_HORS_FLUX) ? rng.weighted(PARTS_HORS_FLUX) : null,
    });
  }
});
const existants = logements.length;
if (!logements.some((l) => l.commune === COMMUNE_RESERVATAIRE)) {
  throw new Error(`la commune réservataire ${COMMUNE_RESERVATAIRE} n'a aucun logement dans l'échantillon`);
}

// The new programme: typologies in a fixed order, financings shuffled over them.
const financementsNeufs = Object.entries(PROGRAMME_NEUF.financements).flatMap(([f, n]) =>
  Array.from({ length: n }, () => f as Financement),
);
const ordreFinancement = rng.sample(financementsNeufs.length, financementsNeufs.length);
const typologiesNeuves = Object.entries(PROGRAMME_NEUF.typologies).flatMap(([t, n]) =>
  Array.from({ length: n }, () => t as Typologie),
);
const neufs = typologiesNeuves.map((typologie, i) =>
  addLogement({
    commune: PROGRAMME_NEUF.commune,
    qpv: null,
    typologie,
    financement: financementsNeufs[ordreFinancement[i]!]!,
    construction: ANNEE,
    horsFlux: null,
  }),
);

// --- Réservataires and conventions ---------------------------------------------------------------
const nomCommune = cog.commune(COMMUNE_RESERVATAIRE)?.nom ?? COMMUNE_RESERVATAIRE;
const reservataires: Reservataire[] = [
  { id: 'ETAT', type: 'etat', nom: 'Préfet du Loiret' },
  { id: 'AL', type: 'action_logement', nom: 'Action Logement Services' },
  { id: 'ORLEANS_METROPOLE', type: 'epci', nom: cog.commune('45234')?.nomEpci ?? 'Orléans Métropole' },
  { id: 'DEP45', type: 'departement', nom: 'Département du Loiret' },
  { id: `C${COMMUNE_RESERVATAIRE}`, type: 'commune', nom: nomCommune, commune: COMMUNE_RESERVATAIRE },
];
const commun = { delaiPropositionJours: 30, candidatsDemandes: 3 } as const;
const conventions: Convention[] = [
  {
    id: 'CV1',
    reservataire: 'ETAT',
    taux: 0.25,
    tauxAgents: 0.05,
    perimetre: { departement: DEPARTEMENT },
    decompte: 'bail_signe',
    echecDecompte: false,
    ...commun,
    gestion: 'directe',
    report: 2.4,
    contraintes: { uniformiteCommunale: true, partHorsQpvMin: 0.3 },
  },
  {
    id: 'CV2',
    reservataire: 'AL',
    taux: 0.25,
    perimetre: { departement: DEPARTEMENT },
    decompte: 'attribution',
    echecDecompte: true,
    ...commun,
    gestion: 'deleguee',
    report: -1.2,
  },
  {
    id: 'CV3',
    reservataire: 'ORLEANS_METROPOLE',
    taux: 0.1,
    perimetre: { epci: ORLEANS_METROPOLE },
    decompte: 'mise_a_disposition',
    echecDecompte: true,
    ...commun,
    gestion: 'directe',
    report: 0,
  },
  {
    id: 'CV4',
    reservataire: 'DEP45',
    taux: 0.03,
    perimetre: { departement: DEPARTEMENT },
    decompte: 'attribution',
    echecDecompte: false,
    ...commun,
    gestion: 'directe',
    report: 0,
  },
  {
    id: 'CV5',
    reservataire: `C${COMMUNE_RESERVATAIRE}`,
    taux: 0.05,
    perimetre: { communes: [COMMUNE_RESERVATAIRE] },
    decompte: 'mise_a_disposition',
    echecDecompte: true,
    ...commun,
    gestion: 'directe',
    report: 0,
  },
];

function eligibles(l: Logement): Eligible[] {
  return reservataires
    .filter((r) => r.type !== 'epci' || l.epci === ORLEANS_METROPOLE)
    .filter((r) => r.type !== 'commune' || l.commune === r.commune)
    .map((r) => ({ id: r.id, type: r.type }));
}

// --- Events --------------------------------------------------------------------------------------
const mobilite = readMobiliteDepartements().get(DEPARTEMENT);
if (mobilite === undefined) throw new Error(`taux de mobilité RPLS 2019 introuvable pour le département ${DEPARTEMENT}`);
const relocations = Math.round(existants * mobilite);
const dated: EvenementDate[] = [];
for (const index of rng.sample(existants, relocations)) {
  const logement = logements[index]!;
  dated.push(...evenementsDeLiberation(rng, cal, logement, cal.jourOuvreAuHasard(rng), eligibles(logement)));
}
const jourLivraison = cal.jourOuvre(
  Math.round((Date.parse(PROGRAMME_NEUF.livraison) - Date.UTC(ANNEE, 0, 1)) / 86_400_000),
);
for (const logement of neufs) {
  dated.push(...evenementsDeLiberation(rng, cal, logement, jourLivraison, eligibles(logement), true));
}
const evenements = trierEvenements(dated);

const scenario: Scenario = {
  annee: ANNEE,
  departement: DEPARTEMENT,
  bailleur: { id: 'B45', nom: 'Bailleur exemple du Loiret' },
  logements,
  reservataires,
  conventions,
  evenements,
};

/** Pretty at the top, one array element per line: readable diffs, a compact file. */
function serialise(s: Scenario): string {
  const lines: string[] = ['{'];
  const entries = Object.entries(s);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(value)) {
      lines.push(`  ${JSON.stringify(key)}: [`);
      value.forEach((item, j) => lines.push(`    ${JSON.stringify(item)}${j < value.length - 1 ? ',' : ''}`));
      lines.push(`  ]${comma}`);
    } else lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const text = serialise(scenario);
writeFileSync(args.out, text);

const bilan = bilanVide();
compter(bilan, evenements, new Set(logements.filter((l) => l.horsFlux !== null).map((l) => l.id)));
const horsFlux = logements.filter((l) => l.horsFlux !== null).length;
console.error(
  `loiret-2019 : ${logements.length} logements (${existants} tirés de ${stock} RPLS + ${neufs.length} neufs, ` +
    `${horsFlux} hors flux), mobilité ${(mobilite * 100).toFixed(2)} % → ${relocations} relocations + ` +
    `${bilan.premieresMisesEnLocation} premières mises en location = ${bilan.liberations} libérations ` +
    `(${bilan.exclusions} exclues, ${bilan.horsFlux} hors flux), ${bilan.orientationsForcees} orientations forcées, ` +
    `${bilan.orientationsMultiples} multiples, ${bilan.bauxSignes} baux signés, ${bilan.evenements} événements, ` +
    `${conventions.length} conventions, ${Buffer.byteLength(text)} octets → ${args.out}` +
    (sansEpci > 0 ? ` ; ${sansEpci} logements dans des communes sans EPCI : champ epci omis` : ''),
);
