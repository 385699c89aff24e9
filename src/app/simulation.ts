/**
 * Use case of the « Simulation » page (issue 18 items 2–5): the Monte Carlo year of a stored year.
 * The stock in the flow (every unit of the bailleur × département still in RPLS), the réservataires
 * and conventions of the year, and the flow observed in its events give the assumptions
 * (`hypothesesObservees`); the reader edits the number of runs, the seed, the PRU range, the refusal
 * rate and the visits per candidate; the runs go through the engine under the conventions as they
 * are and counted at orientation, attribution and lease (`planifier`).
 *
 * Who: the bailleur (its own), the State pilot (any bailleur of its département), a réservataire
 * holding a convention or reservations with the bailleur — its own line only. Reads, no write.
 */
import { and, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { evenementsFlux, logements } from '../db/schema.ts';
import { TIRAGES_MAX_API, type ReponseSimulation, type simulationQuerySchema } from '../contracts/simulation.ts';
import { DESCRIPTION_TELLES_QUELLES, optionsComparees, type HistoriqueRotation } from '../domain/options-comparees.ts';
import {
  hypothesesObservees,
  planifierPasAPas,
  type HypothesesAnnee,
  type Plan,
  type ResultatPlan,
} from '../domain/planification.ts';
import { fluxPrevuParSegment, planifierAttribution, preparerPlan } from '../domain/plan-attribution.ts';
import type { CiblesPlan } from '../domain/suivi-plan.ts';
import { BAILLEUR, type Scenario } from '../domain/types.ts';
import type { z } from 'zod';
import { COLONNES_LOGEMENT, resultatAnnee, versLogement } from './annee.ts';
import { perimetreAutorise } from './etat-des-lieux.ts';
import { solveurHighs } from './solveur-lineaire.ts';
import type { Acteur } from './roles.ts';
import { completerEpci } from './scenario.ts';
import { filsParDefaut, planifierEnParallele, type OptionsParalleles } from './tirages-paralleles.ts';

export type DemandeSimulation = z.output<typeof simulationQuerySchema>;

const dixieme = (x: number) => Math.round(x * 10) / 10;

/** The latest year with events of a bailleur × département, else the current year. */
async function derniereAnnee(tx: Tx, bailleurId: string, departement: string, anneeCourante: number): Promise<number> {
  const [r] = await tx
    .select({ annee: evenementsFlux.annee })
    .from(evenementsFlux)
    .where(
      and(
        eq(evenementsFlux.bailleurId, bailleurId),
        eq(evenementsFlux.departement, departement),
        // A year to come holds no observed flow; the current one, in progress, is the latest seen.
        lte(evenementsFlux.annee, anneeCourante),
      ),
    )
    .orderBy(desc(evenementsFlux.annee))
    .limit(1);
  return r?.annee ?? anneeCourante;
}

/** The stored year with the whole stock in the flow, not only the units its events name. */
async function scenarioDuParc(
  tx: Tx,
  cle: { bailleurId: string; departement: string; annee: number },
): Promise<Scenario> {
  const { scenario } = await resultatAnnee(tx, cle);
  const stock = (
    await tx
      .select(COLONNES_LOGEMENT)
      .from(logements)
      .where(
        and(
          eq(logements.bailleurId, cle.bailleurId),
          eq(logements.departement, cle.departement),
          isNull(logements.absentRplsDepuis),
        ),
      )
  ).map(versLogement);
  const ids = new Set(stock.map((l) => l.id));
  const unites = [...stock, ...scenario.logements.filter((l) => !ids.has(l.id))].sort((a, b) => (a.id < b.id ? -1 : 1));
  return completerEpci({ ...scenario, logements: unites });
}

/** The observed assumptions with the reader's edits. */
export function hypothesesEditees(observees: HypothesesAnnee, d: DemandeSimulation): HypothesesAnnee {
  const refus = d.refus ?? observees.refus;
  const [a, b] = observees.pru ?? [0, 0];
  const pruMin = d.pruMin ?? (d.pruMax !== undefined ? Math.min(a, d.pruMax) : a);
  const pruMax = d.pruMax ?? Math.max(b, pruMin);
  return {
    ...observees,
    refus,
    sansCandidat: Math.min(observees.sansCandidat, 1 - refus),
    pru: [pruMin, pruMax],
  };
}

/** What the runs need, read in one transaction; the runs themselves go outside it (`calculerSimulation`). */
export interface SimulationPreparee {
  acteur: Acteur;
  demande: DemandeSimulation;
  bailleur: { id: string; nom: string };
  departement: string;
  annee: number;
  scenario: Scenario;
  /** The turnover of the two years before `annee` read in their stored events (those that have some). */
  rotationsPassees: { annee: number; rotation: number }[];
}

/**
 * The turnover of the years before `annee` that hold stored events: the units of today's flow
 * freed in that year ÷ the units of today's flow (the stock as it is now: a unit sold or demolished
 * since is not counted, a unit delivered since lowers the rate a little).
 */
async function rotationsPassees(
  tx: Tx,
  cle: { bailleurId: string; departement: string; annee: number },
  flux: ReadonlySet<string>,
): Promise<{ annee: number; rotation: number }[]> {
  const annees = [cle.annee - 2, cle.annee - 1];
  const rows = await tx
    .select({ annee: evenementsFlux.annee, logement: sql<string>`${evenementsFlux.evenement}->>'logement'` })
    .from(evenementsFlux)
    .where(
      and(
        eq(evenementsFlux.bailleurId, cle.bailleurId),
        eq(evenementsFlux.departement, cle.departement),
        inArray(evenementsFlux.annee, annees),
        sql`${evenementsFlux.evenement}->>'type' = 'liberation'`,
      ),
    );
  if (flux.size === 0) return [];
  return annees.flatMap((annee) => {
    const liberes = new Set(rows.filter((r) => r.annee === annee && flux.has(r.logement)).map((r) => r.logement));
    return liberes.size > 0 ? [{ annee, rotation: Math.round((liberes.size / flux.size) * 1000) / 1000 }] : [];
  });
}

/** The history the « 3 ans » option replays: entered by the reader, else the stored years, with the observed one. */
export function historiqueRetenu(
  d: DemandeSimulation,
  annee: number,
  stockees: readonly { annee: number; rotation: number }[],
  observee: number,
): HistoriqueRotation | null {
  if (d.historique && d.historique.length > 0) {
    const n = d.historique.length;
    return {
      annees: [...d.historique.map((_, i) => annee - n + i), annee],
      rotations: [...d.historique, observee],
      source: 'saisie',
    };
  }
  if (stockees.length === 0) return null;
  return {
    annees: [...stockees.map((x) => x.annee), annee],
    rotations: [...stockees.map((x) => x.rotation), observee],
    source: 'stockee',
  };
}

/** Whose year a simulation runs: the bailleur and département the reader may see, and the stored year. */
export interface CadreSimulation {
  bailleur: { id: string; nom: string };
  departement: string;
  annee: number;
}

export async function cadreSimulation(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeSimulation,
  anneeCourante: number,
): Promise<CadreSimulation> {
  const { bailleur, departement } = await perimetreAutorise(tx, acteur, demande);
  const annee = demande.annee ?? (await derniereAnnee(tx, bailleur.id, departement, anneeCourante));
  return { bailleur, departement, annee };
}

/** The stock, conventions and past turnover of a year whose scope was checked (`cadreSimulation`). */
export async function lireSimulation(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeSimulation,
  { bailleur, departement, annee }: CadreSimulation,
): Promise<SimulationPreparee> {
  const scenario = await scenarioDuParc(tx, { bailleurId: bailleur.id, departement, annee });
  const flux = new Set(scenario.logements.filter((l) => l.horsFlux === null).map((l) => l.id));
  const passees = await rotationsPassees(tx, { bailleurId: bailleur.id, departement, annee }, flux);
  return { acteur, demande, bailleur, departement, annee, scenario, rotationsPassees: passees };
}

export async function preparerSimulation(
  tx: Tx,
  acteur: Acteur,
  demande: DemandeSimulation,
  anneeCourante: number,
): Promise<SimulationPreparee> {
  return lireSimulation(tx, acteur, demande, await cadreSimulation(tx, acteur, demande, anneeCourante));
}

/**
 * The key of a simulation's whole answer: the year and every assumption asked, whatever the reader
 * (a réservataire's answer is the same runs with the other lines removed, `pourLecteur`).
 */
export function cleSimulation(cadre: CadreSimulation, demande: DemandeSimulation): string {
  const hypotheses = Object.entries(demande)
    .filter(([k, v]) => v !== undefined && k !== 'bailleur' && k !== 'departement' && k !== 'annee')
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `simulation|${cadre.bailleur.id}|${cadre.departement}|${cadre.annee}|${JSON.stringify(hypotheses)}`;
}

/** The option where the engine follows the allocation plan (ADR 0042) computed for these assumptions. */
export const OPTION_PLAN = 'suivi du plan d’attribution';

/**
 * The allocation plan's segment targets for the year's conventions, over the flow the assumptions
 * forecast (`fluxPrevuParSegment`), solved with HiGHS: what the engine follows under `OPTION_PLAN`.
 */
async function ciblesDuPlan(scenario: Scenario, hypotheses: HypothesesAnnee): Promise<CiblesPlan> {
  const segments = fluxPrevuParSegment(scenario, hypotheses);
  const r = planifierAttribution(preparerPlan(scenario, segments), await solveurHighs());
  return Object.fromEntries(r.lignes.map((l) => [l.ligne, l.parSegment]));
}

/** How long the runs hold the event loop before giving it back to the other requests. */
const TRANCHE_MS = 20;

/**
 * The runs: in worker threads when they are many enough to pay for the workers' start (ADR 0048),
 * the event loop then free; otherwise here, one engine run at a time, the event loop given back
 * every ~20 ms, so the other requests go on while a simulation runs (the number of runs is bounded
 * by the contract). The same answer either way.
 */
async function executer(plan: Plan, parallele: OptionsParalleles): Promise<ResultatPlan> {
  const fils = parallele.fils ?? filsParDefaut(plan.tirages, 1 + (plan.options?.length ?? 0));
  if (fils > 1) return planifierEnParallele(plan, { ...parallele, fils, ceFil: false });
  const etapes = planifierPasAPas(plan);
  let debut = performance.now();
  let n = etapes.next();
  while (!n.done) {
    if (performance.now() - debut > TRANCHE_MS) {
      await new Promise((fin) => setImmediate(fin));
      debut = performance.now();
    }
    n = etapes.next();
  }
  return n.value;
}

/** What the reader may see of a simulation: a réservataire its own line (and its own files), others everything. */
export function pourLecteur(r: ReponseSimulation, acteur: Acteur): ReponseSimulation {
  if (acteur.role !== 'agent_reservataire') return r;
  const voit = (ligne: string) => ligne === acteur.organisationId;
  return {
    ...r,
    options: r.options.map((o) => ({
      ...o,
      lignes: o.lignes.filter((l) => voit(l.reservataire)),
      charge: o.charge.map((m) => ({
        ...m,
        dossiers: Object.fromEntries(Object.entries(m.dossiers).filter(([id]) => voit(id))),
      })),
    })),
  };
}

/** The runs and the answer as the reader of `p` may see it. */
export async function calculerSimulation(
  p: SimulationPreparee,
  parallele: OptionsParalleles = {},
): Promise<ReponseSimulation> {
  return pourLecteur(await simulationComplete(p, parallele), p.acteur);
}

/** The runs and the answer with every line: the same for every reader of this year and these assumptions. */
export async function simulationComplete(
  p: SimulationPreparee,
  parallele: OptionsParalleles = {},
): Promise<ReponseSimulation> {
  const { demande, bailleur, departement, annee, scenario } = p;
  const observees = hypothesesObservees(scenario);
  const hypotheses = hypothesesEditees(observees, demande);
  const historique = historiqueRetenu(demande, annee, p.rotationsPassees, observees.rotation);
  const comparees = optionsComparees(scenario, hypotheses, {
    sansCandidatDelegue: demande.sansCandidatDelegue,
    plafondReport: demande.plafondReport,
    historique,
  });
  const plan: Plan = {
    scenario,
    hypotheses,
    tirages: demande.tirages,
    graine: demande.graine,
    options: [
      ...comparees.options,
      {
        nom: OPTION_PLAN,
        description:
          'Le moteur suit le plan d’attribution (programme linéaire, ADR 0042) calculé sur le flux que ces hypothèses prévoient, sous la garde du quota.',
        plan: await ciblesDuPlan(scenario, hypotheses),
      },
    ],
    seuilRetard: demande.seuil,
  };
  const r = await executer(plan, parallele);
  const noms = new Map(scenario.reservataires.map((x) => [x.id, x.nom]));
  noms.set(BAILLEUR, `${bailleur.nom} (part propre)`);
  return {
    bailleur,
    departement,
    annee,
    parc: scenario.logements.filter((l) => l.horsFlux === null).length,
    observees: {
      rotation: observees.rotation,
      refus: observees.refus,
      sansCandidat: observees.sansCandidat,
      pru: observees.pru ?? [0, 0],
      saisonnalite: observees.saisonnalite ?? null,
    },
    hypotheses: {
      rotation: hypotheses.rotation,
      refus: hypotheses.refus,
      sansCandidat: hypotheses.sansCandidat,
      pru: hypotheses.pru ?? [0, 0],
      visitesParCandidat: demande.visitesParCandidat,
      sansCandidatDelegue: Math.min(demande.sansCandidatDelegue, hypotheses.sansCandidat),
      plafondReport: demande.plafondReport,
      historique,
    },
    tirages: r.tirages,
    graine: r.graine,
    tiragesMax: TIRAGES_MAX_API,
    seuilRetard: r.seuilRetard,
    options: r.options.map((o) => ({
      nom: o.nom,
      description: o.description ?? DESCRIPTION_TELLES_QUELLES,
      fluxAnnuel: o.fluxAnnuel,
      lignes: o.lignes.map((l) => ({ ...l, nom: noms.get(l.reservataire) ?? '' })),
      charge: o.charge.map((m) => ({
        mois: m.mois,
        dossiers: m.dossiers,
        examensCal: m.examensCal,
        visites: dixieme(m.examensCal * demande.visitesParCandidat),
      })),
    })),
    optionsAbsentes: comparees.absentes,
  };
}
