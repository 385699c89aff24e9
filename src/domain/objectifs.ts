/**
 * Allocation objectives, live and per territory (rules.md §6, CCH L.441-1): from the leases signed
 * so far in the year, each objective's share, and a warning when the trend will miss it by year end.
 *
 * - per EPCI, over every lease of the year, in the flow or outside it (mutations, rehousings):
 *   ≥ 25 % of the allocations outside QPV to first-quartile households or to households rehoused
 *   under an ANRU or ORCOD operation; in QPV, ≥ 50 % to households known not to be in the first
 *   quartile (unless the CIL set another figure). A household whose quartile is unknown stays in the
 *   denominator and in no numerator (`inconnus` says how many);
 * - per ledger line (each réservataire, and the bailleur's own share `BAILLEUR`), over the leases
 *   of the flow only: ≥ 25 % to priority households (DALO and the other L.441-1 categories); the
 *   State's line is for priority publics: 100 % of its leases but those to State agents, which it
 *   does not count (`lignesEtat`).
 *
 * The trend. The pace is this year's: the leases of a group so far over the elapsed fraction of the
 * year f (days elapsed / days in the year, Europe/Paris dates given by the caller), so the year is
 * projected to end with T = n / f leases and R = T − n still to come. The numerator needed at year
 * end is cible × T, so M = cible × T − numerator are missing. Then:
 * - « atteint »: the year is over and the share reached the target;
 * - « non atteint »: the year is over and it did not;
 * - « en bonne voie »: the share so far is at or above the target (the same trend keeps it);
 * - « en retard »: below the target, but reachable: the remaining leases must serve the objective
 *   at M / R (> the target), instead of the current share, which projected as is misses it;
 * - « hors d'atteinte »: even 100 % of the remaining leases at this pace would not reach it (M > R);
 * - « sans données »: no lease yet in the group.
 * Pure: no clock, no I/O.
 */
import { estRelogePru } from './menage.ts';
import { BAILLEUR, type CiblesEpci, type Menage } from './types.ts';

/** One signed lease, with what the objectives need. */
export interface BailObjectif {
  /** Signature date, YYYY-MM-DD. */
  date: string;
  /** SIREN of the unit's EPCI; null when the unit is in none (or unknown). */
  epci: string | null;
  qpv: boolean;
  /** The ledger line the lease counts for: a réservataire's id or `BAILLEUR`; null outside the flow (no line). */
  ligne: string | null;
  menage: Menage;
}

export interface ParametresObjectifs {
  annee: number;
  /** Today (Europe/Paris), YYYY-MM-DD: the elapsed part of the year is measured up to it, inclusive. */
  aujourdhui: string;
  cibleQuartile1HorsQpv: number;
  /** Default share of non-Q1 allocations in QPV; `ciblesQpvParEpci` holds a CIL's own figure. */
  cibleNonQuartile1EnQpv: number;
  ciblesQpvParEpci?: Readonly<Record<string, number>>;
  /** The CIA's own targets per EPCI SIREN (ADR 0038); a target left out gets the legal one. */
  ciblesParEpci?: Readonly<Record<string, CiblesEpci>>;
  ciblePrioritaires: number;
  /** A line's own target; others get `ciblePrioritaires`. */
  ciblesPrioritairesParLigne?: Readonly<Record<string, number>>;
  /** The State's lines: target 100 %, over their leases but those to State agents (L.441-1). */
  lignesEtat?: readonly string[];
}

export const TENDANCES = [
  'atteint',
  'non_atteint',
  'en_bonne_voie',
  'en_retard',
  'hors_d_atteinte',
  'sans_donnees',
] as const;
export type Tendance = (typeof TENDANCES)[number];

export const LIBELLES_TENDANCE: Record<Tendance, string> = {
  atteint: 'atteint',
  non_atteint: 'non atteint',
  en_bonne_voie: 'en bonne voie',
  en_retard: 'en retard',
  hors_d_atteinte: 'hors d’atteinte',
  sans_donnees: 'sans données',
};

export interface SuiviObjectif {
  numerateur: number;
  denominateur: number;
  /** Leases of the denominator whose household's quartile is unknown (in no numerator); 0 for priority. */
  inconnus: number;
  /** numerateur / denominateur, null without lease. */
  part: number | null;
  cible: number;
  /** Leases of the group projected at year end at this year's pace (T). */
  projectionFinAnnee: number;
  /** Leases still to come by year end at this pace (R = T − n). */
  restants: number;
  /** Numerator still missing to reach the target at year end (M, ≥ 0). */
  manquants: number;
  /** Share of the remaining leases that must serve the objective (M / R), null when none remain. */
  partRequiseRestants: number | null;
  tendance: Tendance;
  /** The warning or the status, as a French sentence. */
  explication: string;
}

export interface ObjectifsEpci {
  /** SIREN of the EPCI; null = units outside any EPCI known. */
  epci: string | null;
  quartile1HorsQpv: SuiviObjectif;
  nonQuartile1EnQpv: SuiviObjectif;
}

export interface ObjectifsLigne {
  ligne: string;
  prioritaires: SuiviObjectif;
}

export interface ResultatObjectifs {
  annee: number;
  aujourdhui: string;
  /** Elapsed fraction of the year (0–1). */
  avancement: number;
  baux: number;
  /** Of which leases outside the flow (mutations, rehousings, units out of the flow): on no line. */
  bauxHorsFlux: number;
  parEpci: ObjectifsEpci[];
  parLigne: ObjectifsLigne[];
  /** Every objective « en retard » or « hors d'atteinte » (or « non atteint »), as sentences. */
  alertes: string[];
}

const arrondi = (x: number): number => Math.round(x * 10_000) / 10_000;
const pct = (x: number): string => `${(Math.round(x * 1000) / 10).toLocaleString('fr-FR')} %`;

function jourJulien(date: string): number {
  const [a, m, j] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(a, m - 1, j) / 86_400_000;
}

/** Elapsed fraction of the year at `aujourdhui`, today included; 0 before the year, 1 after. */
export function avancementAnnee(annee: number, aujourdhui: string): number {
  const debut = jourJulien(`${annee}-01-01`);
  const jours = jourJulien(`${annee + 1}-01-01`) - debut;
  const ecoules = jourJulien(aujourdhui) - debut + 1;
  return Math.min(1, Math.max(0, ecoules / jours));
}

/** What the leases still expected this year must do, in words (never « 0 baux »). */
function attendus(restants: number, partRequise: number): string {
  if (restants === 0)
    return 'moins d’un bail est encore attendu d’ici au 31 décembre : il faudrait qu’il serve l’objectif';
  if (restants === 1) return 'il faudrait que le bail encore attendu d’ici au 31 décembre serve l’objectif';
  return `il faudrait que ${pct(partRequise)} des quelque ${restants} baux encore attendus d’ici au 31 décembre servent l’objectif`;
}

/** One objective's state and trend (see the module's comment for the rule). */
export function suivre(
  numerateur: number,
  denominateur: number,
  cible: number,
  avancement: number,
  libelle: string,
  inconnus = 0,
): SuiviObjectif {
  const part = denominateur > 0 ? numerateur / denominateur : null;
  const projection = denominateur > 0 && avancement > 0 ? denominateur / avancement : denominateur;
  const restants = Math.max(0, projection - denominateur);
  // A tiny tolerance: 0.25 × 4 is exactly 1, but shares like 0.3 × 10 are not in binary floating point.
  const manquants = Math.max(0, cible * projection - numerateur - 1e-9);
  const partRequise = restants > 0 ? manquants / restants : null;
  let tendance: Tendance;
  let explication: string;
  if (part === null) {
    tendance = 'sans_donnees';
    explication = `${libelle} : aucun bail signé pour l’instant (objectif ${pct(cible)})`;
  } else if (avancement >= 1) {
    tendance = part + 1e-9 >= cible ? 'atteint' : 'non_atteint';
    explication = `${libelle} : ${pct(part)} sur l’année (${numerateur}/${denominateur}), objectif ${pct(cible)} ${tendance === 'atteint' ? 'atteint' : 'non atteint'}`;
  } else if (part + 1e-9 >= cible) {
    tendance = 'en_bonne_voie';
    explication = `${libelle} : ${pct(part)} (${numerateur}/${denominateur}), au-dessus de l’objectif de ${pct(cible)}`;
  } else if (manquants > restants) {
    tendance = 'hors_d_atteinte';
    explication =
      `${libelle} : ${pct(part)} (${numerateur}/${denominateur}) pour un objectif de ${pct(cible)} — hors d’atteinte : au rythme de l’année, ` +
      `${Math.round(restants) === 0 ? 'moins d’un bail est encore attendu' : Math.round(restants) === 1 ? 'environ un bail est encore attendu' : `environ ${Math.round(restants)} baux sont encore attendus`} d’ici au 31 décembre, ` +
      `alors qu’il en faudrait ${Math.ceil(manquants)} de plus servant l’objectif`;
  } else {
    tendance = 'en_retard';
    explication =
      `${libelle} : ${pct(part)} (${numerateur}/${denominateur}) pour un objectif de ${pct(cible)} — en retard : à ce rythme l’année finit sous l’objectif ; ` +
      attendus(Math.round(restants), partRequise ?? 1);
  }
  if (inconnus > 0) explication += ` ; dont ${inconnus} au quartile inconnu`;
  return {
    numerateur,
    denominateur,
    inconnus,
    part: part === null ? null : arrondi(part),
    cible,
    projectionFinAnnee: arrondi(projection),
    restants: arrondi(restants),
    manquants: arrondi(manquants),
    partRequiseRestants: partRequise === null ? null : arrondi(partRequise),
    tendance,
    explication,
  };
}

const ALERTES: ReadonlySet<Tendance> = new Set(['en_retard', 'hors_d_atteinte', 'non_atteint']);

/**
 * The objectives of the leases given, per EPCI and per line. `lignes` lists the lines to show even
 * without a lease (in that order; lines met only in the leases follow, sorted, `BAILLEUR` last);
 * `nomsEpci` / `nomsLignes` give names for the sentences.
 */
export function calculerObjectifs(
  baux: readonly BailObjectif[],
  p: ParametresObjectifs,
  options: {
    lignes?: readonly string[];
    nomsEpci?: Readonly<Record<string, string>>;
    nomsLignes?: Readonly<Record<string, string>>;
  } = {},
): ResultatObjectifs {
  const avancement = avancementAnnee(p.annee, p.aujourdhui);
  const duMoment = baux.filter((b) => b.date.startsWith(`${p.annee}-`) && b.date <= p.aujourdhui);

  const epcis = [...new Set(duMoment.map((b) => b.epci))].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const parEpci = epcis.map((epci): ObjectifsEpci => {
    const siens = duMoment.filter((b) => b.epci === epci);
    const hors = siens.filter((b) => !b.qpv);
    const en = siens.filter((b) => b.qpv);
    const nom = epci === null ? 'hors EPCI' : (options.nomsEpci?.[epci] ?? `EPCI ${epci}`);
    const cia = epci !== null ? p.ciblesParEpci?.[epci] : undefined;
    const cibleQ1 = cia?.quartile1HorsQpv ?? p.cibleQuartile1HorsQpv;
    const cibleQpv =
      cia?.nonQuartile1EnQpv ?? (epci !== null ? p.ciblesQpvParEpci?.[epci] : undefined) ?? p.cibleNonQuartile1EnQpv;
    const sert = (m: Menage) => m.quartile1 === true || estRelogePru(m);
    const inconnu = (m: Menage) => (m.quartile1 ?? null) === null;
    return {
      epci,
      quartile1HorsQpv: suivre(
        hors.filter((b) => sert(b.menage)).length,
        hors.length,
        cibleQ1,
        avancement,
        `${nom}, hors QPV, 1er quartile ou relogés ANRU/ORCOD`,
        hors.filter((b) => !sert(b.menage) && inconnu(b.menage)).length,
      ),
      nonQuartile1EnQpv: suivre(
        en.filter((b) => b.menage.quartile1 === false).length,
        en.length,
        cibleQpv,
        avancement,
        `${nom}, en QPV, hors 1er quartile`,
        en.filter((b) => inconnu(b.menage)).length,
      ),
    };
  });

  const connues = options.lignes ?? [];
  const autres = [...new Set(duMoment.map((b) => b.ligne))]
    .filter((l): l is string => l !== null && !connues.includes(l))
    .sort((a, b) => (a === BAILLEUR ? 1 : b === BAILLEUR ? -1 : a < b ? -1 : 1));
  const parLigne = [...connues, ...autres].map((ligne): ObjectifsLigne => {
    const etat = p.lignesEtat?.includes(ligne) ?? false;
    // The State does not count the leases to its agents (its agents' share, L.441-1 and R.441-5-2).
    const siens = duMoment.filter((b) => b.ligne === ligne && !(etat && b.menage.agentEtat));
    const nom = ligne === BAILLEUR ? 'part propre du bailleur' : (options.nomsLignes?.[ligne] ?? ligne);
    const cible = etat ? 1 : (p.ciblesPrioritairesParLigne?.[ligne] ?? p.ciblePrioritaires);
    return {
      ligne,
      prioritaires: suivre(
        siens.filter((b) => b.menage.prioritaire).length,
        siens.length,
        cible,
        avancement,
        `${nom}, ménages prioritaires${etat ? ' (hors agents de l’État)' : ''}`,
      ),
    };
  });

  const alertes = [
    ...parEpci.flatMap((e) => [e.quartile1HorsQpv, e.nonQuartile1EnQpv]),
    ...parLigne.map((l) => l.prioritaires),
  ]
    .filter((s) => ALERTES.has(s.tendance))
    .map((s) => s.explication);

  return {
    annee: p.annee,
    aujourdhui: p.aujourdhui,
    avancement: arrondi(avancement),
    baux: duMoment.length,
    bauxHorsFlux: duMoment.filter((b) => b.ligne === null).length,
    parEpci,
    parLigne,
    alertes,
  };
}
