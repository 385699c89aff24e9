/**
 * The flow engine: runs one year of a bailleur's events over its conventions and produces the
 * orientations (each with its explanation), the ledger of every convention and of the bailleur's
 * own share, the allocation objectives and the qualitative deviations. Pure: same input, same
 * output, byte for byte. The server, the CLI and `flux simulate` all call `simuler`.
 */
import { DonneesInvalides, TransitionImpossible, type Probleme } from './errors.ts';
import { MICRO, fromMicro, toMicro } from './exact.ts';
import { ajouterAuFlux, fluxVide, LIBELLES_EXCLUSION, type FluxAnnuel, type MotifExclusion } from './flow.ts';
import { valeurAu } from './legal-parameters.ts';
import { transiter, type EtatLocation, type Transition } from './lifecycle.ts';
import { contient } from './perimeter.ts';
import { choisirEcheance, compareUrgence, echeance, faisable, type LigneQuota } from './quota.ts';
import {
  BAILLEUR,
  DECISIONS_POSITIVES,
  type Convention,
  type DecisionCal,
  type Evenement,
  type Exclusion,
  type Logement,
  type Menage,
  type Reservataire,
  type Scenario,
} from './types.ts';
import { indexerLogements, validerScenario } from './validation.ts';

// ───────────────────────────── output types ─────────────────────────────

export interface CandidatExplication {
  reservataire: string;
  /** Exact entitlement on this line's perimeter, this unit included. */
  droitExact: number;
  /** Units the line holds before this decision. */
  oriente: number;
  /** Further units of this perimeter's flow before the line's lag reaches one unit (null: rate 0). */
  echeance: number | null;
  /** How much the unit would improve the line's qualitative mix, in units (higher = more needed). */
  besoinQualitatif: number;
  retenu: boolean;
  raison: string;
}

export interface Orientation {
  logement: string;
  date: string;
  /** The line the unit counts for: a réservataire, "BAILLEUR", or null when out of the flow. */
  reservataire: string | null;
  motif: string;
  forcee: boolean;
  /** Réservataires of a pooled orientation (orientation_multiple). */
  pool?: string[];
  /** Recommended line when a person oriented otherwise. */
  recommandation?: string | null;
  explication: { candidats: CandidatExplication[] };
}

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
}

export interface Objectifs {
  quartile1HorsQpv: Indicateur;
  nonQuartile1EnQpv: Indicateur;
  prioritaires: Record<string, Indicateur>;
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
  ecarts: Ecarts;
  /** Only with `OptionsMoteur.detail`: one entry per liberation, in the order of `orientations`. */
  detail?: DetailLocation[];
}

// ───────────────────────────── engine state ─────────────────────────────

export const DIMENSIONS = ['typologie', 'financement', 'qpv', 'commune'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The unit's value in each dimension, as map keys "dimension index:value". */
function cles(l: Logement): string[] {
  return [`0:${l.typologie}`, `1:${l.financement}`, l.qpv === null ? '2:hors_qpv' : '2:qpv', `3:${l.commune}`];
}

/** Per-line qualitative commitments, resolved with the State's defaults. */
interface ContraintesResolues {
  uniformiteCommunale: boolean;
  partHorsQpvMin: number;
  fourchettes: Map<string, [number, number]>; // "0:T1" (dimension index : value) → [min, max]
}

interface Ligne {
  id: string;
  convention: Convention | null; // null for the bailleur's own share
  reservataire: Reservataire | null;
  tauxMicro: number;
  /** Running exact entitlement in micro-units. */
  droit: number;
  /** Units held now (engine count): oriented, minus failures returned to the bailleur. */
  detenus: number;
  /** Held units by dimension value, "d:value" → count. */
  recus: Map<string, number>;
  /** Flow units of the line's perimeter by dimension value, and their total. */
  fluxParValeur: Map<string, number>;
  fluxTotal: number;
  /** Σ of the line's rate over the flow units of its perimeter (bailleur: its effective share). */
  rhoCumule: number;
  contraintes: ContraintesResolues;
}

interface Location {
  logement: Logement;
  /** Dimension keys of the unit (see `cles`) and the lines eligible for it, computed once. */
  cles: string[];
  cel: Cellule;
  date: string;
  slot: number; // index in orientations
  etat: EtatLocation;
  dansLeFlux: boolean;
  detenteur: number; // line index, -1 when none
  pool: number[] | null;
  forcee: boolean;
  propose: boolean;
  attribue: boolean;
  decision: DecisionCal | null;
  echec: boolean;
  rendue: boolean; // returned to the bailleur for one letting
  bail: boolean;
  menage: Menage | null;
  exclusion: MotifExclusion | null;
  premiere: boolean;
  /** The tenant's departure when the letting opened on the notice (ADR 0026), else null. */
  depart: string | null;
  dates: { candidats: string | null; decision: string | null; fin: string | null };
}

interface Cellule {
  /** Line indexes eligible for units of this cell (conventions covering it, then the bailleur). */
  lignes: number[];
  /** Each eligible line's local rate, micro. */
  rhos: number[];
}

/** Weight, in units of mix, of a convention's explicit commitment (ranges, share outside QPV). */
const POIDS_ENGAGEMENT = 5;

/** Options for comparing rules; the product always runs with the defaults. */
export interface OptionsMoteur {
  /** The quota rule: index of the line to serve among `lignes` (default: earliest deadline). */
  regleQuota?: (lignes: readonly LigneQuota[]) => number;
  /** Balance the qualitative mix when the quota allows it (default: true). */
  equilibreQualitatif?: boolean;
  /** Add `detail`, the year's lettings one by one (for the bilan and the dashboards). */
  detail?: boolean;
}

class Moteur {
  readonly lignes: Ligne[] = [];
  readonly bailleur: number;
  readonly flux = fluxVide();
  readonly orientations: Orientation[] = [];
  readonly locations: Location[] = [];
  readonly enCours = new Map<string, Location>();
  readonly parReservataire = new Map<string, number>();
  readonly cellules = new Map<string, Cellule>();
  /** Flow units per commune, for the communal uniformity of a rate. */
  readonly fluxCommune = new Map<string, number>();
  readonly problemes: Probleme[] = [];

  constructor(
    readonly scenario: Scenario,
    readonly logements: Map<string, Logement>,
    readonly options: OptionsMoteur = {},
  ) {
    const reservataires = new Map(scenario.reservataires.map((r) => [r.id, r]));
    const defautHorsQpvEtat = valeurAu('partHorsQpvMinEtat', `${scenario.annee}-01-01`);
    let reports = 0;
    for (const c of scenario.conventions) {
      const r = reservataires.get(c.reservataire)!;
      const estEtat = r.type === 'etat';
      const fourchettes = new Map<string, [number, number]>();
      for (const [v, f] of Object.entries(c.contraintes?.typologie ?? {})) if (f) fourchettes.set(`0:${v}`, f);
      for (const [v, f] of Object.entries(c.contraintes?.financement ?? {})) if (f) fourchettes.set(`1:${v}`, f);
      const report = toMicro(c.report)!;
      reports += report;
      this.parReservataire.set(r.id, this.lignes.length);
      this.lignes.push(
        nouvelleLigne(r.id, c, r, toMicro(c.taux)!, report, {
          uniformiteCommunale: c.contraintes?.uniformiteCommunale ?? estEtat,
          partHorsQpvMin: c.contraintes?.partHorsQpvMin ?? (estEtat ? defautHorsQpvEtat : 0),
          fourchettes,
        }),
      );
    }
    this.bailleur = this.lignes.length;
    this.lignes.push(
      nouvelleLigne(BAILLEUR, null, null, 0, -reports, {
        uniformiteCommunale: false,
        partHorsQpvMin: 0,
        fourchettes: new Map(),
      }),
    );
  }

  cellule(l: Logement): Cellule {
    const cle = l.epci === undefined ? l.commune : `${l.commune}|${l.epci}`;
    let c = this.cellules.get(cle);
    if (!c) {
      const lignes: number[] = [];
      const rhos: number[] = [];
      let reste = MICRO;
      this.lignes.forEach((ligne, i) => {
        if (ligne.convention && contient(ligne.convention.perimetre, l)) {
          lignes.push(i);
          rhos.push(ligne.tauxMicro);
          reste -= ligne.tauxMicro;
        }
      });
      lignes.push(this.bailleur);
      rhos.push(Math.max(0, reste));
      c = { lignes, rhos };
      this.cellules.set(cle, c);
    }
    return c;
  }

  // ─── events ───

  run(): ResultatSimulation {
    const s = this.scenario;
    const logements = this.logements;
    // Stable sort by date (skipped when the file is already in order); each event keeps its
    // index in the file for error paths.
    const ordre = s.evenements.map((_, i) => i);
    if (s.evenements.some((e, i) => i > 0 && e.date < s.evenements[i - 1]!.date)) {
      ordre.sort((a, b) => {
        const da = s.evenements[a]!.date;
        const db = s.evenements[b]!.date;
        return da < db ? -1 : da > db ? 1 : a - b;
      });
    }
    // A liberation is left for a person to orient when a forced or pooled orientation of the same
    // unit follows on the same date.
    const orientationManuelle = new Set<string>();
    for (const e of s.evenements) {
      // A confirmation pins the engine's own orientation: the liberation is oriented as usual first.
      if ((e.type === 'orientation_forcee' && !e.confirmee) || e.type === 'orientation_multiple')
        orientationManuelle.add(`${e.date}|${e.logement}`);
    }
    for (const i of ordre) {
      const e = s.evenements[i]!;
      const logement = logements.get(e.logement)!;
      const manuelle =
        e.type === 'liberation' && orientationManuelle.size > 0 && orientationManuelle.has(`${e.date}|${e.logement}`);
      try {
        this.appliquer(e, logement, manuelle);
      } catch (err) {
        if (err instanceof TransitionImpossible || err instanceof EvenementRefuse) {
          this.problemes.push({ chemin: `evenements[${i}]`, message: err.message });
        } else {
          throw err;
        }
      }
    }
    // A liberation left for a manual orientation that never came is an input error.
    for (const loc of this.locations) {
      if (loc.dansLeFlux && loc.etat === 'liberee') {
        this.problemes.push({
          chemin: 'evenements',
          message: `le logement ${loc.logement.id} libéré le ${loc.date} n’a jamais été orienté`,
        });
      }
    }
    if (this.problemes.length > 0) throw new DonneesInvalides(this.problemes);
    return {
      flux: this.flux,
      orientations: this.orientations,
      bilan: this.bilan(),
      objectifs: this.objectifs(),
      ecarts: this.ecarts(),
      ...(this.options.detail ? { detail: this.detail() } : {}),
    };
  }

  private location(e: Evenement, transition: Transition): Location {
    const loc = this.enCours.get(e.logement);
    if (!loc) throw new EvenementRefuse(`aucune location en cours pour le logement ${e.logement} (pas de libération)`);
    loc.etat = transiter(loc.etat, transition, e.logement);
    return loc;
  }

  private appliquer(e: Evenement, logement: Logement, manuelle: boolean): void {
    switch (e.type) {
      case 'liberation':
        this.liberer(e.date, logement, e.exclusion ?? null, e.premiereMiseEnLocation ?? false, manuelle);
        if (e.depart !== undefined && this.enCours.get(logement.id)?.date === e.date)
          this.enCours.get(logement.id)!.depart = e.depart;
        return;
      case 'orientation_forcee': {
        const loc = this.enCours.get(e.logement);
        if (!loc)
          throw new EvenementRefuse(`aucune location en cours pour le logement ${e.logement} (pas de libération)`);
        const cible = e.reservataire === BAILLEUR ? this.bailleur : this.parReservataire.get(e.reservataire)!;
        const transition: Transition = loc.etat === 'orientee' ? 'reorienter' : 'orienter';
        if (e.confirmee) return this.confirmer(loc, cible, transition);
        const explication = this.expliquer(loc);
        loc.etat = transiter(loc.etat, transition, e.logement);
        if (loc.detenteur >= 0) this.retirer(loc.detenteur, loc);
        loc.forcee = true;
        loc.pool = null;
        this.tenir(cible, loc);
        this.orientations[loc.slot] = {
          logement: logement.id,
          date: loc.date,
          reservataire: this.lignes[cible]!.id,
          motif: `Orientation décidée par le bailleur : ${e.motif}`,
          forcee: true,
          recommandation: explication.recommande,
          explication: {
            candidats: explication.candidats.map((c) =>
              decisionHumaine(c, this.lignes[cible]!.id, explication.recommande),
            ),
          },
        };
        return;
      }
      case 'orientation_multiple': {
        const loc = this.enCours.get(e.logement);
        if (!loc)
          throw new EvenementRefuse(`aucune location en cours pour le logement ${e.logement} (pas de libération)`);
        const transition: Transition = loc.etat === 'orientee' ? 'reorienter' : 'orienter';
        const explication = this.expliquer(loc);
        loc.etat = transiter(loc.etat, transition, e.logement);
        if (loc.detenteur >= 0) this.retirer(loc.detenteur, loc);
        const membres = e.reservataires.map((id) => this.parReservataire.get(id)!);
        // Until a lease names the réservataire, the unit is held by the most urgent pool member.
        const provisoire = this.plusUrgent(loc, membres);
        loc.forcee = true;
        loc.pool = membres;
        this.tenir(provisoire, loc);
        this.orientations[loc.slot] = {
          logement: logement.id,
          date: loc.date,
          reservataire: this.lignes[provisoire]!.id,
          motif: `Orientation vers plusieurs réservataires (${e.reservataires.join(', ')}) : ${e.motif} ; compté provisoirement pour ${this.lignes[provisoire]!.id}, dont le droit est le plus pressant, jusqu’au bail`,
          forcee: true,
          pool: [...e.reservataires],
          recommandation: explication.recommande,
          explication: {
            candidats: explication.candidats.map((c) =>
              decisionHumaine(c, this.lignes[provisoire]!.id, explication.recommande),
            ),
          },
        };
        return;
      }
      case 'candidats': {
        const loc = this.location(e, 'proposer_candidats');
        loc.propose = true;
        loc.dates.candidats ??= e.date;
        return;
      }
      case 'decision_cal': {
        const loc = this.location(e, 'decider');
        loc.decision = e.decision;
        if (DECISIONS_POSITIVES.has(e.decision)) loc.attribue = true;
        loc.dates.decision = e.date;
        return;
      }
      case 'bail_signe': {
        const loc = this.enCours.get(e.logement);
        if (loc && loc.etat === 'decision_cal' && (loc.decision === null || !DECISIONS_POSITIVES.has(loc.decision))) {
          throw new EvenementRefuse(`bail signé sans décision d’attribution de la CAL pour le logement ${e.logement}`);
        }
        if (loc && e.reservataire !== undefined) {
          const r = this.parReservataire.get(e.reservataire)!;
          if (loc.pool) {
            if (!loc.pool.includes(r)) {
              throw new EvenementRefuse(
                `« ${e.reservataire} » ne fait pas partie des réservataires du logement ${e.logement}`,
              );
            }
          } else if (r !== loc.detenteur) {
            throw new EvenementRefuse(
              `le logement ${e.logement} est orienté vers ${this.lignes[loc.detenteur]?.id ?? 'personne'}, pas vers « ${e.reservataire} »`,
            );
          }
        } else if (loc?.pool && e.reservataire === undefined) {
          throw new EvenementRefuse(
            `logement ${e.logement} orienté vers plusieurs réservataires : le bail doit nommer celui dont le candidat signe (« reservataire »)`,
          );
        }
        // ADR 0026: the letting opens on the tenant's notice; the lease cannot precede the departure.
        if (loc?.depart && e.date < loc.depart)
          throw new EvenementRefuse(
            `bail signé le ${e.date}, avant le départ du locataire le ${loc.depart} (logement ${e.logement})`,
          );
        const l = this.location(e, 'signer_bail');
        if (l.pool && e.reservataire !== undefined) {
          const r = this.parReservataire.get(e.reservataire)!;
          if (r !== l.detenteur) {
            this.retirer(l.detenteur, l);
            this.tenir(r, l);
          }
          const o = this.orientations[l.slot]!;
          o.reservataire = e.reservataire;
          o.motif += ` ; bail signé par un candidat de ${e.reservataire}`;
          for (const c of o.explication.candidats) c.retenu = c.reservataire === e.reservataire;
        }
        l.bail = true;
        l.dates.fin = e.date;
        l.menage = e.menage ?? { quartile1: false, prioritaire: false, relogementAnru: false };
        this.enCours.delete(e.logement);
        return;
      }
      case 'refus':
        return this.echouer(this.location(e, 'refuser'), e.date);
      case 'sans_candidat':
        return this.echouer(this.location(e, 'constater_sans_candidat'), e.date);
    }
  }

  /**
   * The bailleur confirmed the engine's recommendation (`orientation_forcee` with `confirmee`, dated
   * on the liberation): the unit is held by that line from then on, whatever a later-recorded event
   * dated before it would now make the engine choose (ADR 0018). Normally the line already holds it.
   */
  private confirmer(loc: Location, cible: number, transition: Transition): void {
    loc.etat = transiter(loc.etat, transition, loc.logement.id);
    if (loc.detenteur === cible && !loc.pool) {
      const o = this.orientations[loc.slot]!;
      o.motif = `${o.motif} ; recommandation confirmée par le bailleur`;
      return;
    }
    const explication = this.expliquer(loc);
    if (loc.detenteur >= 0) this.retirer(loc.detenteur, loc);
    loc.pool = null;
    loc.forcee = false;
    this.tenir(cible, loc);
    const id = this.lignes[cible]!.id;
    this.orientations[loc.slot] = {
      logement: loc.logement.id,
      date: loc.date,
      reservataire: id,
      motif: `Recommandation du moteur confirmée par le bailleur pour ${id} ; le moteur choisirait aujourd’hui ${explication.recommande ?? 'aucune ligne'}, après des événements enregistrés depuis`,
      forcee: false,
      recommandation: explication.recommande,
      explication: { candidats: explication.candidats.map((c) => decisionHumaine(c, id, explication.recommande)) },
    };
  }

  private liberer(
    date: string,
    logement: Logement,
    exclusion: Exclusion | null,
    premiere: boolean,
    manuelle: boolean,
  ): void {
    const precedente = this.enCours.get(logement.id);
    if (precedente) {
      throw new EvenementRefuse(
        `le logement ${logement.id} est déjà en cours de location depuis le ${precedente.date} (état « ${precedente.etat} »)`,
      );
    }
    const horsFlux = logement.horsFlux;
    const motifExclu: MotifExclusion | null = horsFlux ?? exclusion;
    const dansLeFlux = ajouterAuFlux(this.flux, {
      exclusion: horsFlux ? null : exclusion,
      horsFlux,
      premiereMiseEnLocation: premiere,
    });
    const loc: Location = {
      logement,
      cles: cles(logement),
      cel: this.cellule(logement),
      date,
      slot: this.orientations.length,
      etat: 'liberee',
      dansLeFlux,
      detenteur: -1,
      pool: null,
      forcee: false,
      propose: false,
      attribue: false,
      decision: null,
      echec: false,
      rendue: false,
      bail: false,
      menage: null,
      exclusion: motifExclu,
      premiere,
      depart: null,
      dates: { candidats: null, decision: null, fin: null },
    };
    this.locations.push(loc);
    if (!dansLeFlux) {
      loc.etat = transiter(loc.etat, 'exclure', logement.id);
      this.orientations.push({
        logement: logement.id,
        date,
        reservataire: null,
        motif: horsFlux
          ? `Hors flux : ${LIBELLES_EXCLUSION[horsFlux]} (CCH R.441-5 I)`
          : `Exclu du flux : ${LIBELLES_EXCLUSION[motifExclu!]} (CCH R.441-5 I)`,
        forcee: false,
        explication: { candidats: [] },
      });
      return;
    }
    this.enCours.set(logement.id, loc);
    this.compterDansLeFlux(loc);
    if (manuelle) {
      // The slot is filled by the orientation that follows on the same date.
      this.orientations.push({
        logement: logement.id,
        date,
        reservataire: null,
        motif: '',
        forcee: true,
        explication: { candidats: [] },
      });
      return;
    }
    this.orienter(loc);
  }

  /** Adds a flow unit to the entitlements and to the flow mix of every line covering it. */
  private compterDansLeFlux(loc: Location): void {
    const { cel } = loc;
    for (let k = 0; k < cel.lignes.length; k++) {
      const ligne = this.lignes[cel.lignes[k]!]!;
      ligne.droit += cel.rhos[k]!;
      ligne.rhoCumule += cel.rhos[k]!;
      ligne.fluxTotal += 1;
      for (const cle of loc.cles) incr(ligne.fluxParValeur, cle, 1);
    }
    incr(this.fluxCommune, loc.logement.commune, 1);
  }

  private tenir(li: number, loc: Location): void {
    const ligne = this.lignes[li]!;
    loc.detenteur = li;
    ligne.detenus += 1;
    for (const cle of loc.cles) incr(ligne.recus, cle, 1);
  }

  private retirer(li: number, loc: Location): void {
    const ligne = this.lignes[li]!;
    ligne.detenus -= 1;
    for (const cle of loc.cles) incr(ligne.recus, cle, -1);
  }

  private echouer(loc: Location, date: string): void {
    loc.echec = true;
    loc.dates.fin = date;
    this.enCours.delete(loc.logement.id);
    const ligne = this.lignes[loc.detenteur];
    // A failure that does not consume the right: the bailleur lets the unit "pour un tour" and
    // the réservataire is owed the next suitable unit (its lag rises by one).
    if (ligne?.convention && !ligne.convention.echecDecompte) {
      loc.rendue = true;
      this.retirer(loc.detenteur, loc);
      const bailleur = this.lignes[this.bailleur]!;
      bailleur.detenus += 1;
      for (const cle of loc.cles) incr(bailleur.recus, cle, 1);
    }
  }

  // ─── the choice ───

  private quota(loc: Location): { cel: Cellule; lignes: LigneQuota[] } {
    const { cel } = loc;
    return {
      cel,
      lignes: cel.lignes.map((li, k) => {
        const ligne = this.lignes[li]!;
        return { index: li, retard: ligne.droit - ligne.detenus * MICRO, rho: cel.rhos[k]! };
      }),
    };
  }

  private plusUrgent(loc: Location, membres: number[]): number {
    const { lignes } = this.quota(loc);
    const parmi = lignes.filter((q) => membres.includes(q.index));
    parmi.sort(compareUrgence);
    return parmi[0]?.index ?? membres[0]!;
  }

  /**
   * How much line `li` needs a unit like `l` to match the mix of its perimeter's flow, in units
   * (> 0: under-served in these characteristics), with the commitments of its convention.
   */
  private besoin(li: number, loc: Location): number {
    const ligne = this.lignes[li]!;
    const l = loc.logement;
    const apres = ligne.detenus + 1;
    let score = 0;
    for (let d = 0; d < 4; d++) {
      const cle = loc.cles[d]!;
      const recus = ligne.recus.get(cle) ?? 0;
      if (d === 3 && ligne.contraintes.uniformiteCommunale) {
        // The rate applies in each commune: the line is owed taux × the commune's flow there.
        const du = (ligne.tauxMicro * (this.fluxCommune.get(l.commune) ?? 0)) / MICRO;
        score += 2 * (du - recus);
        continue;
      }
      const part = ligne.fluxTotal > 0 ? (ligne.fluxParValeur.get(cle) ?? 0) / ligne.fluxTotal : 0;
      score += part * apres - recus;
      const f = ligne.contraintes.fourchettes.get(cle);
      if (f) {
        if (recus / Math.max(1, ligne.detenus) < f[0]) score += POIDS_ENGAGEMENT;
        if ((recus + 1) / apres > f[1]) score -= POIDS_ENGAGEMENT;
      }
    }
    const min = ligne.contraintes.partHorsQpvMin;
    if (min > 0) {
      // A least share outside QPV is a commitment, not a preference: weigh it above the mix.
      const horsQpv = ligne.recus.get('2:hors_qpv') ?? 0;
      if (l.qpv === null && horsQpv < min * apres) score += POIDS_ENGAGEMENT;
      if (l.qpv !== null && horsQpv < min * apres) score -= POIDS_ENGAGEMENT;
    }
    return score;
  }

  private expliquer(loc: Location): {
    recommande: string | null;
    choix: number;
    candidats: CandidatExplication[];
    qualitatif: boolean;
  } {
    const { lignes } = this.quota(loc);
    const edf = (this.options.regleQuota ?? choisirEcheance)(lignes);
    const besoins = lignes.map((q) => this.besoin(q.index, loc));
    let choix = edf;
    let qualitatif = false;
    if (edf >= 0 && this.options.equilibreQualitatif !== false) {
      // The qualitative balance may serve another line below its entitlement, when it needs this
      // unit by at least one more unit of mix and the quota stays reachable for everyone.
      const ordre = lignes
        .map((_, k) => k)
        .filter((k) => k !== edf && lignes[k]!.retard > 0 && besoins[k]! >= besoins[edf]! + 1)
        .sort((a, b) => besoins[b]! - besoins[a]! || compareUrgence(lignes[a]!, lignes[b]!));
      for (const k of ordre) {
        const apres = lignes.map((q, j) => (j === k ? { ...q, retard: q.retard - MICRO } : q));
        if (faisable(apres)) {
          choix = k;
          qualitatif = true;
          break;
        }
      }
    }
    const candidats = lignes.map((q, k): CandidatExplication => {
      const ligne = this.lignes[q.index]!;
      let raison: string;
      if (k === choix)
        raison = qualitatif
          ? 'retenu : équilibre qualitatif, le quota restant tenu'
          : 'retenu : échéance la plus proche';
      else if (q.retard <= 0) raison = 'droit atteint : aucun retard sur son droit exact';
      else if (k === edf)
        raison =
          'échéance la plus proche, mais le logement manque davantage à une autre ligne sans compromettre le quota';
      else if (besoins[k]! >= besoins[edf]! + 1)
        raison = 'en retard, mais le servir ferait manquer une échéance (propriété de quota)';
      else raison = 'en retard, échéance plus lointaine';
      const e = echeance(q);
      return {
        reservataire: ligne.id,
        droitExact: fromMicro(ligne.droit),
        oriente: ligne.detenus,
        echeance: e === null ? null : Math.round(e * 1e6) / 1e6,
        besoinQualitatif: Math.round(besoins[k]! * 1e6) / 1e6,
        retenu: k === choix,
        raison,
      };
    });
    return {
      recommande: choix >= 0 ? this.lignes[lignes[choix]!.index]!.id : null,
      choix: choix >= 0 ? lignes[choix]!.index : -1,
      candidats,
      qualitatif,
    };
  }

  private orienter(loc: Location): void {
    const { choix, candidats, qualitatif } = this.expliquer(loc);
    const li = choix >= 0 ? choix : this.bailleur;
    loc.etat = transiter(loc.etat, 'orienter', loc.logement.id);
    this.tenir(li, loc);
    const ligne = this.lignes[li]!;
    const c = candidats.find((x) => x.reservataire === ligne.id);
    const motif = qualitatif
      ? `Équilibre qualitatif : ${ligne.id} est en retard sur son droit (${format(c?.droitExact ?? 0)} dû, ${c?.oriente ?? 0} orientés) et manque de logements de ce type ; le quota de chacun reste tenu`
      : `Droit le plus pressant : ${ligne.id} (${format(c?.droitExact ?? 0)} dû, ${c?.oriente ?? 0} orientés) atteindrait le plus tôt un logement de retard`;
    this.orientations.push({
      logement: loc.logement.id,
      date: loc.date,
      reservataire: ligne.id,
      motif,
      forcee: false,
      explication: { candidats },
    });
  }

  // ─── results ───

  /** Whether a held letting counts against its holder's entitlement, per the convention's rule. */
  private decompte(li: number, loc: Location): boolean {
    const c = this.lignes[li]!.convention;
    if (!c) return true;
    if (loc.echec) return c.echecDecompte;
    return c.decompte === 'mise_a_disposition' || (c.decompte === 'attribution' ? loc.attribue : loc.bail);
  }

  private detail(): DetailLocation[] {
    return this.locations.map((loc) => {
      const parts: Record<string, number> = {};
      if (loc.dansLeFlux) loc.cel.lignes.forEach((li, k) => (parts[this.lignes[li]!.id] = fromMicro(loc.cel.rhos[k]!)));
      const tenue = loc.dansLeFlux && loc.detenteur >= 0;
      return {
        logement: loc.logement.id,
        date: loc.date,
        exclusion: loc.dansLeFlux ? null : loc.exclusion,
        premiereMiseEnLocation: loc.premiere,
        ligne: tenue ? this.lignes[loc.detenteur]!.id : null,
        pool: loc.pool ? loc.pool.map((li) => this.lignes[li]!.id) : null,
        forcee: loc.forcee,
        propose: loc.propose,
        attribue: loc.attribue,
        decision: loc.decision,
        bail: loc.bail,
        echec: loc.echec,
        pourUnTour: loc.rendue,
        decompte: tenue && this.decompte(loc.detenteur, loc),
        enCours: tenue && !loc.bail && !loc.echec,
        dates: { ...loc.dates },
        menage: loc.menage,
        parts,
      };
    });
  }

  private bilan(): LigneBilan[] {
    const lignes = this.lignes.map((ligne, li) => {
      const detenues = this.locations.filter((loc) => loc.dansLeFlux && loc.detenteur === li);
      const c = ligne.convention;
      const decompte = (loc: Location): boolean => this.decompte(li, loc);
      const pourUnTour = li === this.bailleur ? this.locations.filter((loc) => loc.rendue).length : 0;
      const decomptes = detenues.filter(decompte).length + pourUnTour;
      const soldeMicro = decomptes * MICRO - ligne.droit;
      const taux = c ? c.taux : this.flux.fluxAnnuel > 0 ? fromMicro(ligne.rhoCumule / this.flux.fluxAnnuel) : 0;
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
    return lignes;
  }

  private objectifs(): Objectifs {
    const date = `${this.scenario.annee}-12-31`;
    const baux = this.locations.filter((l) => l.bail && l.dansLeFlux);
    const horsQpv = baux.filter((l) => l.logement.qpv === null);
    const enQpv = baux.filter((l) => l.logement.qpv !== null);
    const prioritaires: Record<string, Indicateur> = {};
    const cibleReservataire = valeurAu('objectifPrioritaires', date);
    this.lignes.forEach((ligne, li) => {
      const siens = baux.filter((l) => l.detenteur === li);
      // The State's contingent is for priority publics, but for its agents' share.
      const cible =
        ligne.reservataire?.type === 'etat' && ligne.convention
          ? 1 - (ligne.convention.tauxAgents ?? 0) / (ligne.convention.taux || 1)
          : cibleReservataire;
      prioritaires[ligne.id] = indicateur(siens.filter((l) => l.menage?.prioritaire).length, siens.length, cible);
    });
    return {
      quartile1HorsQpv: indicateur(
        horsQpv.filter((l) => l.menage?.quartile1 || l.menage?.relogementAnru).length,
        horsQpv.length,
        valeurAu('objectifQuartile1HorsQpv', date),
      ),
      nonQuartile1EnQpv: indicateur(
        enQpv.filter((l) => !l.menage?.quartile1).length,
        enQpv.length,
        valeurAu('objectifNonQuartile1EnQpv', date),
      ),
      prioritaires,
    };
  }

  private ecarts(): Ecarts {
    const ecarts = { typologie: {}, financement: {}, qpv: {}, commune: {} } as Ecarts;
    for (const ligne of this.lignes) {
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
}

class EvenementRefuse extends Error {}

/** A candidate line of an orientation decided by a person rather than by the engine. */
function decisionHumaine(c: CandidatExplication, choisi: string, recommande: string | null): CandidatExplication {
  const retenu = c.reservataire === choisi;
  const raison = retenu
    ? c.reservataire === recommande
      ? 'retenu par le bailleur, conformément à la recommandation'
      : 'retenu par décision du bailleur (motif ci-dessus)'
    : c.reservataire === recommande
      ? `recommandé par le moteur (${c.raison.replace(/^retenu : /, '')}), écarté par le bailleur`
      : c.raison;
  return { ...c, retenu, raison };
}

function nouvelleLigne(
  id: string,
  convention: Convention | null,
  reservataire: Reservataire | null,
  tauxMicro: number,
  report: number,
  contraintes: ContraintesResolues,
): Ligne {
  return {
    id,
    convention,
    reservataire,
    tauxMicro,
    droit: report,
    detenus: 0,
    recus: new Map(),
    fluxParValeur: new Map(),
    fluxTotal: 0,
    rhoCumule: 0,
    contraintes,
  };
}

function incr(m: Map<string, number>, k: string, n: number): void {
  m.set(k, (m.get(k) ?? 0) + n);
}

function arrondi(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A number the French way (decimal comma, up to 3 decimals); Intl is far too slow for a hot path. */
function format(x: number): string {
  return String(Math.round(x * 1000) / 1000).replace('.', ',');
}

function indicateur(numerateur: number, denominateur: number, cible: number): Indicateur {
  return {
    realise: denominateur > 0 ? arrondi(numerateur / denominateur) : null,
    cible: arrondi(cible),
    numerateur,
    denominateur,
  };
}

/** What the convention's carry-over rule keeps of the balance (micro-units, same sign as solde). */
function reporter(soldeMicro: number, c: Convention | null): number {
  const regle = c?.regleReport ?? 'integral';
  if (regle === 'aucun') return 0;
  if (regle === 'integral') return soldeMicro;
  const plafond = toMicro(regle.plafond) ?? 0;
  return Math.max(-plafond, Math.min(plafond, soldeMicro));
}

/**
 * Runs a scenario's year through the engine. Throws `DonneesInvalides` listing every problem
 * (meaning of the data, impossible transitions) with its field path.
 */
export function simuler(scenario: Scenario, options: OptionsMoteur = {}): ResultatSimulation {
  const logements = indexerLogements(scenario);
  const problemes = validerScenario(scenario, logements);
  if (problemes.length > 0) throw new DonneesInvalides(problemes);
  return new Moteur(scenario, logements, options).run();
}
