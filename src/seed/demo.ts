/**
 * The demo département, seeded by `npm start` on an empty database: the Loiret (45), its real
 * social-housing stock (SDES, RPLS 2019: one unit per dwelling of the published counts) and its
 * communes and EPCI (COG 2026), shared among three FICTITIOUS bailleurs, the real réservataires of
 * the département as organisations, one account per role, the conventions, and the year's events
 * run through the engine.
 *
 * Real: each unit's commune (2019 codes mapped to the current COG), construction year, number of
 * rooms (→ typology T1…T5, T5 = « 5 et plus »), collective or individual, in a QPV or not, and DPE
 * energy class (SDES, RPLS 2019, via MaelTheuliere/rrrpls: src/seed/data/loiret-rpls-2019.csv);
 * the mean rent per m² of each EPCI (same source); each commune's turnover rate (SDES, RPLS 2024);
 * the communes, their EPCI, and the names and SIREN of Orléans Métropole and of the Ville d'Orléans.
 *
 * Synthetic (seeded, deterministic): the bailleurs and the split of the stock, programmes (the
 * units of one commune × year × collective/individual × QPV, by about 50), which QPV (the codes are
 * fictitious), financing (published shares by construction period, src/seed/synthetic.ts), surface,
 * the rent's spread and financing factor, conventionnement (from the financing), units outside the
 * flow, each bailleur's new programme of the year, the stock reservations before the reform (shares
 * in RESERVATIONS_STOCK below), the conventions' terms, every event, candidates (SNE numbers), CAL
 * decisions and leases.
 *
 * Same options → same rows (ids, events, states), on PGlite and on PostgreSQL alike; only the
 * password hashes (random salts) and timestamps differ.
 */
import { hash } from '@node-rs/argon2';
import { count, getTableColumns, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../db/client.ts';
import {
  adhesions,
  baux,
  candidatures,
  communes,
  conventions,
  conventionVersions,
  decisionsCal,
  delaisProposition,
  demandes,
  epcis,
  grillesCotation,
  evenementsFlux,
  examensCal,
  locations,
  logements,
  occupations,
  offresCal,
  organisations,
  programmes,
  seuilsPremierQuartile,
  sessionsCal,
  utilisateurs,
  zonagesCommunes,
} from '../db/schema.ts';
import { echeanceReponse, suiteApresEchec } from '../domain/cal.ts';
import { ajouterJours, jourParis } from '../domain/calendrier.ts';
import { reportsHerites } from '../app/annee.ts';
import { echeanceProposition } from '../app/echeances.ts';
import { motifOrientation, nomsDesLignes } from '../app/explication.ts';
import { emettreBilan, marquerEnvoye } from '../app/emission-bilan.ts';
import type { Acteur } from '../app/roles.ts';
import { simuler } from '../domain/engine.ts';
import type { EtatLocation } from '../domain/lifecycle.ts';
import {
  BAILLEUR,
  type Convention,
  type Evenement,
  type Financement,
  type HorsFlux,
  type Logement,
  type Relogement,
  type Reservataire,
  type Scenario,
  type TypeReservataire,
  type Typologie,
} from '../domain/types.ts';
import { validerScenario } from '../domain/validation.ts';
import { resoudreMenage } from '../domain/menage.ts';
import { quartileALaDecision } from '../domain/quartile.ts';
import { epciDeCommune } from '../import/cog.ts';
import { demandesDemo, grillesDemo } from './cotation-demo.ts';
import { occupationsDemo } from './occupation-demo.ts';
import { menageDemo, menageSaisiDemo, seuilDemo, sourceSeuilDemo } from './menages-demo.ts';
import { chargerQpvEmbarques } from '../reference/qpv.ts';
import { zonesAplDemo } from '../reference/zonage-demo.ts';
import {
  chargerCog,
  DEPARTEMENT_DEMO,
  lireLoyersLoiret,
  lireRpls2019Loiret,
  lireRplsLoiret,
  type CogDepartement,
} from './referentiel.ts';
import {
  Calendrier,
  Rng,
  arrondiSystematique,
  cycleDeLocation,
  evenementsDeLiberation,
  financementOf,
  hashSeed,
  jusquAu,
  trierEvenements,
  PART_HORS_FLUX,
  PART_PRIORITAIRE,
  PART_QUARTILE1,
  PARTS_HORS_FLUX,
  PARTS_TYPOLOGIE,
  type Eligible,
  type EvenementDate,
} from './synthetic.ts';

/** The one password of every demo account (printed by `npm start`; never use it elsewhere). */
export const MOT_DE_PASSE_DEMO = 'flux-demo-2026';

export { DEPARTEMENT_DEMO };

export interface OptionsDemo {
  /** Year of the events (default: the year of `aujourdhui`). */
  annee?: number;
  /** ISO date up to which events are generated (default: today, UTC). */
  aujourdhui?: string;
  /**
   * Share of the real stock to create (default 1: the whole Loiret, the 50,770 units of the RPLS
   * 2019), drawn over the RPLS rows by systematic rounding; the year's new programmes are added whole.
   */
  echelle?: number;
}

export interface ResumeDemo {
  organisations: number;
  utilisateurs: number;
  logements: number;
  programmes: number;
  conventions: number;
  locations: number;
  evenements: number;
  candidatures: number;
  decisionsCal: number;
  baux: number;
  /** Orientation decisions with their proposal deadline (open lettings oriented to réservataires). */
  delaisProposition: number;
  /** CAL sessions (the last weeks' and the next one) and offers made after their decisions. */
  sessionsCal: number;
  offresCal: number;
  /**
   * The previous year (N−1): its complete lettings (counted in the totals above too), and its
   * bilan issued (version 1, the year locked) by each bailleur, sent to some of its recipients.
   */
  anneePrecedente: {
    annee: number;
    locations: number;
    baux: number;
    bilansEmis: number;
    envois: number;
    emisLe: string;
  };
  /** RPLS 2019 commune codes merged since, mapped to their current COG code, and how many units they had. */
  communesRenumerotees: { codes: number; logements: number };
  annee: number;
  /** Last day of the generated events. */
  aujourdhui: string;
}

// ───────────────────────────── organisations ─────────────────────────────

/** Orléans Métropole's SIREN (COG, epci.json). */
export const SIREN_ORLEANS_METROPOLE = '244500468';
export const COMMUNE_ORLEANS = '45234';

/**
 * The three bailleurs are FICTITIOUS: invented names marked "Démo", and 9-digit identifiers that
 * fail the Luhn check every real SIREN passes, so they can never be a real company's.
 */
export const BAILLEURS_DEMO = [
  { id: 'HLD', nom: 'Habitat Loiret Démo', siren: '999450001' },
  { id: 'VLL', nom: 'Val de Loire Logis Démo', siren: '999450002' },
  { id: 'GBH', nom: 'Gâtinais Beauce Habitat Démo', siren: '999450003' },
] as const;
type IdBailleur = (typeof BAILLEURS_DEMO)[number]['id'];

export const ORG = {
  etat: 'ETAT-45',
  actionLogement: 'ACTION-LOGEMENT',
  metropole: 'ORLEANS-METROPOLE',
  orleans: 'VILLE-ORLEANS',
  departement: 'DEPARTEMENT-45',
  administration: 'ADMIN',
} as const;

type LigneOrganisation = typeof organisations.$inferInsert;

const ORGANISATIONS: readonly LigneOrganisation[] = [
  ...BAILLEURS_DEMO.map((b) => ({
    id: b.id,
    nom: b.nom,
    categorie: 'bailleur',
    siren: b.siren,
    departement: DEPARTEMENT_DEMO,
  })),
  // The réservataire of the State contingent in the département (préfet, through the DDETS).
  {
    id: ORG.etat,
    nom: 'Préfecture du Loiret — DDETS',
    categorie: 'etat',
    typeReservataire: 'etat',
    departement: DEPARTEMENT_DEMO,
  },
  {
    id: ORG.actionLogement,
    nom: 'Action Logement Services',
    categorie: 'reservataire',
    typeReservataire: 'action_logement',
  },
  // Both a réservataire (its convention covers its territory) and the EPCI that reads the flow.
  {
    id: ORG.metropole,
    nom: 'Orléans Métropole',
    categorie: 'epci',
    siren: SIREN_ORLEANS_METROPOLE,
    typeReservataire: 'epci',
    departement: DEPARTEMENT_DEMO,
    epci: SIREN_ORLEANS_METROPOLE,
  },
  {
    id: ORG.orleans,
    nom: 'Ville d’Orléans',
    categorie: 'reservataire',
    siren: '214502346',
    typeReservataire: 'commune',
    departement: DEPARTEMENT_DEMO,
    commune: COMMUNE_ORLEANS,
    epci: SIREN_ORLEANS_METROPOLE,
  },
  {
    id: ORG.departement,
    nom: 'Département du Loiret',
    categorie: 'reservataire',
    typeReservataire: 'departement',
    departement: DEPARTEMENT_DEMO,
  },
  { id: ORG.administration, nom: 'Administration de Flux (démo)', categorie: 'administration' },
];

// ───────────────────────────── accounts ─────────────────────────────

export type RoleDemo = 'agent_bailleur' | 'agent_reservataire' | 'pilote_etat' | 'lecteur_epci' | 'administrateur';

export interface CompteDemo {
  email: string;
  nom: string;
  role: RoleDemo;
  organisationId: string;
  organisation: string;
}

const nomOrganisation = (id: string): string => ORGANISATIONS.find((o) => o.id === id)?.nom ?? id;
const compte = (email: string, nom: string, role: RoleDemo, organisationId: string): CompteDemo => ({
  email,
  nom,
  role,
  organisationId,
  organisation: nomOrganisation(organisationId),
});

/** The demo accounts, all with the password `MOT_DE_PASSE_DEMO`. */
export const COMPTES_DEMO: readonly CompteDemo[] = [
  compte('bailleur@demo.flux', 'Agent bailleur (démo)', 'agent_bailleur', 'HLD'),
  compte('bailleur2@demo.flux', 'Agent bailleur 2 (démo)', 'agent_bailleur', 'VLL'),
  compte('bailleur3@demo.flux', 'Agent bailleur 3 (démo)', 'agent_bailleur', 'GBH'),
  compte('reservataire@demo.flux', 'Agent Action Logement (démo)', 'agent_reservataire', ORG.actionLogement),
  compte('commune@demo.flux', 'Agent de la Ville d’Orléans (démo)', 'agent_reservataire', ORG.orleans),
  compte('departement@demo.flux', 'Agent du Département (démo)', 'agent_reservataire', ORG.departement),
  compte('etat@demo.flux', 'Pilote DDETS du Loiret (démo)', 'pilote_etat', ORG.etat),
  compte('epci@demo.flux', 'Lecteur Orléans Métropole (démo)', 'lecteur_epci', ORG.metropole),
  compte('admin@demo.flux', 'Administrateur (démo)', 'administrateur', ORG.administration),
];

// ───────────────────────────── the split of the stock ─────────────────────────────

/**
 * Each bailleur's territory, by EPCI (SIREN): HLD the Orléans area and the west (≈ 55 %), VLL the
 * Montargis area, the Loire valley upstream and a share of Orléans (≈ 30 %), GBH the north and
 * the Gâtinais (≈ 15 %). Communes of another EPCI go to HLD.
 */
const TERRITOIRES: Readonly<Record<string, IdBailleur>> = {
  [SIREN_ORLEANS_METROPOLE]: 'HLD',
  '200070183': 'HLD', // CC des Terres du Val de Loire
  '200005932': 'HLD', // CC des Portes de Sologne
  '200035764': 'HLD', // CC de la Beauce Loirétaine
  '244500484': 'HLD', // CC de la Forêt
  '244500203': 'VLL', // CA Montargoise et Rives du Loing
  '200068278': 'VLL', // CC Berry Loire Puisaye
  '200070100': 'VLL', // CC du Val de Sully
  '244500427': 'VLL', // CC des Loges
  '200066280': 'GBH', // CC du Pithiverais
  '200071850': 'GBH', // CC du Pithiverais-Gâtinais
  '244500542': 'GBH', // CC de la Plaine du Nord Loiret
  '244500419': 'GBH', // CC des Quatre Vallées
  '200067676': 'GBH', // CC Canaux et Forêts en Gâtinais
  '200067668': 'GBH', // CC de la Cléry, du Betz et de l'Ouanne
  '244500211': 'GBH', // CC Giennoises
};
/** The two big bailleurs overlap in Orléans: VLL holds this share of the city's programmes (drawn one by one). */
const PART_VLL_ORLEANS = 0.29;

/**
 * SYNTHETIC QPV codes, in the shape of the 2024 geography ("QN" + 3-character département + 3
 * digits) but NOT real codes. Whether a unit is in a QPV is real (RPLS 2019); which quartier of
 * its commune it is in is not: each QPV programme draws one of its commune's codes.
 */
const QPV_SYNTHETIQUES: Readonly<Record<string, readonly string[]>> = {
  '45234': ['QN045001', 'QN045002', 'QN045003'], // Orléans
  '45147': ['QN045004'], // Fleury-les-Aubrais
  '45285': ['QN045005'], // Saint-Jean-de-la-Ruelle
  '45284': ['QN045006'], // Saint-Jean-de-Braye
  '45208': ['QN045007'], // Montargis
  '45068': ['QN045008'], // Châlette-sur-Loing
  '45155': ['QN045009'], // Gien
  '45252': ['QN045010'], // Pithiviers
  '45315': ['QN045011'], // Sully-sur-Loire
};

/** Programmes: the units of one commune × construction year × collective/individual × QPV, by about 50. */
const TAILLE_PROGRAMME = 50;

/**
 * One SYNTHETIC programme per bailleur is delivered during the year (first lettings,
 * `premiereMiseEnLocation`), on top of the real stock: its commune, its size and its delivery, as
 * a share of the year.
 */
const PROGRAMMES_NEUFS: Readonly<Record<IdBailleur, { commune: string; logements: number; livraison: number }>> = {
  HLD: { commune: '45284', logements: 32, livraison: 0.45 }, // Saint-Jean-de-Braye
  VLL: { commune: '45004', logements: 24, livraison: 0.25 }, // Amilly
  GBH: { commune: '45252', logements: 16, livraison: 0.7 }, // Pithiviers
};
/** A 2020s programme mix (≈ 30 % PLAI, 50 % PLUS, 20 % PLS). */
const FINANCEMENT_NEUF: Readonly<Partial<Record<Financement, number>>> = { PLAI: 0.3, PLUS: 0.5, PLS: 0.2 };
/** New buildings (RE2020): DPE A or B. */
const DPE_NEUF: Readonly<Record<'A' | 'B', number>> = { A: 0.4, B: 0.6 };

/**
 * SYNTHETIC habitable surfaces: a mean by typology (orders of magnitude of the social stock), drawn
 * ±12 %, individual houses 8 % larger; always within the plausible ranges of src/domain/qualite.ts.
 */
const SURFACE_MOYENNE: Readonly<Record<Typologie, number>> = { T1: 31, T2: 47, T3: 65, T4: 79, T5: 93, T6: 108 };
const ECART_SURFACE = 0.12;
const SURFACE_INDIVIDUEL = 1.08;

/**
 * Monthly rent (principal) = surface × the REAL mean rent per m² of the unit's EPCI (RPLS 2019, the
 * département's when the EPCI has none) × a SYNTHETIC financing factor (PLAI below the mean, PLS and
 * PLI above) × a seeded spread of ±15 %.
 */
const FACTEUR_LOYER: Readonly<Record<Financement, number>> = { PLAI: 0.88, PLUS: 1, PLS: 1.2, PLI: 1.35, AUTRE: 0.95 };
const ECART_LOYER = 0.15;
/** APL convention: PLAI, PLUS and PLS units are conventionnés; PLI and older « AUTRE » financing are not. */
const CONVENTIONNE: Readonly<Record<Financement, boolean>> = {
  PLAI: true,
  PLUS: true,
  PLS: true,
  PLI: false,
  AUTRE: false,
};

/**
 * Stock reservations BEFORE the reform (`reservationStock`, `reservataireStockId`): SYNTHETIC target
 * shares of all units, drawn per unit (seeded) with weights calibrated on the stock so that the
 * totals land on them:
 *
 * - unknown (null): ≈ 8 %, concentrated in GBH (≈ 1 % of the other bailleurs' units), so that the
 *   data-quality report has something to say;
 * - the State (contingent préfectoral): ≈ 25 %, more in stock built before 1977, less after 2000,
 *   half as often in QPV;
 * - Action Logement: ≈ 18 %, more in stock built since 2000, 1.5 × more in Orléans Métropole;
 * - the Ville d'Orléans: ≈ 15 % of the units of Orléans (45234), none elsewhere;
 * - the Département: ≈ 3 %;
 * - droits uniques (one letting): ≈ 1 %, three times in four Action Logement's;
 * - the rest (≈ 30 %) known to be free ('aucune'); so are the programmes delivered this year.
 */
const RESERVATIONS_STOCK = {
  inconnue: 0.08,
  inconnueHorsGbh: 0.01,
  etat: 0.25,
  actionLogement: 0.18,
  orleans: 0.15,
  departement: 0.03,
  droitUnique: 0.01,
} as const;
const BAILLEUR_INCONNUES: IdBailleur = 'GBH';
const TITULAIRES_DROIT_UNIQUE: Readonly<Record<string, number>> = {
  [ORG.actionLogement]: 0.75,
  [ORG.etat]: 0.15,
  [ORG.departement]: 0.1,
};
const poidsEtat = (u: Unite): number =>
  (u.logement.construction < 1977 ? 1.4 : u.logement.construction < 2000 ? 1 : 0.6) * (u.logement.qpv ? 0.5 : 1);
const poidsActionLogement = (u: Unite): number =>
  (u.logement.construction >= 2000 ? 1.6 : u.logement.construction >= 1977 ? 1 : 0.7) *
  (u.logement.epci === SIREN_ORLEANS_METROPOLE ? 1.5 : 1);

const NOMS_RESIDENCES = [
  'Les Tilleuls',
  'Les Acacias',
  'Le Clos du Moulin',
  'Les Glycines',
  'La Roseraie',
  'Les Peupliers',
  'Le Val Fleuri',
  'Les Marronniers',
  'Les Charmilles',
  'Le Parc',
  'Les Sablons',
  'La Source',
  'Les Aubépines',
  'Le Bourg',
  'Les Vignes',
  'Les Cèdres',
  'La Loire',
  'Les Coteaux',
  'Les Prés',
  'Le Belvédère',
  'Les Hirondelles',
  'La Fontaine',
  'Les Lilas',
  'Le Mail',
] as const;

interface Unite {
  logement: typeof logements.$inferInsert & {
    id: string;
    commune: string;
    typologie: Typologie;
    financement: Financement;
    construction: number;
  };
  horsFlux: HorsFlux | null;
  neuf: boolean;
}

interface Parc {
  programmes: (typeof programmes.$inferInsert)[];
  /** Units by bailleur, in id order. */
  unites: Map<IdBailleur, Unite[]>;
  /** RPLS 2019 commune codes that merged since, mapped to their current code, and their units. */
  communesRenumerotees: { codes: number; logements: number };
}

/** What a unit of a programme brings before its place in the stock. */
interface CaracteresReels {
  typologie: Typologie;
  dpe: string | null;
  financement: Financement;
  construction: number;
  individuel: boolean;
}

/** A group of real units sharing commune, construction year, collective/individual and QPV. */
interface Groupe {
  commune: string;
  construction: number;
  individuel: boolean;
  qpv: boolean;
  unites: { typologie: Typologie; dpe: string | null }[];
}

/** Each commune's turnover rate (fraction; RPLS 2024, by current code) and the département's mean, weighted by stock. */
function mobilites(cog: CogDepartement): { parCommune: Map<string, number>; departement: number } {
  const parCommune = new Map<string, { nb: number; mobilites: number }>();
  for (const r of lireRplsLoiret()) {
    const code = cog.courante(r.depcom);
    if (!code) throw new Error(`commune ${r.depcom} (${r.libcom}) du RPLS 2024 absente du COG`);
    const c = parCommune.get(code) ?? { nb: 0, mobilites: 0 };
    c.nb += r.nbLs;
    c.mobilites += (r.nbLs * r.txMob) / 100;
    parCommune.set(code, c);
  }
  const total = [...parCommune.values()].reduce((s, c) => ({ nb: s.nb + c.nb, mobilites: s.mobilites + c.mobilites }), {
    nb: 0,
    mobilites: 0,
  });
  return {
    parCommune: new Map([...parCommune].map(([code, c]) => [code, c.nb > 0 ? c.mobilites / c.nb : 0])),
    departement: total.nb > 0 ? total.mobilites / total.nb : 0,
  };
}

/**
 * The real units (RPLS 2019 counts, scaled by `echelle` with systematic rounding over the rows),
 * grouped, with their commune mapped to the current COG.
 */
function groupesRpls(
  cog: CogDepartement,
  echelle: number,
  rng: Rng,
): { groupes: Groupe[]; communesRenumerotees: Parc['communesRenumerotees'] } {
  const comptages = lireRpls2019Loiret();
  const nombres =
    echelle === 1
      ? comptages.map((c) => c.n)
      : arrondiSystematique(
          comptages.map((c) => c.n * echelle),
          rng,
        );
  const parCle = new Map<string, Groupe>();
  const anciens = new Set<string>();
  let renumerotes = 0;
  comptages.forEach((c, i) => {
    const n = nombres[i]!;
    const commune = cog.courante(c.depcom);
    if (!commune) throw new Error(`commune ${c.depcom} du RPLS 2019 absente du COG`);
    if (commune !== c.depcom) {
      anciens.add(c.depcom);
      renumerotes += n;
    }
    if (n <= 0) return;
    const cle = `${commune}|${c.construction}|${c.individuel ? 'I' : 'C'}|${c.qpv ? 1 : 0}`;
    let g = parCle.get(cle);
    if (!g) {
      g = { commune, construction: c.construction, individuel: c.individuel, qpv: c.qpv, unites: [] };
      parCle.set(cle, g);
    }
    for (let k = 0; k < n; k++) g.unites.push({ typologie: `T${c.pieces}`, dpe: c.dpe });
  });
  const cles = [...parCle.keys()].sort();
  return {
    groupes: cles.map((k) => parCle.get(k)!),
    communesRenumerotees: { codes: anciens.size, logements: renumerotes },
  };
}

/** The units and programmes of the demo: the real stock shared among the bailleurs, plus each one's new programme. */
function genererParc(cog: CogDepartement, echelle: number, annee: number): Parc {
  const rng = new Rng(hashSeed('flux-demo-loiret-rpls-2019'));
  const loyers = lireLoyersLoiret();
  const { groupes, communesRenumerotees } = groupesRpls(cog, echelle, rng);
  const parc: Parc = { programmes: [], unites: new Map(BAILLEURS_DEMO.map((b) => [b.id, []])), communesRenumerotees };
  const numeroProgramme = new Map<IdBailleur, number>();

  const programme = (
    b: IdBailleur,
    commune: string,
    neuf: boolean,
    qpv: string | null,
    unites: readonly CaracteresReels[],
  ): void => {
    const c = cog.communes.get(commune);
    if (!c) throw new Error(`commune ${commune} absente du COG du Loiret`);
    const np = (numeroProgramme.get(b) ?? 0) + 1;
    numeroProgramme.set(b, np);
    const programmeId = `${b}-P${String(np).padStart(4, '0')}`;
    parc.programmes.push({
      id: programmeId,
      bailleurId: b,
      nom: `${neuf ? 'Résidence neuve ' : 'Résidence '}${rng.pick(NOMS_RESIDENCES)} (${c.nom})`,
      commune,
    });
    const liste = parc.unites.get(b)!;
    const numeroBailleur = BAILLEURS_DEMO.findIndex((x) => x.id === b) + 1;
    const loyerM2 = (c.epci ? loyers.epci.get(c.epci) : undefined) ?? loyers.departement;
    for (const u of unites) {
      const n1 = liste.length + 1;
      const horsFlux = !neuf && rng.chance(PART_HORS_FLUX) ? rng.weighted(PARTS_HORS_FLUX) : null;
      const surface =
        SURFACE_MOYENNE[u.typologie] *
        (u.individuel ? SURFACE_INDIVIDUEL : 1) *
        (1 - ECART_SURFACE + 2 * ECART_SURFACE * rng.next());
      const loyer = surface * loyerM2 * FACTEUR_LOYER[u.financement] * (1 - ECART_LOYER + 2 * ECART_LOYER * rng.next());
      liste.push({
        neuf,
        horsFlux,
        logement: {
          id: `${b}-${String(n1).padStart(6, '0')}`,
          bailleurId: b,
          programmeId,
          // Synthetic RPLS identifier: département, bailleur number, sequence (unique per bailleur).
          rpls: `045${numeroBailleur}${String(n1).padStart(8, '0')}`,
          departement: DEPARTEMENT_DEMO,
          commune,
          epci: c.epci,
          qpv,
          typologie: u.typologie,
          financement: u.financement,
          construction: u.construction,
          individuel: u.individuel,
          horsFlux,
          surface: surface.toFixed(2),
          loyer: loyer.toFixed(2),
          dpe: u.dpe,
          conventionne: CONVENTIONNE[u.financement],
          reservationStock: null,
          reservataireStockId: null,
        },
      });
    }
  };

  for (const g of groupes) {
    const epci = cog.communes.get(g.commune)?.epci;
    const proprietaire = (epci && TERRITOIRES[epci]) || 'HLD';
    // Programmes of about TAILLE_PROGRAMME units; the group's units dealt in turn, so each programme mixes its typologies.
    const k = Math.max(1, Math.round(g.unites.length / TAILLE_PROGRAMME));
    for (let p = 0; p < k; p++) {
      const b: IdBailleur = g.commune === COMMUNE_ORLEANS && rng.chance(PART_VLL_ORLEANS) ? 'VLL' : proprietaire;
      const qpvs = QPV_SYNTHETIQUES[g.commune];
      if (g.qpv && !qpvs) throw new Error(`aucun code QPV fictif pour la commune ${g.commune}`);
      const qpv = g.qpv ? rng.pick(qpvs!) : null;
      const unites = g.unites
        .filter((_, j) => j % k === p)
        .map((u) => {
          const financement = financementOf(g.construction, rng);
          return {
            typologie: u.typologie,
            dpe: u.dpe,
            financement,
            construction: g.construction,
            individuel: g.individuel,
          };
        });
      programme(b, g.commune, false, qpv, unites);
    }
  }
  for (const b of BAILLEURS_DEMO) {
    const neuf = PROGRAMMES_NEUFS[b.id];
    const unites = Array.from({ length: neuf.logements }, () => ({
      typologie: rng.weighted(PARTS_TYPOLOGIE),
      dpe: rng.weighted(DPE_NEUF),
      financement: rng.weighted(FINANCEMENT_NEUF),
      construction: annee,
      individuel: false,
    }));
    programme(b.id, neuf.commune, true, null, unites);
  }
  reserverLeStock(parc);
  return parc;
}

/** Draws every unit's stock reservation (see RESERVATIONS_STOCK), calibrated on the generated stock. */
function reserverLeStock(parc: Parc): void {
  const rng = new Rng(hashSeed('flux-demo-loiret-reservations-stock'));
  const toutes = BAILLEURS_DEMO.flatMap((b) => parc.unites.get(b.id)!);
  const total = toutes.length;
  const chezGbh = parc.unites.get(BAILLEUR_INCONNUES)!.length;
  const orleans = toutes.filter((u) => u.logement.commune === COMMUNE_ORLEANS).length;
  // Unknown: ≈ 1 % outside GBH, the rest of the 8 % in GBH.
  const pInconnueGbh = Math.min(
    0.9,
    (RESERVATIONS_STOCK.inconnue * total - RESERVATIONS_STOCK.inconnueHorsGbh * (total - chezGbh)) /
      Math.max(1, chezGbh),
  );
  const connues: Unite[] = [];
  for (const u of toutes) {
    const p = u.logement.bailleurId === BAILLEUR_INCONNUES ? pInconnueGbh : RESERVATIONS_STOCK.inconnueHorsGbh;
    if (u.neuf) u.logement.reservationStock = 'aucune';
    else if (rng.chance(p)) u.logement.reservationStock = null;
    else connues.push(u);
  }
  // Calibration: each weight × its constant sums, over the known units, to the target share of all units.
  const somme = (f: (u: Unite) => number): number => connues.reduce((s, u) => s + f(u), 0);
  const kEtat = (RESERVATIONS_STOCK.etat * total) / Math.max(1e-9, somme(poidsEtat));
  const kAl = (RESERVATIONS_STOCK.actionLogement * total) / Math.max(1e-9, somme(poidsActionLogement));
  const orleansConnues = connues.filter((u) => u.logement.commune === COMMUNE_ORLEANS).length;
  const pOrleans = orleansConnues > 0 ? (RESERVATIONS_STOCK.orleans * orleans) / orleansConnues : 0;
  const pDepartement = (RESERVATIONS_STOCK.departement * total) / Math.max(1, connues.length);
  const pDroitUnique = (RESERVATIONS_STOCK.droitUnique * total) / Math.max(1, connues.length);
  for (const u of connues) {
    const parts: [string, 'reserve' | 'droit_unique', number][] = [
      [ORG.etat, 'reserve', kEtat * poidsEtat(u)],
      [ORG.actionLogement, 'reserve', kAl * poidsActionLogement(u)],
      [ORG.orleans, 'reserve', u.logement.commune === COMMUNE_ORLEANS ? pOrleans : 0],
      [ORG.departement, 'reserve', pDepartement],
      ['', 'droit_unique', pDroitUnique],
    ];
    // Never more than 95 % reserved on one unit's profile.
    const reserve = parts.reduce((s, [, , p]) => s + p, 0);
    const facteur = reserve > 0.95 ? 0.95 / reserve : 1;
    let x = rng.next();
    u.logement.reservationStock = 'aucune';
    for (const [id, genre, p] of parts) {
      if (x < p * facteur) {
        u.logement.reservationStock = genre;
        u.logement.reservataireStockId = genre === 'droit_unique' ? rng.weighted(TITULAIRES_DROIT_UNIQUE) : id;
        break;
      }
      x -= p * facteur;
    }
  }
}

// ───────────────────────────── conventions ─────────────────────────────

type Parametres = Omit<Convention, 'id' | 'reservataire' | 'taux' | 'tauxAgents'>;

interface ConventionDemo {
  /** Fixed number: conventions ids sort in the order of the scenario (the engine's ledger order). */
  numero: number;
  reservataire: string;
  type: TypeReservataire;
  taux: number;
  tauxAgents?: number;
  parametres: Parametres;
  /** The convention exists only for bailleurs with stock in this commune / EPCI. */
  si?: { commune: string } | { epci: string };
}

const COMMUN = { delaiPropositionJours: 30, candidatsDemandes: 3, report: 0 } as const;

/** Every bailleur's conventions (invented but realistic terms; Σ taux ≤ 100 %, collectivities ≤ 20 %). */
const CONVENTIONS_DEMO: readonly ConventionDemo[] = [
  {
    numero: 1,
    reservataire: ORG.etat,
    type: 'etat',
    taux: 0.25,
    tauxAgents: 0.05,
    parametres: {
      perimetre: { departement: DEPARTEMENT_DEMO },
      decompte: 'bail_signe',
      echecDecompte: false,
      ...COMMUN,
      gestion: 'directe',
      contraintes: { uniformiteCommunale: true, partHorsQpvMin: 0.3 },
    },
  },
  {
    numero: 2,
    reservataire: ORG.actionLogement,
    type: 'action_logement',
    taux: 0.25,
    parametres: {
      perimetre: { departement: DEPARTEMENT_DEMO },
      decompte: 'attribution',
      echecDecompte: true,
      ...COMMUN,
      gestion: 'deleguee',
    },
  },
  {
    numero: 3,
    reservataire: ORG.metropole,
    type: 'epci',
    taux: 0.1,
    parametres: {
      perimetre: { epci: SIREN_ORLEANS_METROPOLE },
      decompte: 'mise_a_disposition',
      echecDecompte: true,
      ...COMMUN,
      gestion: 'directe',
    },
    si: { epci: SIREN_ORLEANS_METROPOLE },
  },
  {
    numero: 4,
    reservataire: ORG.departement,
    type: 'departement',
    taux: 0.03,
    parametres: {
      perimetre: { departement: DEPARTEMENT_DEMO },
      decompte: 'attribution',
      echecDecompte: false,
      ...COMMUN,
      gestion: 'directe',
    },
  },
  {
    numero: 5,
    reservataire: ORG.orleans,
    type: 'commune',
    taux: 0.05,
    parametres: {
      perimetre: { communes: [COMMUNE_ORLEANS] },
      decompte: 'mise_a_disposition',
      echecDecompte: true,
      ...COMMUN,
      gestion: 'directe',
    },
    si: { commune: COMMUNE_ORLEANS },
  },
];

/**
 * Action Logement designates its own candidates (gestion directe) with VLL and GBH, and has
 * delegated that to HLD: its officer has units to propose, and the bailleur's inbox holds the
 * delegated ones (issue 12 item 8). The Ville d'Orléans and the others are in direct management.
 */
const GESTION_ACTION_LOGEMENT: Readonly<Record<IdBailleur, Convention['gestion']>> = {
  HLD: 'deleguee',
  VLL: 'directe',
  GBH: 'directe',
};

function conventionsDuBailleur(unites: readonly Unite[]): ConventionDemo[] {
  const communesB = new Set(unites.map((u) => u.logement.commune));
  const epcisB = new Set(unites.map((u) => u.logement.epci));
  const b = unites[0]?.logement.bailleurId as IdBailleur | undefined;
  return CONVENTIONS_DEMO.filter(
    (c) => !c.si || ('commune' in c.si ? communesB.has(c.si.commune) : epcisB.has(c.si.epci)),
  ).map((c) =>
    c.reservataire === ORG.actionLogement && b !== undefined
      ? { ...c, parametres: { ...c.parametres, gestion: GESTION_ACTION_LOGEMENT[b] } }
      : c,
  );
}

const idConvention = (b: string, c: ConventionDemo): string => `${b}-CV${c.numero}`;

// ───────────────────────────── the year ─────────────────────────────

interface Annee {
  scenario: Scenario;
  evenements: EvenementDate[];
}

const versLogement = (u: Unite): Logement => ({
  id: u.logement.id,
  commune: u.logement.commune,
  qpv: u.logement.qpv ?? null,
  typologie: u.logement.typologie,
  financement: u.logement.financement,
  construction: u.logement.construction,
  horsFlux: u.horsFlux,
  ...(u.logement.epci ? { epci: u.logement.epci } : {}),
});

/**
 * A letting outside the flow lives its life (ADR 0031): after the liberation that excludes it, the
 * bailleur's candidates, the CAL, a lease or a refusal, drawn with the unit's own generator (so the
 * year's other draws stay the same). A rehousing's household is rehoused under its operation. Some
 * never get a candidate in the year: they stay open, waiting for one.
 */
function vieHorsFlux(annee: number, cal: Calendrier, evs: EvenementDate[]): EvenementDate[] {
  const [premier] = evs;
  if (evs.length !== 1 || premier?.evenement.type !== 'liberation') return evs;
  const liberation = premier.evenement;
  const rng = new Rng(hashSeed(`flux-demo-hors-flux-${annee}-${liberation.logement}`));
  const cycle = cycleDeLocation(rng, cal, liberation.logement, premier.jour, null).filter(
    (e) => e.evenement.date !== '',
  );
  if (cycle[0]?.evenement.type !== 'candidats') return evs;
  const relogement: Relogement | null =
    liberation.exclusion === 'relogement_anru' ? 'anru' : liberation.exclusion === 'relogement_orcod' ? 'orcod' : null;
  return [
    premier,
    ...cycle.map((e) =>
      e.evenement.type === 'bail_signe' && relogement
        ? { ...e, evenement: { ...e.evenement, menage: { ...e.evenement.menage, relogement } } }
        : e,
    ),
  ];
}

/**
 * The bailleur's events of the year up to day `jusqua`: for each commune, its RPLS turnover rate ×
 * the bailleur's units there gives the year's re-lettings (rounded systematically over the
 * communes), drawn among its units on working days of the whole year; then the first lettings of
 * its new programme. Only the events up to `jusqua` are kept, so the draws never depend on it.
 */
function genererAnnee(
  b: (typeof BAILLEURS_DEMO)[number],
  unites: readonly Unite[],
  mobilite: ReturnType<typeof mobilites>,
  annee: number,
  jusqua: number,
): Annee {
  const rng = new Rng(hashSeed(`flux-demo-${b.id}-${annee}`));
  const cal = new Calendrier(annee);
  const convs = conventionsDuBailleur(unites);
  const eligibles = (u: Unite): Eligible[] =>
    convs
      .filter((c) => {
        const p = c.parametres.perimetre;
        if ('communes' in p) return p.communes.includes(u.logement.commune);
        if ('epci' in p) return u.logement.epci === p.epci;
        return true;
      })
      .map((c) => ({ id: c.reservataire, type: c.type }));

  const parCommune = new Map<string, Unite[]>();
  for (const u of unites) {
    if (u.neuf) continue;
    const l = parCommune.get(u.logement.commune);
    if (l) l.push(u);
    else parCommune.set(u.logement.commune, [u]);
  }
  const codes = [...parCommune.keys()].sort();
  const relocations = arrondiSystematique(
    codes.map((c) => parCommune.get(c)!.length * (mobilite.parCommune.get(c) ?? mobilite.departement)),
    rng,
  );
  const datees: EvenementDate[] = [];
  codes.forEach((code, i) => {
    const liste = parCommune.get(code)!;
    for (const k of rng.sample(liste.length, relocations[i]!)) {
      const u = liste[k]!;
      const jour = cal.jourOuvreAuHasard(rng);
      const evs = vieHorsFlux(
        annee,
        cal,
        evenementsDeLiberation(rng, cal, { id: u.logement.id, horsFlux: u.horsFlux }, jour, eligibles(u)),
      );
      if (jour <= jusqua) datees.push(...jusquAu(jusqua, evs));
    }
  });
  const neufs = unites.filter((u) => u.neuf);
  const livraison = cal.jourOuvre(Math.floor(PROGRAMMES_NEUFS[b.id].livraison * cal.jours));
  for (const u of neufs) {
    const evs = evenementsDeLiberation(
      rng,
      cal,
      { id: u.logement.id, horsFlux: u.horsFlux },
      livraison,
      eligibles(u),
      true,
    );
    if (livraison <= jusqua) datees.push(...jusquAu(jusqua, evs));
  }
  const evenements = trierEvenements(datees);

  const references = new Set(evenements.map((e) => e.evenement.logement));
  const reservataires: Reservataire[] = convs.map((c) => {
    const o = ORGANISATIONS.find((x) => x.id === c.reservataire)!;
    return {
      id: o.id,
      type: c.type,
      nom: o.nom,
      ...(o.commune ? { commune: o.commune } : {}),
      ...(o.epci ? { epci: o.epci } : {}),
    };
  });
  const scenario: Scenario = {
    annee,
    departement: DEPARTEMENT_DEMO,
    bailleur: { id: b.id, nom: b.nom },
    logements: unites.filter((u) => references.has(u.logement.id)).map(versLogement),
    reservataires,
    conventions: convs.map((c) => ({
      id: idConvention(b.id, c),
      reservataire: c.reservataire,
      taux: c.taux,
      ...(c.tauxAgents !== undefined ? { tauxAgents: c.tauxAgents } : {}),
      ...c.parametres,
    })),
    evenements: evenements.map((e) => e.evenement),
  };
  return { scenario, evenements };
}

/**
 * The previous year (N−1), whole (issue 12 item 8): the same draws as a year of the demo over the
 * real stock (the new programmes are delivered in N), kept only for the lettings that were over by
 * 31 December (a lease signed, or the unit left out of the flow), so that no letting of the locked
 * year waits for an event. A smaller year than N's pace (the lettings of the last weeks are
 * missing), but every one of its lettings is complete.
 */
function genererAnneePrecedente(
  b: (typeof BAILLEURS_DEMO)[number],
  unites: readonly Unite[],
  mobilite: ReturnType<typeof mobilites>,
  annee: number,
): Annee {
  const stock = unites.filter((u) => !u.neuf);
  const a = genererAnnee(b, stock, mobilite, annee, new Calendrier(annee).jours - 1);
  const derniers = new Map<string, Evenement>();
  for (const e of a.scenario.evenements) derniers.set(e.logement, e);
  const terminee = (logement: string): boolean => {
    const e = derniers.get(logement)!;
    // A letting outside the flow waits for its candidates like the others: over only at its lease.
    return e.type === 'bail_signe';
  };
  const evenements = a.evenements.filter((e) => terminee(e.evenement.logement));
  const gardes = new Set(evenements.map((e) => e.evenement.logement));
  return {
    scenario: {
      ...a.scenario,
      logements: a.scenario.logements.filter((l) => gardes.has(l.id)),
      evenements: evenements.map((e) => e.evenement),
    },
    evenements,
  };
}

/** The state of a letting after its last event (src/domain/lifecycle.ts). */
function etatApres(e: Evenement, horsFlux: boolean): EtatLocation {
  switch (e.type) {
    case 'liberation':
      return horsFlux || e.exclusion ? 'exclue' : 'orientee';
    case 'orientation_forcee':
    case 'orientation_multiple':
      return 'orientee';
    default:
      return e.type;
  }
}

const TAILLES_MENAGE: Readonly<Record<Typologie, [number, number]>> = {
  T1: [1, 1],
  T2: [1, 2],
  T3: [2, 3],
  T4: [3, 4],
  T5: [4, 6],
  T6: [5, 7],
};
/** The unit's EPCI (the COG's when the RPLS row left it out). */
const epciDe = (u: Unite): string | null => u.logement.epci ?? epciDeCommune(u.logement.commune);

/**
 * The year with its households in the scenario's second edition (ADR 0034): each lease's household
 * gets a composition and resources drawn around its EPCI's threshold (fictifs, démonstration), and
 * the scenario carries the year's thresholds, as the server's `chargerScenario` does.
 */
function avecMenages(a: Annee, unites: readonly Unite[]): Annee {
  const annee = a.scenario.annee;
  const parId = new Map(unites.map((u) => [u.logement.id, u]));
  const seuils: Record<string, number> = {};
  for (const u of [...unites].sort((x, y) => (x.logement.id < y.logement.id ? -1 : 1))) {
    const epci = epciDe(u);
    if (epci && seuils[epci] === undefined) seuils[epci] = seuilDemo(epci, annee);
  }
  const evenements = a.scenario.evenements.map((e): Evenement => {
    if (e.type !== 'bail_signe') return e;
    const u = parId.get(e.logement)!;
    const [min, max] = TAILLES_MENAGE[u.logement.typologie];
    const personnes = new Rng(hashSeed(`flux-demo-personnes-${annee}-${e.logement}`)).int(min, max);
    const epci = epciDe(u);
    return {
      ...e,
      menage: menageSaisiDemo(`${annee}-${e.logement}`, e.menage, personnes, epci ? seuils[epci] : undefined),
    };
  });
  return { ...a, scenario: { ...a.scenario, evenements, seuilsPremierQuartile: seuils } };
}

/** The demo's thresholds rows of the years it covers (the arrêtés' for the Loiret's EPCI, else fictifs). */
function lignesSeuilsDemo(scenarios: readonly Scenario[]): (typeof seuilsPremierQuartile.$inferInsert)[] {
  const rows = new Map<string, typeof seuilsPremierQuartile.$inferInsert>();
  for (const sc of scenarios)
    for (const [epci, montant] of Object.entries(sc.seuilsPremierQuartile ?? {}))
      rows.set(`${sc.annee}|${epci}`, {
        epci,
        annee: sc.annee,
        montant,
        source: sourceSeuilDemo(epci, sc.annee),
        importePar: 'données de démonstration',
        importeLe: new Date(`${sc.annee}-01-02T09:00:00Z`),
      });
  return [...rows.values()].sort((x, y) => x.annee - y.annee || (x.epci < y.epci ? -1 : 1));
}

const MOTIFS_NON_ATTRIBUTION = [
  'Taux d’effort trop élevé au regard des ressources',
  'Logement inadapté à la composition du ménage',
];
const MOTIFS_IRRECEVABILITE = [
  'Ressources supérieures aux plafonds réglementaires',
  'Absence de titre de séjour en cours de validité',
];

interface Lignes {
  locations: (typeof locations.$inferInsert)[];
  evenements: (typeof evenementsFlux.$inferInsert)[];
  candidatures: (typeof candidatures.$inferInsert)[];
  decisions: (typeof decisionsCal.$inferInsert)[];
  baux: (typeof baux.$inferInsert)[];
  /** The bailleur's orientation decision and the proposal deadline of the open lettings oriented to réservataires. */
  delais: (typeof delaisProposition.$inferInsert)[];
  /** The CAL sessions of the last weeks and the next one, what they examined, and the offers that followed. */
  sessions: (typeof sessionsCal.$inferInsert)[];
  examens: (typeof examensCal.$inferInsert)[];
  offres: (typeof offresCal.$inferInsert)[];
}

/** Lettings still open: the réservataire's inbox shows them (src/app/boite.ts). */
const ETATS_OUVERTS: ReadonlySet<EtatLocation> = new Set(['orientee', 'candidats', 'decision_cal']);

/** Runs the year through the engine and turns it into rows: lettings, events, candidates, decisions, leases. */
function lignesDeLAnnee(
  b: string,
  unites: readonly Unite[],
  annee: Annee,
  idLocation: (n: number) => string = (n) => `${b}-LOC-${String(n).padStart(4, '0')}`,
): Lignes {
  const { scenario } = annee;
  const out: Lignes = {
    locations: [],
    evenements: [],
    candidatures: [],
    decisions: [],
    baux: [],
    delais: [],
    sessions: [],
    examens: [],
    offres: [],
  };
  // Nothing yet (the year has just begun): no scenario to run (an EPCI perimeter without units would not validate).
  if (scenario.evenements.length === 0) return out;
  const problemes = validerScenario(scenario);
  if (problemes.length > 0)
    throw new Error(
      `scénario de démonstration invalide (${b}) : ${problemes.map((p) => `${p.chemin}: ${p.message}`).join(' ; ')}`,
    );
  const parId = new Map(unites.map((u) => [u.logement.id, u]));
  const reservataires = new Set(scenario.reservataires.map((r) => r.id));

  // One letting per liberation (each unit is liberated at most once in the year), numbered by date.
  const locationDe = new Map<string, string>();
  const derniers = new Map<string, Evenement>();
  const bauxSignes = new Map<string, Extract<Evenement, { type: 'bail_signe' }>>();
  for (const e of scenario.evenements) {
    if (e.type === 'liberation') locationDe.set(e.logement, idLocation(locationDe.size + 1));
    if (e.type === 'bail_signe') bauxSignes.set(e.logement, e);
    derniers.set(e.logement, e);
  }
  // The bailleur decided every engine orientation of the year but those of its own line still
  // waiting: each decision is pinned as the server records it (ADR 0018), right after its
  // liberation, so that no event recorded later moves a decided letting. Same figures (tested).
  const premier = simuler(scenario);
  // The State's contingent goes to priority households (all of it but its agents', L.441-1): its
  // leases are drawn priority at 85 %, on their own stream (the rest of the demo is unchanged).
  for (const o of premier.orientations) {
    const bail = o.reservataire === ORG.etat ? bauxSignes.get(o.logement) : undefined;
    if (bail?.menage && !bail.reservataire)
      bail.menage.prioritaire = new Rng(hashSeed(`flux-demo-prioritaire-etat-${o.logement}`)).chance(0.85);
  }
  const epingles = new Map<string, Evenement>();
  for (const o of premier.orientations) {
    if (o.reservataire === null || o.forcee) continue;
    const encoreOuverte = derniers.get(o.logement)?.type === 'liberation';
    if (o.reservataire === BAILLEUR && encoreOuverte) continue;
    epingles.set(o.logement, {
      date: o.date,
      type: 'orientation_forcee',
      logement: o.logement,
      reservataire: o.reservataire,
      motif: 'recommandation du moteur confirmée par le bailleur',
      confirmee: true,
    });
  }
  const evenements = scenario.evenements.flatMap((e) =>
    e.type === 'liberation' && epingles.has(e.logement) ? [e, epingles.get(e.logement)!] : [e],
  );
  for (const e of evenements) {
    out.evenements.push({
      bailleurId: b,
      departement: DEPARTEMENT_DEMO,
      annee: scenario.annee,
      locationId: locationDe.get(e.logement)!,
      evenement: e,
    });
  }
  const resultat = simuler({ ...scenario, evenements });
  const orientation = new Map(resultat.orientations.map((o) => [o.logement, o]));
  const nomsLignes = nomsDesLignes(scenario);
  const decisions = new Set(scenario.evenements.filter((e) => e.type === 'decision_cal').map((e) => e.logement));
  for (const e of scenario.evenements) {
    const locationId = locationDe.get(e.logement)!;
    const u = parId.get(e.logement)!;
    if (e.type === 'liberation') {
      const o = orientation.get(e.logement);
      if (!o) throw new Error(`le moteur n’a pas orienté le logement ${e.logement}`);
      const ligne = o.reservataire;
      out.locations.push({
        id: locationId,
        bailleurId: b,
        logementId: e.logement,
        departement: DEPARTEMENT_DEMO,
        annee: scenario.annee,
        dateLiberation: e.date,
        premiereMiseEnLocation: e.premiereMiseEnLocation ?? false,
        exclusion: e.exclusion ?? null,
        etat: etatApres(derniers.get(e.logement)!, u.horsFlux !== null),
        reservataireId: ligne !== null && ligne !== BAILLEUR && reservataires.has(ligne) ? ligne : null,
        ligne,
        pool: o.pool ?? null,
        forcee: o.forcee,
        motif: motifOrientation(o, nomsLignes),
      });
    } else if (e.type === 'candidats') {
      // Candidates identified by a synthetic SNE number only; the first one is the household that signs.
      const rng = new Rng(hashSeed(`flux-demo-candidats-${scenario.annee}-${e.logement}`));
      const o = orientation.get(e.logement)!;
      const bail = bauxSignes.get(e.logement);
      const signataire = bail ? (bail.reservataire ?? o.reservataire) : o.reservataire;
      const pour = (rang: number): string | null => {
        const r = o.pool ? (rang === 1 ? signataire : o.pool[(rang - 1) % o.pool.length]!) : o.reservataire;
        return r !== null && reservataires.has(r) ? r : null;
      };
      const [min, max] = TAILLES_MENAGE[u.logement.typologie];
      for (let rang = 1; rang <= e.nombre; rang++) {
        const reservataireId = pour(rang);
        const menage = rang === 1 ? bail?.menage : undefined;
        const prioritaire = menage ? (menage.prioritaire ?? false) : rng.chance(PART_PRIORITAIRE);
        const id = `${locationId}-C${rang}`;
        // Drawn in this order (the demo's data stay the same from one version to the next).
        const numeroSne = `045${rng.chiffres(11)}`;
        const tailleMenage = rng.int(min, max);
        const quartile1 = menage ? false : rng.chance(PART_QUARTILE1);
        const dalo = prioritaire && reservataireId === ORG.etat && rng.chance(0.4);
        // A priority household not DALO is PDALHPD or another L.441-1 category (its own draw).
        const pdalhpd = prioritaire && !dalo && new Rng(hashSeed(`flux-demo-categorie-${id}`)).chance(0.5);
        // The household (ADR 0034): the lease's for the one who signed, else drawn around the threshold.
        const epci = epciDe(u);
        const seuil = epci ? scenario.seuilsPremierQuartile?.[epci] : undefined;
        const foyer =
          menage?.personnes !== undefined && menage.ressourcesAnnuelles !== undefined
            ? {
                personnes: menage.personnes,
                enfantsMoins14: menage.enfantsMoins14 ?? 0,
                ressourcesAnnuelles: menage.ressourcesAnnuelles,
              }
            : menageDemo(`${scenario.annee}-${id}`, tailleMenage, quartile1, seuil);
        // The CAL examined the first round of the lettings it decided: their quartile is fixed.
        const decide = decisions.has(e.logement)
          ? quartileALaDecision(
              { ...foyer, quartile1Declare: null },
              seuil === undefined || !epci ? null : { montant: seuil, source: sourceSeuilDemo(epci, scenario.annee) },
            )
          : null;
        out.candidatures.push({
          id,
          locationId,
          reservataireId,
          numeroSne,
          rang,
          tailleMenage: foyer.personnes,
          enfantsMoins14: foyer.enfantsMoins14,
          ressourcesAnnuelles: foyer.ressourcesAnnuelles,
          quartile1: decide?.quartile1 ?? null,
          origineQuartile1: decide?.origine ?? null,
          seuilQuartile1: decide?.seuil ?? null,
          sourceSeuilQuartile1: decide?.source ?? null,
          relogement: menage?.relogementAnru ? 'anru' : null,
          prioritaire,
          dalo,
          pdalhpd,
          autreL4411: prioritaire && !dalo && !pdalhpd,
        });
      }
    } else if (e.type === 'decision_cal') {
      const rng = new Rng(hashSeed(`flux-demo-cal-${scenario.annee}-${e.logement}`));
      out.decisions.push({
        id: `${locationId}-CAL`,
        locationId,
        candidatureId: `${locationId}-C1`,
        decision: e.decision,
        motif:
          e.decision === 'non_attribution'
            ? rng.pick(MOTIFS_NON_ATTRIBUTION)
            : e.decision === 'irrecevabilite'
              ? rng.pick(MOTIFS_IRRECEVABILITE)
              : null,
        dateDecision: e.date,
      });
    } else if (e.type === 'bail_signe') {
      out.baux.push({
        id: `${locationId}-BAIL`,
        locationId,
        dateSignature: e.date,
        // Resolved as the server records it (src/app/menages.ts `menageDuBail`).
        menage: resoudreMenage(e.menage, epciDe(u) ? scenario.seuilsPremierQuartile?.[epciDe(u)!] : undefined),
      });
    }
  }
  // The bailleur decided each open letting's orientation on its liberation day (the engine's line,
  // or its own forced or pooled choice, same day in the scenario): the réservataires find them in
  // their inbox with the deadline of their convention, as `deciderOrientation` records it.
  const delaiDe = new Map(scenario.conventions.map((c) => [c.reservataire, c.delaiPropositionJours]));
  for (const l of out.locations) {
    const titulaires = (l.pool as string[] | null | undefined) ?? (l.reservataireId ? [l.reservataireId] : []);
    if (!ETATS_OUVERTS.has(l.etat as EtatLocation) || titulaires.length === 0) continue;
    out.delais.push({
      locationId: l.id,
      decision: l.pool ? 'pool' : l.forcee ? 'forcee' : 'confirmee',
      orienteeLe: l.dateLiberation,
      echeance: echeanceProposition(
        l.dateLiberation,
        titulaires.map((t) => delaiDe.get(t)),
      ),
      decidePar: null,
    });
  }
  return out;
}

/** Weeks of CAL sessions the demo shows before its day (the decisions of that period, by date). */
const JOURS_CAL_DEMO = 35;
/** Units put on the next session (a week after the demo's day), among those with their candidates. */
const INSCRITS_PROCHAINE_CAL = 5;

/**
 * The CAL of the demo (issue 12 item 8): one session per day the CAL decided in the last
 * `JOURS_CAL_DEMO` days, with the units it examined, their candidates and the CAL's ranking; the
 * offer to rang 1 and its answer (accepted then a lease, refused, accepted with the lease to record,
 * or pending within its 10 days); and the next session, a week ahead, with units already inscribed.
 */
function calDeLAnnee(b: string, scenario: Scenario, unites: readonly Unite[], out: Lignes, aujourdhui: string): void {
  const parId = new Map(unites.map((u) => [u.logement.id, u]));
  const location = new Map(out.locations.map((l) => [l.id, l]));
  const candidatsDe = new Map<string, { id: string; dalo: boolean }[]>();
  for (const c of out.candidatures) {
    const l = candidatsDe.get(c.locationId);
    if (l) l.push({ id: c.id!, dalo: c.dalo ?? false });
    else candidatsDe.set(c.locationId, [{ id: c.id!, dalo: c.dalo ?? false }]);
  }
  const fin = new Map<string, { type: 'bail_signe' | 'refus'; date: string }>();
  for (const e of scenario.evenements)
    if (e.type === 'bail_signe' || e.type === 'refus') fin.set(e.logement, { type: e.type, date: e.date });
  const depuis = ajouterJours(aujourdhui, -JOURS_CAL_DEMO);
  const recentes = out.decisions
    .filter((d) => d.dateDecision >= depuis && d.dateDecision <= aujourdhui)
    .sort((x, y) => (x.dateDecision < y.dateDecision ? -1 : x.dateDecision > y.dateDecision ? 1 : 0));
  const ordre = new Map<string, number>();
  const examen = (sessionId: string, locationId: string, decisionCalId: string | null) => {
    const cands = candidatsDe.get(locationId) ?? [];
    const n = (ordre.get(sessionId) ?? 0) + 1;
    ordre.set(sessionId, n);
    return {
      id: `${locationId}-EX`,
      sessionId,
      locationId,
      ordre: n,
      candidats: cands.map((c) => c.id),
      motifMoinsDeTrois:
        cands.length < 3 && !cands.some((c) => c.dalo) ? 'Peu de demandeurs pour ce logement dans le secteur' : null,
      decisionCalId,
    };
  };
  const lieu = 'Siège du bailleur, salle du conseil';
  for (const d of recentes) {
    const sessionId = `${b}-CAL-${d.dateDecision}`;
    if (!out.sessions.some((x) => x.id === sessionId))
      out.sessions.push({
        id: sessionId,
        bailleurId: b,
        departement: DEPARTEMENT_DEMO,
        dateSession: d.dateDecision,
        lieu,
      });
    const l = location.get(d.locationId)!;
    const u = parId.get(l.logementId)!;
    const qpv = u.logement.qpv !== null && u.logement.qpv !== undefined;
    const reservataire = l.reservataireId !== null && l.reservataireId !== undefined;
    const positive = d.decision !== 'non_attribution' && d.decision !== 'irrecevabilite';
    const premier = `${d.locationId}-C1`;
    const ex = examen(sessionId, d.locationId, d.id!);
    const suite = (() => {
      if (!positive) return suiteApresEchec({ classement: [], rangCourant: 0, qpv, reservataire });
      const f = fin.get(l.logementId);
      const echeance = echeanceReponse(d.dateDecision);
      const offre = { id: `${d.locationId}-OF1`, examenId: ex.id, candidatureId: premier, rang: 1 };
      const accepte = ajouterJours(d.dateDecision, 3);
      if (f?.type === 'bail_signe') {
        out.offres.push({
          ...offre,
          dateOffre: d.dateDecision,
          echeance,
          reponse: 'acceptee',
          dateReponse: accepte < f.date ? accepte : f.date,
        });
        return 'bail';
      }
      if (f?.type === 'refus') {
        out.offres.push({ ...offre, dateOffre: d.dateDecision, echeance, reponse: 'refusee', dateReponse: f.date });
        return suiteApresEchec({ classement: [premier], rangCourant: 1, qpv, reservataire });
      }
      // Still open: within its 10 days the offer waits for an answer; past them it was accepted, the lease to record.
      out.offres.push({
        ...offre,
        dateOffre: d.dateDecision,
        echeance,
        reponse: echeance >= aujourdhui ? null : 'acceptee',
        dateReponse: echeance >= aujourdhui ? null : accepte,
      });
      return null;
    })();
    out.examens.push({ ...ex, classement: positive ? [premier] : [], suite });
  }
  // The next session, a week ahead: the units with their candidates, the oldest first.
  const prochaine = ajouterJours(aujourdhui, 7);
  const aInscrire = out.locations
    .filter(
      (l) =>
        l.etat === 'candidats' &&
        (candidatsDe.get(l.id!)?.length ?? 0) >= 3 &&
        !out.examens.some((e) => e.locationId === l.id),
    )
    .sort((x, y) => (x.dateLiberation < y.dateLiberation ? -1 : x.dateLiberation > y.dateLiberation ? 1 : 0))
    .slice(0, INSCRITS_PROCHAINE_CAL);
  if (aInscrire.length === 0) return;
  const sessionId = `${b}-CAL-${prochaine}`;
  out.sessions.push({ id: sessionId, bailleurId: b, departement: DEPARTEMENT_DEMO, dateSession: prochaine, lieu });
  for (const l of aInscrire) out.examens.push({ ...examen(sessionId, l.id!, null), classement: [], suite: null });
}

// ───────────────────────────── database ─────────────────────────────

/**
 * Bulk insert, portable across PGlite and node-postgres: each chunk of rows travels as ONE JSON
 * parameter, expanded by `jsonb_to_recordset` in the rows' order (`with ordinality`, so that a
 * bigserial id follows it). About ten times faster than multi-row VALUES on PGlite, where binding
 * each parameter dominates. Columns are those present in the chunk's rows; a row without one of
 * them inserts NULL there (the seed's rows of a table all have the same keys).
 */
async function inserer<T extends PgTable>(
  tx: Tx,
  table: T,
  lignes: readonly T['$inferInsert'][],
  taille = 5000,
): Promise<void> {
  const colonnes = getTableColumns(table) as Record<string, PgColumn>;
  for (let i = 0; i < lignes.length; i += taille) {
    const lot = lignes.slice(i, i + taille) as Record<string, unknown>[];
    const cles = Object.keys(colonnes).filter((k) => lot.some((l) => l[k] !== undefined));
    const json = JSON.stringify(lot.map((l) => Object.fromEntries(cles.map((k) => [colonnes[k]!.name, l[k] ?? null]))));
    const noms = sql.join(
      cles.map((k) => sql.identifier(colonnes[k]!.name)),
      sql`, `,
    );
    const definitions = sql.join(
      cles.map((k) => sql`${sql.identifier(colonnes[k]!.name)} ${sql.raw(colonnes[k]!.getSQLType())}`),
      sql`, `,
    );
    await tx.execute(
      sql`insert into ${table} (${noms}) select ${noms} from rows from (jsonb_to_recordset(${json}::jsonb) as (${definitions})) with ordinality as x order by x.ordinality`,
    );
  }
}

/** True when the database holds no organisation and no user (a fresh install). */
export async function estVide(db: Db | Tx): Promise<boolean> {
  const [o] = await db.select({ n: count() }).from(organisations);
  const [u] = await db.select({ n: count() }).from(utilisateurs);
  return Number(o?.n ?? 0) === 0 && Number(u?.n ?? 0) === 0;
}

/** Lock key for the seeding transaction ("FLUX" in ASCII), so that two starting servers cannot both seed. */
const VERROU_DEMO = 0x464c5558;

const BASE_NON_VIDE =
  'la base n’est pas vide : la démonstration ne s’installe que sur une base neuve (aucune organisation ni aucun utilisateur)';

const minDate = (a: string, b: string): string => (a < b ? a : b);
const idUtilisateur = (c: CompteDemo): string => `U-${c.email.split('@')[0]!.toUpperCase()}`;

function dateDuJour(): string {
  return jourParis(new Date());
}

/**
 * Seeds the demo Loiret on an EMPTY database (throws otherwise), in one transaction. Returns what
 * was created. `npm start` calls it when `organisations` is empty and prints `COMPTES_DEMO`.
 */
export async function seedDemo(db: Db, options: OptionsDemo = {}): Promise<ResumeDemo> {
  const aujourdhui = options.aujourdhui ?? dateDuJour();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(aujourdhui) || Number.isNaN(Date.parse(`${aujourdhui}T00:00:00Z`))) {
    throw new Error(`date du jour invalide : « ${aujourdhui} » (format attendu AAAA-MM-JJ)`);
  }
  const annee = options.annee ?? Number(aujourdhui.slice(0, 4));
  if (!Number.isInteger(annee) || annee < 2000 || annee > 2100) throw new Error(`année invalide : ${annee}`);
  if (aujourdhui < `${annee}-01-01`)
    throw new Error(`la date du jour (${aujourdhui}) précède l’année ${annee} de la démonstration`);
  const echelle = options.echelle ?? 1;
  if (!(echelle > 0 && echelle <= 1))
    throw new Error(`échelle invalide : ${echelle} (une part du parc réel, entre 0 exclu et 1)`);

  if (!(await estVide(db))) throw new Error(BASE_NON_VIDE);
  // Everything is computed before the transaction opens; the engine checks every year.
  const cog = chargerCog(DEPARTEMENT_DEMO);
  const parc = genererParc(cog, echelle, annee);
  const mobilite = mobilites(cog);
  const cal = new Calendrier(annee);
  const jusqua = Math.min(cal.jourDe(aujourdhui), cal.jours - 1);
  // This year's rows are made in the transaction, once the previous year's bilan gave its carry-over.
  const annees = BAILLEURS_DEMO.map((b) => {
    const unites = parc.unites.get(b.id)!;
    const a = avecMenages(genererAnnee(b, unites, mobilite, annee, jusqua), unites);
    return {
      b,
      unites,
      annee: a,
      lignes: lignesDeLAnnee(b.id, unites, { ...a, scenario: { ...a.scenario, evenements: [] } }),
    };
  });
  // The previous year, over and complete: its bilan is issued below (issue 12 item 8).
  const precedentes = BAILLEURS_DEMO.map((b) => {
    const unites = parc.unites.get(b.id)!;
    const a = avecMenages(genererAnneePrecedente(b, unites, mobilite, annee - 1), unites);
    const lignes = lignesDeLAnnee(b.id, unites, a, (n) => `${b.id}-LOC-${annee - 1}-${String(n).padStart(4, '0')}`);
    return { b, unites, annee: a, lignes };
  });
  // The previous year's bilan is issued on 15 January at 10:00 (Paris) and sent three days later,
  // or on the demo's day if that comes first: nothing is dated after it.
  const jourEmission = minDate(aujourdhui, `${annee}-01-15`);
  const emisLe = new Date(`${jourEmission}T09:00:00Z`);
  const envoyeLe = new Date(`${minDate(aujourdhui, ajouterJours(jourEmission, 3))}T10:00:00Z`);
  let bilansEmis = 0;
  let envois = 0;
  const motsDePasse = await Promise.all(COMPTES_DEMO.map(() => hash(MOT_DE_PASSE_DEMO)));

  const lignesConventions: (typeof conventions.$inferInsert)[] = [];
  const lignesVersions: (typeof conventionVersions.$inferInsert)[] = [];
  for (const { b, unites } of annees) {
    for (const c of conventionsDuBailleur(unites)) {
      const id = idConvention(b.id, c);
      lignesConventions.push({ id, bailleurId: b.id, reservataireId: c.reservataire, departement: DEPARTEMENT_DEMO });
      lignesVersions.push({
        id: `${id}-V1`,
        conventionId: id,
        version: 1,
        // In force since the previous year, whose bilan the demo issues.
        effectifLe: `${annee - 1}-01-01`,
        taux: c.taux.toFixed(6),
        tauxAgents: c.tauxAgents !== undefined ? c.tauxAgents.toFixed(6) : null,
        parametres: c.parametres,
      });
    }
  }

  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${VERROU_DEMO})`);
    // Checked again under the lock: another process may have seeded meanwhile.
    if (!(await estVide(tx))) throw new Error(BASE_NON_VIDE);
    await inserer(tx, organisations, ORGANISATIONS);
    await tx.insert(utilisateurs).values(
      COMPTES_DEMO.map((c, i) => ({
        id: idUtilisateur(c),
        email: c.email,
        nom: c.nom,
        motDePasse: motsDePasse[i]!,
      })),
    );
    await tx.insert(adhesions).values(
      COMPTES_DEMO.map((c) => ({
        utilisateurId: idUtilisateur(c),
        organisationId: c.organisationId,
        role: c.role,
      })),
    );
    await tx
      .insert(epcis)
      .values([...cog.epcis.values()].sort((a, b) => (a.siren < b.siren ? -1 : 1)))
      .onConflictDoNothing();
    // The first-quartile thresholds of both years: the arrêtés' where known, else fictifs (ADR 0050).
    await inserer(
      tx,
      seuilsPremierQuartile,
      lignesSeuilsDemo([...precedentes, ...annees].map((x) => x.annee.scenario)),
    );
    await tx
      .insert(communes)
      .values(
        [...cog.communes.values()]
          .sort((a, b) => (a.code < b.code ? -1 : 1))
          .map((c) => ({ code: c.code, nom: c.nom, departement: DEPARTEMENT_DEMO, epci: c.epci })),
      )
      .onConflictDoNothing();
    // The APL zones of the Loiret (an approximation, marked as such: src/reference/zonage-demo.ts).
    await zonesAplDemo(tx, [...cog.communes.values()], SIREN_ORLEANS_METROPOLE);
    await chargerQpvEmbarques(tx);
    await inserer(tx, programmes, parc.programmes);
    for (const { unites } of annees)
      await inserer(
        tx,
        logements,
        unites.map((u) => u.logement),
      );
    await inserer(tx, conventions, lignesConventions);
    await inserer(tx, conventionVersions, lignesVersions);
    // The previous year first: its events take the lower ids, as they were recorded first.
    const insererLignes = async (lignes: Lignes): Promise<void> => {
      await inserer(tx, locations, lignes.locations);
      // In the scenario's order: the ids (bigserial) give it back.
      await inserer(tx, evenementsFlux, lignes.evenements);
      await inserer(tx, candidatures, lignes.candidatures);
      await inserer(tx, decisionsCal, lignes.decisions);
      await inserer(tx, baux, lignes.baux);
      await inserer(tx, delaisProposition, lignes.delais);
      await inserer(tx, sessionsCal, lignes.sessions);
      await inserer(tx, examensCal, lignes.examens);
      await inserer(tx, offresCal, lignes.offres);
    };
    for (const { lignes } of precedentes) await insererLignes(lignes);
    // Each bailleur issues the previous year's bilan through the server's use case (version 1, the
    // year locked), then marks it sent to its first recipients only: the others are still to send.
    for (const { b, lignes } of precedentes) {
      if (lignes.evenements.length === 0) continue;
      const c = COMPTES_DEMO.find((x) => x.role === 'agent_bailleur' && x.organisationId === b.id)!;
      const acteur: Acteur = {
        utilisateurId: idUtilisateur(c),
        organisationId: b.id,
        role: 'agent_bailleur',
        departement: DEPARTEMENT_DEMO,
        epci: null,
      };
      const emission = await emettreBilan(tx, acteur, { annee: annee - 1, departement: DEPARTEMENT_DEMO }, emisLe);
      const aEnvoyer = emission.destinataires.slice(0, Math.ceil(emission.destinataires.length / 2));
      for (const d of aEnvoyer) {
        await marquerEnvoye(
          tx,
          acteur,
          { annee: annee - 1, departement: DEPARTEMENT_DEMO, version: 1, organisationId: d.organisationId },
          envoyeLe,
        );
        envois++;
      }
      bilansEmis++;
    }
    // Then this year, replayed with the carry-over it inherits from that bilan, read as the server
    // reads it (ADR 0019): the orientations the bailleur decided are the engine's with it.
    for (const x of annees) {
      const herites = await reportsHerites(tx, { bailleurId: x.b.id, departement: DEPARTEMENT_DEMO, annee });
      const scenario: Scenario = {
        ...x.annee.scenario,
        conventions: x.annee.scenario.conventions.map((c) => {
          const report = herites?.reports.get(c.reservataire);
          return report === undefined ? c : { ...c, report };
        }),
      };
      x.annee = { ...x.annee, scenario };
      x.lignes = lignesDeLAnnee(x.b.id, x.unites, x.annee);
      calDeLAnnee(x.b.id, scenario, x.unites, x.lignes, cal.date(jusqua));
      await insererLignes(x.lignes);
    }
    // The cotation (issue 17): each EPCI of the stock adopts the demo's grid; the candidates'
    // demands, and more of Action Logement's, are held so that the screens show real notes.
    const epcisParc = annees.flatMap((x) => x.unites.map((u) => u.logement.epci ?? epciDeCommune(u.logement.commune)));
    await inserer(
      tx,
      grillesCotation,
      grillesDemo(
        epcisParc.filter((e): e is string => !!e && cog.epcis.has(e)),
        annee,
      ),
    );
    await inserer(
      tx,
      demandes,
      demandesDemo({
        aujourdhui,
        candidatures: annees.flatMap((x) => x.lignes.candidatures),
        locations: annees.flatMap((x) => x.lignes.locations),
        logements: new Map(annees.flatMap((x) => x.unites.map((u) => [u.logement.id, u.logement] as const))),
        communesEpci: [...cog.communes.values()].filter((c) => c.epci === SIREN_ORLEANS_METROPOLE).map((c) => c.code),
        actionLogement: ORG.actionLogement,
      }),
    );
    // The CALEOL's occupancy review (ADR 0044): a few households of the demo bailleur in place, and
    // the zones of L.442-5-2 as a fictitious list labelled as such.
    const caleol = occupationsDemo({
      aujourdhui,
      bailleurId: BAILLEURS_DEMO[0].id,
      logements: annees.flatMap((x) => x.unites.map((u) => u.logement)),
      logementsAvecLocation: new Set(
        [...precedentes, ...annees].flatMap((x) => x.lignes.locations.map((l) => l.logementId)),
      ),
      communesZone: [...cog.communes.values()].filter((c) => c.epci === SIREN_ORLEANS_METROPOLE).map((c) => c.code),
    });
    await inserer(tx, zonagesCommunes, caleol.zones);
    await inserer(tx, occupations, caleol.occupations);
  });
  // The planner's statistics and the visibility map of the tables just filled (PGlite has no
  // autovacuum; an import refreshes its statistics the same way, `analyser`):
  // without them it plans the lettings list for 28 rows and walks 3,385 units one by one.
  await db.execute(sql`vacuum analyze`);

  const somme = (f: (l: Lignes) => number): number => [...precedentes, ...annees].reduce((s, a) => s + f(a.lignes), 0);
  return {
    organisations: ORGANISATIONS.length,
    utilisateurs: COMPTES_DEMO.length,
    logements: annees.reduce((s, a) => s + a.unites.length, 0),
    programmes: parc.programmes.length,
    conventions: lignesConventions.length,
    locations: somme((l) => l.locations.length),
    evenements: somme((l) => l.evenements.length),
    candidatures: somme((l) => l.candidatures.length),
    decisionsCal: somme((l) => l.decisions.length),
    baux: somme((l) => l.baux.length),
    delaisProposition: somme((l) => l.delais.length),
    sessionsCal: somme((l) => l.sessions.length),
    offresCal: somme((l) => l.offres.length),
    communesRenumerotees: parc.communesRenumerotees,
    anneePrecedente: {
      annee: annee - 1,
      locations: precedentes.reduce((s, a) => s + a.lignes.locations.length, 0),
      baux: precedentes.reduce((s, a) => s + a.lignes.baux.length, 0),
      bilansEmis,
      envois,
      emisLe: emisLe.toISOString(),
    },
    annee,
    aujourdhui: cal.date(jusqua),
  };
}
