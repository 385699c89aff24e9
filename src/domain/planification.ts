/**
 * The Monte Carlo year (issue 18): before signing, what a set of conventions may give each party —
 * not one expected year but the range. Each run draws a year from the stated assumptions (units
 * freed at the observed turnover, by typology, with its seasonality and the spread of past years;
 * the PRU volume as a range; refusals and missed deadlines at observed rates) and runs the real
 * engine over it; the runs give, per ledger line, the distribution of its units, of its balance at
 * 31 December, the probability of ending behind its right by more than k units, and the month by
 * month workload (files to instruct, CAL examinations). The same draws run under each option
 * (counting rule, failures), so options differ by their rules only. Pure and seeded: the same plan
 * and seed give the same answer everywhere.
 */
import { Rng } from './aleatoire.ts';
import { ajouterJours } from './calendrier.ts';
import { simuler, type OptionsMoteur, type ResultatSimulation } from './engine.ts';
import { doitReecrire, reecrireTirage, type ReglesTirage } from './options-simulation.ts';
import type { CiblesPlan } from './suivi-plan.ts';
import {
  BAILLEUR,
  type Evenement,
  type RegleDecompte,
  type RegleReport,
  type Scenario,
  type Typologie,
} from './types.ts';

/** What the year is drawn from; rates are fractions of a year or of the lettings. */
export interface HypothesesAnnee {
  /** Share of the units freed in a year (turnover), unless `rotationParTypologie` says otherwise. */
  rotation: number;
  rotationParTypologie?: Partial<Record<Typologie, number>>;
  /** Turnover of past years: each run draws one of them and scales the rates by it over their mean. */
  historiqueRotation?: number[];
  /** Twelve monthly weights of the notices (January first); flat when absent. */
  saisonnalite?: number[];
  /** Share of lettings ending in a refusal (every candidate refuses, or the CAL allocates nobody). */
  refus: number;
  /** Share of lettings whose réservataire misses the proposal deadline. */
  sansCandidat: number;
  /** Units freed for PRU rehousing (out of the flow), a range [min, max] drawn uniformly. */
  pru?: [number, number];
  /** Days from the notice to the candidates, to the CAL, to the lease (defaults 15, 30, 45). */
  delais?: { candidats: number; cal: number; bail: number };
}

/**
 * An option to compare: the same draws under other rules (ADR 0045, 0049). `parLogement` and
 * `gestionDeleguee` rewrite the drawn year (`reecrireTirage`); `hypotheses` draws the years again
 * from the plan's seed with these assumptions in place (the history of the turnover).
 */
export interface OptionPlan extends ReglesTirage {
  nom: string;
  /** The option's assumptions in words (shown beside its name). */
  description?: string;
  decompte?: RegleDecompte;
  echecDecompte?: boolean;
  /** The carry-over rule of every convention (ADR 0005): what of the solde goes to next year. */
  regleReport?: RegleReport;
  /** Assumptions replacing the plan's for this option's draws (same seed, drawn again). */
  hypotheses?: Partial<HypothesesAnnee>;
  /** The allocation plan's segment targets the engine follows under this option (`OptionsMoteur.plan`). */
  plan?: CiblesPlan;
}

export interface Plan {
  /** The bailleur's stock (`logements`), réservataires and conventions; its events are not read. */
  scenario: Scenario;
  hypotheses: HypothesesAnnee;
  tirages: number;
  graine: number;
  /** Options beside the conventions as they are (the first, « conventions telles quelles »). */
  options?: OptionPlan[];
  /** k: a line is « en retard » when its balance at 31 December is below −k units (default 1). */
  seuilRetard?: number;
  /** The engine's options for every run (e.g. `plan`, the allocation plan's targets to follow). */
  moteur?: OptionsMoteur;
}

/** The 10th percentile, the median and the 90th percentile of a figure over the runs. */
export interface Fourchette {
  p10: number;
  mediane: number;
  p90: number;
}

export interface LignePlan {
  reservataire: string;
  droit: Fourchette;
  misADisposition: Fourchette;
  bauxSignes: Fourchette;
  solde: Fourchette;
  /** What the carry-over rule keeps of the solde for next year (ADR 0005). */
  reportAnneeSuivante: Fourchette;
  /** Share of the runs where the balance at 31 December is below −k. */
  probabiliteRetard: number;
  /** Units oriented to the line from 1 January to the end of each month (twelve ranges): the fan chart. */
  cumulMensuel: Fourchette[];
}

export interface ChargeMois {
  /** YYYY-MM. */
  mois: string;
  /** Files the réservataires instruct (candidates asked for each proposal), median over the runs, by line. */
  dossiers: Record<string, number>;
  /** Candidates the bailleur's CAL examines, median over the runs. */
  examensCal: number;
}

export interface ResultatOption {
  nom: string;
  description?: string;
  fluxAnnuel: Fourchette;
  lignes: LignePlan[];
  charge: ChargeMois[];
}

export interface ResultatPlan {
  tirages: number;
  graine: number;
  seuilRetard: number;
  options: ResultatOption[];
}

const JOURS_MOIS = (annee: number, m: number) => new Date(Date.UTC(annee, m + 1, 0)).getUTCDate();

/** One year of events drawn from the assumptions (notices in date order, then the lettings' steps). */
export function tirerAnnee(s: Scenario, h: HypothesesAnnee, rng: Rng): Evenement[] {
  const facteur =
    h.historiqueRotation && h.historiqueRotation.length > 0
      ? rng.pick(h.historiqueRotation) /
        (h.historiqueRotation.reduce((a, b) => a + b, 0) / h.historiqueRotation.length || 1)
      : 1;
  const poids = h.saisonnalite ?? Array.from({ length: 12 }, () => 1);
  const moisPoids = Object.fromEntries(poids.map((w, m) => [String(m), w])) as Record<string, number>;
  const liberes: { date: string; logement: string }[] = [];
  const unites = [...s.logements].filter((l) => l.horsFlux === null).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const l of unites) {
    const p = Math.min(1, (h.rotationParTypologie?.[l.typologie] ?? h.rotation) * facteur);
    if (!rng.chance(p)) continue;
    const m = Number(rng.weighted(moisPoids));
    const j = rng.int(1, JOURS_MOIS(s.annee, m));
    liberes.push({
      date: `${s.annee}-${String(m + 1).padStart(2, '0')}-${String(j).padStart(2, '0')}`,
      logement: l.id,
    });
  }
  liberes.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.logement < b.logement ? -1 : 1));
  const pru = h.pru ? Math.min(liberes.length, rng.int(h.pru[0], h.pru[1])) : 0;
  const relogements = new Set(rng.sample(liberes.length, pru));
  const d = h.delais ?? { candidats: 15, cal: 30, bail: 45 };
  const fin = `${s.annee}-12-31`;
  const evenements: Evenement[] = [];
  liberes.forEach(({ date, logement }, i) => {
    const exclu = relogements.has(i);
    evenements.push(
      exclu
        ? { date, type: 'liberation', logement, exclusion: 'relogement_anru' }
        : { date, type: 'liberation', logement },
    );
    const u = rng.next();
    const suite: Evenement[] = [];
    if (!exclu && u < h.sansCandidat) {
      suite.push({ date: ajouterJours(date, d.cal), type: 'sans_candidat', logement });
    } else if (u < h.sansCandidat + h.refus) {
      suite.push({ date: ajouterJours(date, d.candidats), type: 'candidats', logement, nombre: 3 });
      suite.push({ date: ajouterJours(date, d.cal), type: 'refus', logement });
    } else {
      suite.push({ date: ajouterJours(date, d.candidats), type: 'candidats', logement, nombre: 3 });
      suite.push({ date: ajouterJours(date, d.cal), type: 'decision_cal', logement, decision: 'attribution' });
      suite.push({ date: ajouterJours(date, d.bail), type: 'bail_signe', logement });
    }
    // What falls after 31 December stays in progress at year end.
    for (const e of suite) if (e.date <= fin) evenements.push(e);
  });
  return evenements;
}

/** The p-quantile of sorted values (nearest rank), rounded to 0.1. */
function quantile(tries: readonly number[], p: number): number {
  if (tries.length === 0) return 0;
  const i = Math.min(tries.length - 1, Math.max(0, Math.ceil(p * tries.length) - 1));
  return Math.round(tries[i]! * 10) / 10;
}

function fourchette(valeurs: number[]): Fourchette {
  const t = [...valeurs].sort((a, b) => a - b);
  return { p10: quantile(t, 0.1), mediane: quantile(t, 0.5), p90: quantile(t, 0.9) };
}

/** The scenario under an option's rules (the drawn year rewritten when the option says so). */
function sousOption(plan: Plan, o: OptionPlan | null, evenements: Evenement[], moteur?: OptionsMoteur): Scenario {
  const s = plan.scenario;
  const delegues = new Set(o?.gestionDeleguee?.lignes ?? []);
  const sous: Scenario = {
    ...s,
    evenements,
    conventions: o
      ? s.conventions.map((c) => ({
          ...c,
          ...(o.decompte ? { decompte: o.decompte } : {}),
          ...(o.echecDecompte !== undefined ? { echecDecompte: o.echecDecompte } : {}),
          ...(o.regleReport !== undefined ? { regleReport: o.regleReport } : {}),
          ...(delegues.has(c.reservataire) ? { gestion: 'deleguee' as const } : {}),
        }))
      : s.conventions,
  };
  if (!o || !doitReecrire(o)) return sous;
  // Pooled or delegated: the engine's first run says which line each unit goes to, then the year is rewritten.
  const h = { ...plan.hypotheses, ...o.hypotheses };
  const rearrange = reecrireTirage(sous, o, simuler(sous, moteur).orientations, {
    graine: plan.graine,
    delais: h.delais ?? { candidats: 15, cal: 30, bail: 45 },
    sansCandidat: h.sansCandidat,
  });
  return { ...sous, evenements: rearrange };
}

/** The workload of one run by month: files per line (candidates asked per proposal) and CAL examinations. */
function chargeDuTirage(
  s: Scenario,
  evenements: readonly Evenement[],
  r: ResultatSimulation,
): Map<string, { dossiers: Map<string, number>; examens: number }> {
  const ligneDe = new Map<string, string>();
  for (const o of r.orientations) if (o.reservataire) ligneDe.set(o.logement, o.reservataire);
  // A pooled unit: every member instructs its files; a delegated line's files are the bailleur's.
  const membres = new Map<string, readonly string[]>();
  for (const o of r.orientations) if (o.pool) membres.set(o.logement, o.pool);
  const demandes = new Map(s.conventions.map((c) => [c.reservataire, c.candidatsDemandes]));
  const instruitPar = new Map(
    s.conventions.map((c) => [c.reservataire, c.gestion === 'deleguee' ? BAILLEUR : c.reservataire]),
  );
  const parMois = new Map<string, { dossiers: Map<string, number>; examens: number }>();
  const mois = (m: string) => {
    let x = parMois.get(m);
    if (!x) parMois.set(m, (x = { dossiers: new Map(), examens: 0 }));
    return x;
  };
  for (const e of evenements) {
    if (e.type === 'candidats') {
      const x = mois(e.date.slice(0, 7));
      for (const ligne of membres.get(e.logement) ?? [ligneDe.get(e.logement) ?? BAILLEUR]) {
        const qui = instruitPar.get(ligne) ?? ligne;
        x.dossiers.set(qui, (x.dossiers.get(qui) ?? 0) + (demandes.get(ligne) ?? e.nombre));
      }
    } else if (e.type === 'decision_cal' || e.type === 'refus') {
      mois(e.date.slice(0, 7)).examens += demandes.get(ligneDe.get(e.logement) ?? '') ?? 3;
    }
  }
  return parMois;
}

/** Units oriented to `ligne` from 1 January to the end of each month of one run. */
function cumulParMois(r: ResultatSimulation, ligne: string): number[] {
  const parMois = Array.from({ length: 12 }, () => 0);
  for (const o of r.orientations) if (o.reservataire === ligne) parMois[Number(o.date.slice(5, 7)) - 1]!++;
  for (let m = 1; m < 12; m++) parMois[m]! += parMois[m - 1]!;
  return parMois;
}

/** Runs the plan: `tirages` years drawn once, each run under every option. */
export function planifier(plan: Plan): ResultatPlan {
  const etapes = planifierPasAPas(plan);
  for (;;) {
    const n = etapes.next();
    if (n.done) return n.value;
  }
}

/**
 * `planifier` one engine run at a time: the generator yields after each run, so that a server can
 * give the event loop back between runs; the result is the same, byte for byte.
 */
export function* planifierPasAPas(plan: Plan): Generator<void, ResultatPlan, void> {
  const rng = new Rng(plan.graine);
  const k = plan.seuilRetard ?? 1;
  const options: (OptionPlan | null)[] = [null, ...(plan.options ?? [])];
  // Drawn as the first option's runs need them, in the same order (nothing else reads the generator):
  // the same years as drawing them all first, without holding the caller for all the draws at once.
  const annees: Evenement[][] = [];
  const moisDeLAnnee = Array.from({ length: 12 }, (_, m) => `${plan.scenario.annee}-${String(m + 1).padStart(2, '0')}`);
  const sorties: ResultatOption[] = [];
  for (const o of options) {
    // Only what the ranges read is kept of each run (a département's run holds thousands of explained orientations).
    const resultats: {
      r: { bilan: ResultatSimulation['bilan']; flux: { fluxAnnuel: number } };
      cumuls: number[][];
      charge: ReturnType<typeof chargeDuTirage>;
    }[] = [];
    // An option with its own assumptions draws its years again from the same seed.
    const propre = o?.hypotheses ? { rng: new Rng(plan.graine), h: { ...plan.hypotheses, ...o.hypotheses } } : null;
    for (let i = 0; i < plan.tirages; i++) {
      const evenements = propre
        ? tirerAnnee(plan.scenario, propre.h, propre.rng)
        : (annees[i] ??= tirerAnnee(plan.scenario, plan.hypotheses, rng));
      const moteur = o?.plan ? { ...plan.moteur, plan: o.plan } : plan.moteur;
      const s = sousOption(plan, o, evenements, moteur);
      const r = simuler(s, moteur);
      resultats.push({
        r: { bilan: r.bilan, flux: { fluxAnnuel: r.flux.fluxAnnuel } },
        cumuls: r.bilan.map((l) => cumulParMois(r, l.reservataire)),
        charge: chargeDuTirage(s, s.evenements, r),
      });
      yield;
    }
    const ids = resultats[0]?.r.bilan.map((l) => l.reservataire) ?? [];
    const lignes = ids.map((id, i): LignePlan => {
      const de = (f: (l: ResultatSimulation['bilan'][number]) => number) => resultats.map(({ r }) => f(r.bilan[i]!));
      const soldes = de((l) => l.solde);
      const cumuls = resultats.map((x) => x.cumuls[i]!);
      return {
        reservataire: id,
        droit: fourchette(de((l) => l.droit)),
        misADisposition: fourchette(de((l) => l.misADisposition)),
        bauxSignes: fourchette(de((l) => l.bauxSignes)),
        solde: fourchette(soldes),
        reportAnneeSuivante: fourchette(de((l) => l.reportAnneeSuivante)),
        probabiliteRetard: soldes.filter((x) => x < -k).length / Math.max(1, soldes.length),
        cumulMensuel: Array.from({ length: 12 }, (_, m) => fourchette(cumuls.map((c) => c[m]!))),
      };
    });
    const charge = moisDeLAnnee.map((mois): ChargeMois => {
      const dossiers: Record<string, number> = {};
      for (const id of ids)
        dossiers[id] = fourchette(resultats.map(({ charge }) => charge.get(mois)?.dossiers.get(id) ?? 0)).mediane;
      return {
        mois,
        dossiers,
        examensCal: fourchette(resultats.map(({ charge }) => charge.get(mois)?.examens ?? 0)).mediane,
      };
    });
    sorties.push({
      nom: o?.nom ?? 'conventions telles quelles',
      ...(o?.description ? { description: o.description } : {}),
      fluxAnnuel: fourchette(resultats.map(({ r }) => r.flux.fluxAnnuel)),
      lignes,
      charge,
    });
  }
  return { tirages: plan.tirages, graine: plan.graine, seuilRetard: k, options: sorties };
}

const arrondi3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The assumptions a stored or replayed year shows (`flux simulate --monte-carlo`, the « Simulation »
 * page): the turnover by typology (units of the flow freed ÷ units of the flow), the months of the
 * notices, the shares of the lettings ending in a refusal or a missed deadline, and the PRU volume
 * (notices excluded for ANRU rehousing) as a one-point range. Other exclusions (internal transfers,
 * other rehousing) are not drawn: their units stay in the flow. A year without any notice gives
 * turnover 0 and flat months.
 */
export function hypothesesObservees(s: Scenario): HypothesesAnnee {
  const typologieDe = new Map<string, Typologie>();
  const parc = new Map<Typologie, number>();
  for (const l of s.logements)
    if (l.horsFlux === null) {
      typologieDe.set(l.id, l.typologie);
      parc.set(l.typologie, (parc.get(l.typologie) ?? 0) + 1);
    }
  const liberes = new Map<Typologie, number>();
  const mois = Array.from({ length: 12 }, () => 0);
  let pru = 0;
  let dansLeFlux = 0;
  const vus = new Set<string>();
  for (const e of s.evenements) {
    if (e.type !== 'liberation') continue;
    const t = typologieDe.get(e.logement);
    // A unit freed twice in the year counts once: a draw frees each unit at most once.
    if (t === undefined || vus.has(e.logement)) continue;
    vus.add(e.logement);
    liberes.set(t, (liberes.get(t) ?? 0) + 1);
    mois[Number(e.date.slice(5, 7)) - 1]!++;
    if (e.exclusion === 'relogement_anru') pru++;
    else if (!e.exclusion) dansLeFlux++;
  }
  const fins = { refus: 0, sansCandidat: 0 };
  for (const e of s.evenements)
    if (e.type === 'refus') fins.refus++;
    else if (e.type === 'sans_candidat') fins.sansCandidat++;
  const unites = [...parc.values()].reduce((a, b) => a + b, 0);
  const total = [...liberes.values()].reduce((a, b) => a + b, 0);
  const rotationParTypologie: Partial<Record<Typologie, number>> = {};
  for (const [t, n] of [...parc].sort(([a], [b]) => (a < b ? -1 : 1)))
    rotationParTypologie[t] = arrondi3((liberes.get(t) ?? 0) / n);
  const part = (n: number) => (dansLeFlux > 0 ? Math.min(1, n / dansLeFlux) : 0);
  const refus = arrondi3(part(fins.refus));
  const sansCandidat = arrondi3(Math.min(1 - refus, part(fins.sansCandidat)));
  return {
    rotation: unites > 0 ? arrondi3(total / unites) : 0,
    rotationParTypologie,
    ...(total > 0 ? { saisonnalite: mois } : {}),
    refus,
    sansCandidat,
    pru: [pru, pru],
  };
}

/** The options every comparison shows: the same draws counted at orientation, attribution, lease. */
export const OPTIONS_DECOMPTE: readonly OptionPlan[] = [
  { nom: 'décompte à l’orientation', decompte: 'mise_a_disposition' },
  { nom: 'décompte à l’attribution', decompte: 'attribution' },
  { nom: 'décompte au bail signé', decompte: 'bail_signe' },
];
