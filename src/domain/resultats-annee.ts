/**
 * The year-end results of the engine's run: the bilan of every ledger line (CCH R.441-5-1; counting
 * per ADR 0004, carry-over per ADR 0005), the allocation objectives, the qualitative deviations of
 * each line's mix from its perimeter's flow, and the per-letting detail. Functions of the final
 * engine state (`EtatMoteur`), nothing else.
 */
import { fromMicro, MICRO, toMicro } from './exact.ts';
import type { FluxAnnuel, MotifExclusion } from './flow.ts';
import { valeurAu } from './legal-parameters.ts';
import { DIMENSIONS, type Dimension, type EtatMoteur, type Location, type Orientation } from './etat-moteur.ts';
import type { Probleme } from './errors.ts';
import { estRelogePru } from './menage.ts';
import { EXCLUSIONS, type Convention, type DecisionCal, type Exclusion, type Menage, type Scenario } from './types.ts';

// The per-letting shapes live with the engine's state, which holds them (no import cycle).
export type { CandidatExplication, Orientation } from './etat-moteur.ts';

export interface LigneBilan {
  reservataire: string;
  taux: number;
  droit: number;
  misADisposition: number;
  proposes: number;
  attribues: number;
  bauxSignes: number;
  echecs: number;
  /** Units let by the bailleur "pour un tour" after a failure that did not consume the right. */
  pourUnTour: number;
  decomptes: number;
  solde: number;
  reportAnneeSuivante: number;
  /** Lettings still in progress at year end. */
  enCours: number;
}

export interface Indicateur {
  realise: number | null;
  cible: number;
  numerateur: number;
  denominateur: number;
  /** Leases of the denominator whose household's quartile is unknown (counted in no numerator). */
  inconnus?: number;
}

/** An EPCI's two objectives over every lease of the year on its territory (CCH L.441-1). */
export interface ObjectifsEpciAnnee {
  quartile1HorsQpv: Indicateur & { inconnus: number };
  nonQuartile1EnQpv: Indicateur & { inconnus: number };
}

export interface Objectifs {
  quartile1HorsQpv: Indicateur;
  nonQuartile1EnQpv: Indicateur;
  prioritaires: Record<string, Indicateur>;
  /** By EPCI SIREN (units whose EPCI is known), every lease of the year, in the flow or outside it. */
  parEpci: Record<string, ObjectifsEpciAnnee>;
  /** Leases whose first quartile was declared rather than computed from resources (the bilan counts them apart). */
  quartile1Declares: number;
}

/** The rehousing lettings of one exclusion category (R.441-5: their bilan before 28 February). */
export interface BilanRelogement {
  /** Units freed in the year for this category. */
  liberes: number;
  bauxSignes: number;
  /** Lettings still open at year end (no lease, no refusal). */
  enCours: number;
}

export interface EcartValeur {
  nombre: number;
  part: number;
  partFlux: number;
  ecart: number;
}

export type Ecarts = Record<Dimension, Record<string, Record<string, EcartValeur>>>;

/**
 * One letting of the year as the engine counted it (only with `OptionsMoteur.detail`): what the
 * annual bilan breaks down by dimension and the dashboards plot over time. Σ over the lettings of
 * a line gives that line's `LigneBilan` figures exactly.
 */
export interface DetailLocation {
  logement: string;
  /** Date of the liberation (or first letting). */
  date: string;
  /** Why the unit is out of the flow, null when in it. */
  exclusion: MotifExclusion | null;
  premiereMiseEnLocation: boolean;
  /** The line holding the letting at year end (a réservataire, "BAILLEUR"), null when out of the flow. */
  ligne: string | null;
  pool: string[] | null;
  forcee: boolean;
  propose: boolean;
  attribue: boolean;
  decision: DecisionCal | null;
  bail: boolean;
  echec: boolean;
  /** Failed without consuming the right: let by the bailleur for one letting, counted on its line. */
  pourUnTour: boolean;
  /** Counted against `ligne`'s entitlement per its convention's rule. */
  decompte: boolean;
  enCours: boolean;
  /** Dates of the steps reached (YYYY-MM-DD). */
  dates: { candidats: string | null; decision: string | null; fin: string | null };
  menage: Menage | null;
  /** Entitlement this flow unit adds to each line covering it (units, exact to 1e-6). */
  parts: Record<string, number>;
}

export interface ResultatSimulation {
  flux: FluxAnnuel;
  orientations: Orientation[];
  bilan: LigneBilan[];
  objectifs: Objectifs;
  /** Lettings outside the flow by exclusion category. */
  relogements: Record<Exclusion, BilanRelogement>;
  ecarts: Ecarts;
  /** What the law flags but does not forbid (the run still succeeds). */
  avertissements: Probleme[];
  /** Only with `OptionsMoteur.detail`: one entry per liberation, in the order of `orientations`. */
  detail?: DetailLocation[];
}

/** Whether a held letting counts against its holder's entitlement, per the convention's rule (ADR 0004). */
export function estDecompte(c: Convention | null, loc: Location): boolean {
  if (!c) return true;
  if (loc.echec) return c.echecDecompte;
  return c.decompte === 'mise_a_disposition' || (c.decompte === 'attribution' ? loc.attribue : loc.bail);
}

/** The ledger of each line at year end (the bailleur's own line last, `bailleur` its index). */
export function bilanDesLignes(etat: EtatMoteur, bailleur: number): LigneBilan[] {
  return etat.lignes.map((ligne, li) => {
    const detenues = etat.locations.filter((loc) => loc.dansLeFlux && loc.detenteur === li);
    const c = ligne.convention;
    const pourUnTour = li === bailleur ? etat.locations.filter((loc) => loc.rendue).length : 0;
    const decomptes = detenues.filter((loc) => estDecompte(c, loc)).length + pourUnTour;
    const soldeMicro = decomptes * MICRO - ligne.droit;
    const taux = c ? c.taux : etat.flux.fluxAnnuel > 0 ? fromMicro(ligne.rhoCumule / etat.flux.fluxAnnuel) : 0;
    return {
      reservataire: ligne.id,
      taux,
      droit: fromMicro(ligne.droit),
      misADisposition: detenues.length,
      proposes: detenues.filter((l) => l.propose).length,
      attribues: detenues.filter((l) => l.attribue).length,
      bauxSignes: detenues.filter((l) => l.bail).length,
      echecs: detenues.filter((l) => l.echec).length,
      pourUnTour,
      decomptes,
      solde: fromMicro(soldeMicro),
      reportAnneeSuivante: fromMicro(reporter(soldeMicro, c)),
      enCours: detenues.filter((l) => !l.bail && !l.echec).length,
    };
  });
}

/**
 * The allocation objectives of the year's leases (read at 31 December), CCH L.441-1 and rules.md §6:
 * every lease of the year, in the flow or outside it. First quartile outside QPV: leases to a
 * first-quartile household or to one rehoused under an ANRU or ORCOD operation; in QPV: leases to a
 * household known not to be in the first quartile. A household whose quartile is unknown stays in
 * the denominator and in no numerator (`inconnus` says how many). Per line, the priority share;
 * the State line's target is all of its leases but those to State agents, which it does not count.
 */
export function objectifsDeLAnnee(etat: EtatMoteur, scenario: Scenario): Objectifs {
  const date = `${scenario.annee}-12-31`;
  const baux = etat.locations.filter((l) => l.bail);
  const cibleQ1 = valeurAu('objectifQuartile1HorsQpv', date);
  const cibleQpv = valeurAu('objectifNonQuartile1EnQpv', date);
  const prioritaires: Record<string, Indicateur> = {};
  const cibleReservataire = valeurAu('objectifPrioritaires', date);
  etat.lignes.forEach((ligne, li) => {
    const siens = baux.filter((l) => l.dansLeFlux && l.detenteur === li);
    if (ligne.reservataire?.type === 'etat') {
      // The State's contingent is for priority publics, but for the leases to its agents (L.441-1).
      const horsAgents = siens.filter((l) => !l.menage?.agentEtat);
      prioritaires[ligne.id] = indicateur(horsAgents.filter((l) => l.menage?.prioritaire).length, horsAgents.length, 1);
    } else {
      prioritaires[ligne.id] = indicateur(
        siens.filter((l) => l.menage?.prioritaire).length,
        siens.length,
        cibleReservataire,
      );
    }
  });
  const parEpci: Record<string, ObjectifsEpciAnnee> = {};
  const epcis = [...new Set(baux.map((l) => l.logement.epci).filter((e): e is string => e !== undefined))].sort();
  for (const epci of epcis) {
    const siens = baux.filter((l) => l.logement.epci === epci);
    const cibles = scenario.objectifsEpci?.[epci];
    parEpci[epci] = {
      quartile1HorsQpv: quartile1HorsQpv(siens, cibles?.quartile1HorsQpv ?? cibleQ1),
      nonQuartile1EnQpv: nonQuartile1EnQpv(siens, cibles?.nonQuartile1EnQpv ?? cibleQpv),
    };
  }
  return {
    quartile1HorsQpv: quartile1HorsQpv(baux, cibleQ1),
    nonQuartile1EnQpv: nonQuartile1EnQpv(baux, cibleQpv),
    prioritaires,
    parEpci,
    quartile1Declares: baux.filter((l) => l.menage?.origineQuartile1 === 'declare').length,
  };
}

function quartile1HorsQpv(baux: readonly Location[], cible: number): Indicateur & { inconnus: number } {
  const hors = baux.filter((l) => l.logement.qpv === null);
  const sert = (l: Location) => l.menage !== null && (l.menage.quartile1 === true || estRelogePru(l.menage));
  const inconnus = hors.filter((l) => !sert(l) && (l.menage?.quartile1 ?? null) === null).length;
  return { ...indicateur(hors.filter(sert).length, hors.length, cible), inconnus };
}

function nonQuartile1EnQpv(baux: readonly Location[], cible: number): Indicateur & { inconnus: number } {
  const en = baux.filter((l) => l.logement.qpv !== null);
  const inconnus = en.filter((l) => (l.menage?.quartile1 ?? null) === null).length;
  return { ...indicateur(en.filter((l) => l.menage?.quartile1 === false).length, en.length, cible), inconnus };
}

/** The year's lettings outside the flow by exclusion category: freed, leased, still open. */
export function relogementsDeLAnnee(etat: EtatMoteur): Record<Exclusion, BilanRelogement> {
  const r = Object.fromEntries(EXCLUSIONS.map((e) => [e, { liberes: 0, bauxSignes: 0, enCours: 0 }])) as Record<
    Exclusion,
    BilanRelogement
  >;
  for (const loc of etat.locations) {
    if (loc.dansLeFlux || loc.exclusion === null || !(loc.exclusion in r)) continue;
    const b = r[loc.exclusion as Exclusion];
    b.liberes += 1;
    if (loc.bail) b.bauxSignes += 1;
    else if (etat.enCours.get(loc.logement.id) === loc) b.enCours += 1;
  }
  return r;
}

/** Each line's mix received against its perimeter's flow, by dimension and value (ADR 0003). */
export function ecartsDesLignes(etat: EtatMoteur): Ecarts {
  const ecarts = { typologie: {}, financement: {}, qpv: {}, commune: {} } as Ecarts;
  for (const ligne of etat.lignes) {
    DIMENSIONS.forEach((dim, d) => {
      const parValeur: Record<string, EcartValeur> = {};
      const cles = new Set<string>();
      for (const k of ligne.fluxParValeur.keys()) if (k.startsWith(`${d}:`)) cles.add(k);
      for (const [k, n] of ligne.recus) if (k.startsWith(`${d}:`) && n > 0) cles.add(k);
      for (const cle of [...cles].sort()) {
        const nombre = ligne.recus.get(cle) ?? 0;
        const part = ligne.detenus > 0 ? nombre / ligne.detenus : 0;
        const partFlux = ligne.fluxTotal > 0 ? (ligne.fluxParValeur.get(cle) ?? 0) / ligne.fluxTotal : 0;
        parValeur[cle.slice(2)] = {
          nombre,
          part: arrondi(part),
          partFlux: arrondi(partFlux),
          ecart: arrondi(part - partFlux),
        };
      }
      ecarts[dim][ligne.id] = parValeur;
    });
  }
  return ecarts;
}

/** The year's lettings one by one, in the order of the orientations. */
export function detailDesLocations(etat: EtatMoteur): DetailLocation[] {
  return etat.locations.map((loc) => {
    const parts: Record<string, number> = {};
    if (loc.dansLeFlux) loc.cel.lignes.forEach((li, k) => (parts[etat.lignes[li]!.id] = fromMicro(loc.cel.rhos[k]!)));
    const tenue = loc.dansLeFlux && loc.detenteur >= 0;
    return {
      logement: loc.logement.id,
      date: loc.date,
      exclusion: loc.dansLeFlux ? null : loc.exclusion,
      premiereMiseEnLocation: loc.premiere,
      ligne: tenue ? etat.lignes[loc.detenteur]!.id : null,
      pool: loc.pool ? loc.pool.map((li) => etat.lignes[li]!.id) : null,
      forcee: loc.forcee,
      propose: loc.propose,
      attribue: loc.attribue,
      decision: loc.decision,
      bail: loc.bail,
      echec: loc.echec,
      pourUnTour: loc.rendue,
      decompte: tenue && estDecompte(etat.lignes[loc.detenteur]!.convention, loc),
      enCours: tenue && !loc.bail && !loc.echec,
      dates: { ...loc.dates },
      menage: loc.menage,
      parts,
    };
  });
}

export function arrondi(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function indicateur(numerateur: number, denominateur: number, cible: number): Indicateur {
  return {
    realise: denominateur > 0 ? arrondi(numerateur / denominateur) : null,
    cible: arrondi(cible),
    numerateur,
    denominateur,
  };
}

/** What the convention's carry-over rule keeps of the balance (micro-units, same sign as solde; ADR 0005). */
function reporter(soldeMicro: number, c: Convention | null): number {
  const regle = c?.regleReport ?? 'integral';
  if (regle === 'aucun') return 0;
  if (regle === 'integral') return soldeMicro;
  const plafond = toMicro(regle.plafond) ?? 0;
  return Math.max(-plafond, Math.min(plafond, soldeMicro));
}
