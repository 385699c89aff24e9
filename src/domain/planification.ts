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
import {
  ATTRIBUTION,
  BAIL_SIGNE,
  CANDIDATS,
  CANDIDATS_TIRES,
  evenementsCompacts,
  LIBERATION,
  LIBERATION_ANRU,
  REFUS,
  SANS_CANDIDAT,
  type AnneeCompacte,
} from './annee-compacte.ts';
import { ajouterJours } from './calendrier.ts';
import { preparerAnnees, type AnneeCourte, type OptionsMoteur } from './engine.ts';
import { doitReecrire, reecrireTirage, type ReglesTirage } from './options-simulation.ts';
import type { CiblesPlan } from './suivi-plan.ts';
import {
  BAILLEUR,
  type Evenement,
  type Logement,
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
 * from the plan's seed with these assumptions in place (the history of the turnover). Plain data:
 * a worker thread receives it (ADR 0048).
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

/**
 * `tirerAnnee` with what does not change from one draw to the next computed once (the units in the
 * flow sorted by id, their turnover, the months' weights, the year's dates and the dates the delays
 * give): the Monte Carlo draws hundreds of years of the same stock. With `evenements` false, the
 * draw makes the same calls to `rng` and builds nothing: it moves a generator past a year (a
 * worker starting at the n-th year needs the generator as the n − 1 years before left it).
 */
export function preparerTirage(s: Scenario, h: HypothesesAnnee): (rng: Rng, evenements?: boolean) => Evenement[] {
  const tirer = preparerTirageCompact(s, h);
  return (rng, construire = true) => {
    const a = tirer(rng, construire);
    return construire ? evenementsCompacts(a) : [];
  };
}

/**
 * `preparerTirage` giving the year as numbers (`AnneeCompacte`, ADR 0051): the same calls to
 * `rng`, the same events in the same order, none built as an object.
 */
export function preparerTirageCompact(
  s: Scenario,
  h: HypothesesAnnee,
): (rng: Rng, evenements?: boolean) => AnneeCompacte {
  const historique = h.historiqueRotation && h.historiqueRotation.length > 0 ? h.historiqueRotation : null;
  const moyenne = historique ? historique.reduce((a, b) => a + b, 0) / historique.length || 1 : 1;
  const poids = h.saisonnalite ?? Array.from({ length: 12 }, () => 1);
  // `Rng.weighted` over { '0': w0, '1': w1, … }: the same total, summed in the same order.
  const totalPoids = poids.reduce((t, w) => t + w, 0);
  const unites = [...s.logements].filter((l) => l.horsFlux === null).sort((a, b) => (a.id < b.id ? -1 : 1));
  const indiceDe = new Map(s.logements.map((l, k) => [l, k]));
  const indices = Int32Array.from(unites, (l) => indiceDe.get(l)!);
  const rotations = Float64Array.from(unites, (l) => h.rotationParTypologie?.[l.typologie] ?? h.rotation);
  // Day k of the year (0 = 1 January) and its date; the days each delay gives, −1 past 31 December.
  const premierJour: number[] = [];
  const joursMois = Array.from({ length: 12 }, (_, m) => JOURS_MOIS(s.annee, m));
  const dates: string[] = [];
  const moisDuJour: number[] = [];
  for (let m = 0; m < 12; m++) {
    premierJour.push(dates.length);
    for (let j = 1; j <= joursMois[m]!; j++) {
      dates.push(`${s.annee}-${String(m + 1).padStart(2, '0')}-${String(j).padStart(2, '0')}`);
      moisDuJour.push(m);
    }
  }
  const mois = Uint8Array.from(moisDuJour);
  const jourDe = new Map(dates.map((date, k) => [date, k]));
  const d = h.delais ?? { candidats: 15, cal: 30, bail: 45 };
  const fin = `${s.annee}-12-31`;
  const apres = (n: number) =>
    Int32Array.from(dates, (date) => {
      const x = ajouterJours(date, n);
      // What falls after 31 December stays in progress at year end.
      return x <= fin ? jourDe.get(x)! : -1;
    });
  const candidats = apres(d.candidats);
  const cal = apres(d.cal);
  const bail = apres(d.bail);
  // The freed units and their days, reused from one draw to the next (a draw is read before the next).
  const libres = new Int32Array(unites.length);
  const joursLibres = new Uint16Array(unites.length);
  const parJour = new Int32Array(dates.length + 1);
  return (rng, construire = true) => {
    const facteur = historique ? rng.pick(historique) / moyenne : 1;
    let nombre = 0;
    for (let u = 0; u < unites.length; u++) {
      const p = Math.min(1, rotations[u]! * facteur);
      if (!rng.chance(p)) continue;
      let v = rng.next() * totalPoids;
      let m = poids.length - 1;
      for (let k = 0; k < poids.length; k++) {
        if (v < poids[k]!) {
          m = k;
          break;
        }
        v -= poids[k]!;
      }
      const j = rng.int(1, joursMois[m]!);
      libres[nombre] = u;
      joursLibres[nombre] = premierJour[m]! + j - 1;
      nombre++;
    }
    const pru = h.pru ? Math.min(nombre, rng.int(h.pru[0], h.pru[1])) : 0;
    const relogements = new Uint8Array(nombre);
    for (const x of rng.sample(nombre, pru)) relogements[x] = 1;
    if (!construire) {
      for (let i = 0; i < nombre; i++) rng.next();
      return anneeVide(dates, mois, s.logements);
    }
    // The freed units by day, each day's in id order: the order of sorting them by date, then id.
    parJour.fill(0);
    for (let x = 0; x < nombre; x++) parJour[joursLibres[x]! + 1]!++;
    for (let k = 1; k < parJour.length; k++) parJour[k]! += parJour[k - 1]!;
    const parDate = new Int32Array(nombre);
    for (let x = 0; x < nombre; x++) parDate[parJour[joursLibres[x]!]!++] = x;
    const types = new Uint8Array(4 * nombre);
    const jours = new Uint16Array(4 * nombre);
    const qui = new Int32Array(4 * nombre);
    let n = 0;
    const ajouter = (type: number, jour: number, unite: number) => {
      types[n] = type;
      jours[n] = jour;
      qui[n++] = unite;
    };
    for (let i = 0; i < nombre; i++) {
      const x = parDate[i]!;
      const k = joursLibres[x]!;
      const unite = indices[libres[x]!]!;
      const exclu = relogements[i] === 1;
      ajouter(exclu ? LIBERATION_ANRU : LIBERATION, k, unite);
      const r = rng.next();
      const c = candidats[k]!;
      const a = cal[k]!;
      const b = bail[k]!;
      if (!exclu && r < h.sansCandidat) {
        if (a >= 0) ajouter(SANS_CANDIDAT, a, unite);
      } else if (r < h.sansCandidat + h.refus) {
        if (c >= 0) ajouter(CANDIDATS, c, unite);
        if (a >= 0) ajouter(REFUS, a, unite);
      } else {
        if (c >= 0) ajouter(CANDIDATS, c, unite);
        if (a >= 0) ajouter(ATTRIBUTION, a, unite);
        if (b >= 0) ajouter(BAIL_SIGNE, b, unite);
      }
    }
    // The events by date, ties in index order: a counting sort on the day.
    const compte = new Int32Array(dates.length + 1);
    for (let i = 0; i < n; i++) compte[jours[i]! + 1]!++;
    for (let k = 1; k < compte.length; k++) compte[k]! += compte[k - 1]!;
    const ordre = new Int32Array(n);
    for (let i = 0; i < n; i++) ordre[compte[jours[i]!]!++] = i;
    return { n, types, jours, unites: qui, ordre, dates, mois, logements: s.logements };
  };
}

const anneeVide = (dates: readonly string[], mois: Uint8Array, logements: readonly Logement[]): AnneeCompacte => ({
  n: 0,
  types: new Uint8Array(0),
  jours: new Uint16Array(0),
  unites: new Int32Array(0),
  ordre: new Int32Array(0),
  dates,
  mois,
  logements,
});

/** One year of events drawn from the assumptions (notices in date order, then the lettings' steps). */
export function tirerAnnee(s: Scenario, h: HypothesesAnnee, rng: Rng): Evenement[] {
  return preparerTirage(s, h)(rng);
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

/** The scenario under an option's rules (the drawn year is rewritten by the runs, `mesurerTirages`). */
function sousOption(s: Scenario, o: OptionPlan | null, evenements: Evenement[]): Scenario {
  const delegues = new Set(o?.gestionDeleguee?.lignes ?? []);
  return {
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
}

/**
 * What the ranges read of one run under one option — plain numbers, so that a worker thread can
 * send them back. Lines in the ledger's order (the conventions', then the bailleur's share).
 */
export interface MesureTirage {
  fluxAnnuel: number;
  droit: number[];
  misADisposition: number[];
  bauxSignes: number[];
  solde: number[];
  reportAnneeSuivante: number[];
  /** By line, the units oriented to it from 1 January to the end of each month (12). */
  cumuls: number[][];
  /** By month (12), the files each line instructs (candidates asked for each proposal). */
  dossiers: number[][];
  /** By month (12), the candidates the bailleur's CAL examines. */
  examens: number[];
}

/** The plan made ready for its runs: the draw, and the engine made ready under each option. */
export interface PlanPrepare {
  plan: Plan;
  tirer: (rng: Rng, evenements?: boolean) => AnneeCompacte;
  options: {
    nom: string;
    description?: string;
    annee: ReturnType<typeof preparerAnnees>;
    /** The line's index of each réservataire, and the candidates its convention asks for each proposal. */
    indexLigne: Map<string, number>;
    demandes: Map<string, number>;
    /** The line whose column counts a réservataire's files: the bailleur's for a delegated line. */
    instruitPar: Map<string, number>;
    /** The option's own draw (its `hypotheses`), from its own generator seeded with the plan's seed. */
    tirer: ((rng: Rng, evenements?: boolean) => AnneeCompacte) | null;
    /** Pooled or delegated: the drawn year rewritten after a first run (`reecrireTirage`). */
    reecriture: {
      regles: ReglesTirage;
      scenario: Scenario;
      delais: { candidats: number; cal: number; bail: number };
      sansCandidat: number;
    } | null;
  }[];
  /** The ledger's lines: the conventions' réservataires, then the bailleur's share. */
  lignes: string[];
}

/** Checks the plan's scenario once per option and prepares the draw; throws `DonneesInvalides` as `simuler` would. */
export function preparerPlanification(plan: Plan): PlanPrepare {
  const options: (OptionPlan | null)[] = [null, ...(plan.options ?? [])];
  const lignes = [...plan.scenario.conventions.map((c) => c.reservataire), BAILLEUR];
  return {
    plan,
    tirer: preparerTirageCompact(plan.scenario, plan.hypotheses),
    lignes,
    options: options.map((o) => {
      const s = sousOption(plan.scenario, o, []);
      const indexLigne = new Map(lignes.map((id, i) => [id, i]));
      const h = { ...plan.hypotheses, ...o?.hypotheses };
      const delegues = new Set(o?.gestionDeleguee?.lignes ?? []);
      return {
        nom: o?.nom ?? 'conventions telles quelles',
        ...(o?.description ? { description: o.description } : {}),
        annee: preparerAnnees(s, o?.plan ? { ...plan.moteur, plan: o.plan } : plan.moteur),
        indexLigne,
        demandes: new Map(s.conventions.map((c) => [c.reservataire, c.candidatsDemandes])),
        // Only the lines the option delegates: a convention already « déléguée » in the scenario keeps
        // its files on its own line, as before ADR 0049 (the options' figures stay those of ADR 0048).
        instruitPar: new Map(
          s.conventions.map((c) => [
            c.reservataire,
            delegues.has(c.reservataire) ? lignes.length - 1 : indexLigne.get(c.reservataire)!,
          ]),
        ),
        tirer: o?.hypotheses ? preparerTirageCompact(plan.scenario, h) : null,
        reecriture:
          o && doitReecrire(o)
            ? {
                regles: { parLogement: o.parLogement, gestionDeleguee: o.gestionDeleguee },
                scenario: s,
                delais: h.delais ?? { candidats: 15, cal: 30, bail: 45 },
                sansCandidat: h.sansCandidat,
              }
            : null,
      };
    }),
  };
}

/** A run's ledger figures, by line in the ledger's order. */
function chiffresDuBilan(r: AnneeCourte): Omit<MesureTirage, 'cumuls' | 'dossiers' | 'examens'> {
  return {
    fluxAnnuel: r.flux.fluxAnnuel,
    droit: r.bilan.map((l) => l.droit),
    misADisposition: r.bilan.map((l) => l.misADisposition),
    bauxSignes: r.bilan.map((l) => l.bauxSignes),
    solde: r.bilan.map((l) => l.solde),
    reportAnneeSuivante: r.bilan.map((l) => l.reportAnneeSuivante),
  };
}

/** One run's figures: the ledger, the monthly cumulated orientations and the workload by month. */
function mesurer(
  o: PlanPrepare['options'][number],
  evenements: readonly Evenement[],
  r: AnneeCourte,
  nbLignes: number,
): MesureTirage {
  const bailleur = nbLignes - 1;
  const cumuls = Array.from({ length: nbLignes }, () => Array.from({ length: 12 }, () => 0));
  const ligneDe = new Map<string, string>();
  // A pooled unit: every member instructs its files.
  const membres = new Map<string, readonly string[]>();
  for (const x of r.orientations) {
    if (x.pool) membres.set(x.logement, x.pool);
    if (x.reservataire) {
      ligneDe.set(x.logement, x.reservataire);
      cumuls[o.indexLigne.get(x.reservataire)!]![Number(x.date.slice(5, 7)) - 1]!++;
    }
  }
  for (const c of cumuls) for (let m = 1; m < 12; m++) c[m]! += c[m - 1]!;
  const dossiers = Array.from({ length: 12 }, () => Array.from({ length: nbLignes }, () => 0));
  const examens = Array.from({ length: 12 }, () => 0);
  for (const e of evenements) {
    if (e.type === 'candidats') {
      const mois = dossiers[Number(e.date.slice(5, 7)) - 1]!;
      const pool = membres.get(e.logement);
      const une = pool ? null : (ligneDe.get(e.logement) ?? BAILLEUR);
      // A delegated line's files are the bailleur's to instruct.
      for (const ligne of pool ?? [une!]) {
        const li = ligne === BAILLEUR ? bailleur : (o.instruitPar.get(ligne) ?? o.indexLigne.get(ligne)!);
        mois[li]! += o.demandes.get(ligne) ?? e.nombre;
      }
    } else if (e.type === 'decision_cal' || e.type === 'refus') {
      examens[Number(e.date.slice(5, 7)) - 1]! += o.demandes.get(ligneDe.get(e.logement) ?? '') ?? 3;
    }
  }
  return { ...chiffresDuBilan(r), cumuls, dossiers, examens };
}

/**
 * `mesurer` for a drawn year given as numbers (`AnneeCompacte`): the same figures. The year's
 * orientations are its notices' in date order (one each); a notice's steps follow it in index order.
 */
function mesurerCompacte(
  o: PlanPrepare['options'][number],
  a: AnneeCompacte,
  r: AnneeCourte,
  lignes: readonly string[],
): MesureTirage {
  const nbLignes = lignes.length;
  const bailleur = nbLignes - 1;
  const cumuls = Array.from({ length: nbLignes }, () => Array.from({ length: 12 }, () => 0));
  // By line: the candidates its convention asks for, the line whose column counts its files.
  const demandes = lignes.map((id) => o.demandes.get(id));
  const instruit = lignes.map((id, li) =>
    li === bailleur ? bailleur : (o.instruitPar.get(id) ?? o.indexLigne.get(id)!),
  );
  // Each notice's line (−1: none), by event index.
  const ligneDe = new Int32Array(a.n);
  let j = 0;
  for (let x = 0; x < a.n; x++) {
    const i = a.ordre[x]!;
    const t = a.types[i]!;
    if (t !== LIBERATION && t !== LIBERATION_ANRU) continue;
    const orientation = r.orientations[j++]!;
    if (orientation.pool) throw new Error(`tirage : orientation inattendue du logement ${orientation.logement}`);
    const li = orientation.reservataire === null ? -1 : o.indexLigne.get(orientation.reservataire)!;
    ligneDe[i] = li;
    if (li >= 0) cumuls[li]![a.mois[a.jours[i]!]!]!++;
  }
  if (j !== r.orientations.length) throw new Error('tirage : une orientation par préavis attendue');
  for (const c of cumuls) for (let m = 1; m < 12; m++) c[m]! += c[m - 1]!;
  const dossiers = Array.from({ length: 12 }, () => Array.from({ length: nbLignes }, () => 0));
  const examens = Array.from({ length: 12 }, () => 0);
  let ligne = -1;
  for (let i = 0; i < a.n; i++) {
    const t = a.types[i]!;
    if (t === LIBERATION || t === LIBERATION_ANRU) ligne = ligneDe[i]!;
    else if (t === CANDIDATS) {
      // No line: the bailleur's files.
      const li = ligne < 0 ? bailleur : ligne;
      dossiers[a.mois[a.jours[i]!]!]![instruit[li]!]! += demandes[li] ?? CANDIDATS_TIRES;
    } else if (t === ATTRIBUTION || t === REFUS) {
      examens[a.mois[a.jours[i]!]!]! += (ligne < 0 ? undefined : demandes[ligne]) ?? CANDIDATS_TIRES;
    }
  }
  return { ...chiffresDuBilan(r), cumuls, dossiers, examens };
}

/**
 * The events' indexes by date, ties in index order — `ordreDesEvenements` for a drawn year, whose
 * dates are all of one year: a counting sort on the day (month × 32 + day), O(n).
 */
function ordreParJour(evenements: readonly Evenement[]): number[] {
  const cle = (d: string) =>
    ((d.charCodeAt(5) - 48) * 10 + d.charCodeAt(6) - 48) * 32 + (d.charCodeAt(8) - 48) * 10 + d.charCodeAt(9) - 48;
  const compte = new Array<number>(13 * 32 + 1).fill(0);
  for (const e of evenements) compte[cle(e.date) + 1]!++;
  for (let k = 1; k < compte.length; k++) compte[k]! += compte[k - 1]!;
  const ordre = new Array<number>(evenements.length);
  for (let i = 0; i < evenements.length; i++) ordre[compte[cle(evenements[i]!.date)]!++] = i;
  return ordre;
}

/**
 * The generators of the runs: the plan's (`commun`, the years every option shares) and, by option,
 * its own when it draws its years with its own assumptions (null otherwise), each seeded with the
 * plan's seed.
 */
export interface Generateurs {
  commun: Rng;
  propres: (Rng | null)[];
}

/** The generators before the first run. */
export function generateurs(p: PlanPrepare): Generateurs {
  return { commun: new Rng(p.plan.graine), propres: p.options.map((o) => (o.tirer ? new Rng(p.plan.graine) : null)) };
}

/** Moves every generator past one run, building no event (a worker starting at the n-th run). */
export function passerTirage(p: PlanPrepare, g: Generateurs): void {
  p.tirer(g.commun, false);
  p.options.forEach((o, k) => o.tirer?.(g.propres[k]!, false));
}

/** The generators' states, plain numbers a worker thread can be sent. */
export interface EtatsGenerateurs {
  etat: number;
  etatsPropres: (number | null)[];
}

export const etatsGenerateurs = (g: Generateurs): EtatsGenerateurs => ({
  etat: g.commun.etat,
  etatsPropres: g.propres.map((r) => (r ? r.etat : null)),
});

export const reprendreGenerateurs = (e: EtatsGenerateurs): Generateurs => ({
  commun: new Rng(e.etat),
  propres: e.etatsPropres.map((x) => (x === null ? null : new Rng(x))),
});

/**
 * Runs `debut` to `fin − 1` (0-based), the generators standing where the draws of the runs before
 * `debut` left them: each year drawn once (again for an option with its own assumptions), then run
 * under every option — twice for a pooled or delegated option, whose year is rewritten after the
 * first run (`reecrireTirage`) and counted on the second; yields after each option's run.
 * Answers by option, then by run.
 */
export function* mesurerTirages(
  p: PlanPrepare,
  g: Generateurs,
  debut: number,
  fin: number,
): Generator<void, MesureTirage[][], void> {
  const mesures: MesureTirage[][] = p.options.map(() => []);
  for (let i = debut; i < fin; i++) {
    const commune = p.tirer(g.commun);
    for (let k = 0; k < p.options.length; k++) {
      const o = p.options[k]!;
      const a = o.tirer ? o.tirer(g.propres[k]!) : commune;
      const r = o.annee.compacte(a);
      if (o.reecriture) {
        const x = o.reecriture;
        const ev = reecrireTirage({ ...x.scenario, evenements: evenementsCompacts(a) }, x.regles, r.orientations, {
          graine: p.plan.graine,
          delais: x.delais,
          sansCandidat: x.sansCandidat,
        });
        mesures[k]!.push(mesurer(o, ev, o.annee(ev, ordreParJour(ev)), p.lignes.length));
      } else mesures[k]!.push(mesurerCompacte(o, a, r, p.lignes));
      yield;
    }
  }
  return mesures;
}

/** The ranges over the runs (`mesures`: by option, every run in order). */
export function agregerTirages(p: PlanPrepare, mesures: readonly (readonly MesureTirage[])[]): ResultatPlan {
  const k = p.plan.seuilRetard ?? 1;
  const ids = p.lignes;
  const moisDeLAnnee = Array.from(
    { length: 12 },
    (_, m) => `${p.plan.scenario.annee}-${String(m + 1).padStart(2, '0')}`,
  );
  const sorties = p.options.map((o, oi): ResultatOption => {
    const runs = mesures[oi]!;
    const lignes =
      runs.length === 0
        ? []
        : ids.map((id, i): LignePlan => {
            const soldes = runs.map((r) => r.solde[i]!);
            return {
              reservataire: id,
              droit: fourchette(runs.map((r) => r.droit[i]!)),
              misADisposition: fourchette(runs.map((r) => r.misADisposition[i]!)),
              bauxSignes: fourchette(runs.map((r) => r.bauxSignes[i]!)),
              solde: fourchette(soldes),
              reportAnneeSuivante: fourchette(runs.map((r) => r.reportAnneeSuivante[i]!)),
              probabiliteRetard: soldes.filter((x) => x < -k).length / Math.max(1, soldes.length),
              cumulMensuel: Array.from({ length: 12 }, (_, m) => fourchette(runs.map((r) => r.cumuls[i]![m]!))),
            };
          });
    const charge = moisDeLAnnee.map((mois, m): ChargeMois => {
      const dossiers: Record<string, number> = {};
      if (runs.length > 0)
        ids.forEach((id, i) => (dossiers[id] = fourchette(runs.map((r) => r.dossiers[m]![i]!)).mediane));
      return { mois, dossiers, examensCal: fourchette(runs.map((r) => r.examens[m]!)).mediane };
    });
    return {
      nom: o.nom,
      ...(o.description ? { description: o.description } : {}),
      fluxAnnuel: fourchette(runs.map((r) => r.fluxAnnuel)),
      lignes,
      charge,
    };
  });
  return { tirages: p.plan.tirages, graine: p.plan.graine, seuilRetard: k, options: sorties };
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
  const p = preparerPlanification(plan);
  const mesures = yield* mesurerTirages(p, generateurs(p), 0, plan.tirages);
  return agregerTirages(p, mesures);
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
