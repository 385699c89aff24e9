/**
 * The flow engine: runs one year of a bailleur's events over its conventions and produces the
 * orientations (each with its explanation), the ledger of every convention and of the bailleur's
 * own share, the allocation objectives and the qualitative deviations. Pure: same input, same
 * output, byte for byte. The server, the CLI and `flux simulate` all call `simuler` (the server
 * through `simulerAvecReprises` / `reprendre`, which give the same answer from a month start).
 */
import { DonneesInvalides, EvenementRefuse, TransitionImpossible, type Probleme } from './errors.ts';
import {
  CLE_HORS_QPV,
  clesDuLogement,
  cleDimension,
  copierEtat,
  DIM_COMMUNE,
  DIM_FINANCEMENT,
  DIM_TYPOLOGIE,
  incr,
  type Cellule,
  type ContraintesResolues,
  type EtatMoteur,
  type Ligne,
  type Location,
} from './etat-moteur.ts';
import { choisirSelonPlan, CLE_PLAN, segmentDuLogement, type CiblesPlan } from './suivi-plan.ts';
import { agrandir, compteursVides, RegistreCles, type CompteursNumeriques } from './compteurs-numeriques.ts';
import {
  ATTRIBUTION,
  BAIL_SIGNE,
  CANDIDATS,
  LIBERATION,
  LIBERATION_ANRU,
  REFUS,
  SANS_CANDIDAT,
  type AnneeCompacte,
} from './annee-compacte.ts';
import { MICRO, fromMicro, toMicro } from './exact.ts';
import { ajouterAuFlux, fluxVide, LIBELLES_EXCLUSION, type FluxAnnuel, type MotifExclusion } from './flow.ts';
import { valeurAu } from './legal-parameters.ts';
import { transiter, type Transition } from './lifecycle.ts';
import { resoudreMenage } from './menage.ts';
import { contient } from './perimeter.ts';
import { choisirEcheance, compareUrgence, echeance, faisable, type LigneQuota } from './quota.ts';
import {
  bilanDesLignes,
  detailDesLocations,
  ecartsDesLignes,
  objectifsDeLAnnee,
  relogementsDeLAnnee,
  type CandidatExplication,
  type LigneBilan,
  type Orientation,
  type ResultatSimulation,
} from './resultats-annee.ts';
import {
  BAILLEUR,
  DECISIONS_POSITIVES,
  type Convention,
  type Evenement,
  type Exclusion,
  type Logement,
  type Reservataire,
  type Scenario,
} from './types.ts';
import { avertirScenario, indexerLogements, validerScenario, verifierAjout, type Verifie } from './validation.ts';

export { DIMENSIONS, type Dimension } from './etat-moteur.ts';
export type {
  CandidatExplication,
  DetailLocation,
  EcartValeur,
  Ecarts,
  Indicateur,
  LigneBilan,
  Objectifs,
  Orientation,
  ResultatSimulation,
} from './resultats-annee.ts';

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
  /**
   * Follow the allocation plan's segment targets (issue 18 item 1, `choisirSelonPlan`) in place of
   * the qualitative balance, under the same feasibility guard. Absent: the engine as before, byte
   * for byte.
   */
  plan?: CiblesPlan;
  /**
   * Explain each orientation (its motive, every candidate line's verdict); default true. The Monte
   * Carlo year reads only which line got which unit when (`preparerAnnees`), and runs without: the
   * choices are the same, only the words are not written.
   */
  explications?: boolean;
}

/** The line the rule chooses for a unit, with the explanation of every candidate line. */
interface ChoixDeLigne {
  /** The chosen line's id (null: no candidate line). */
  recommande: string | null;
  /** The chosen line's index (−1: none). */
  choix: number;
  candidats: CandidatExplication[];
  /** Chosen by the qualitative balance rather than by the earliest deadline. */
  qualitatif: boolean;
  /** Chosen for the plan's target in the unit's segment: the units of it the plan still gives the line. */
  planifie: number | null;
}

/** The engine's state before the first event dated in `mois` (YYYY-MM): where a replay may resume. */
interface PointDeReprise {
  mois: string;
  etat: EtatMoteur;
}

/**
 * A run of the year kept to be resumed: its scenario, options, the lines' cells and the state at
 * each month start. Never changed once made (a resumption copies the state it starts from).
 */
export interface Reprises {
  readonly scenario: Scenario;
  readonly options: OptionsMoteur;
  readonly cellules: Map<string, Cellule>;
  readonly points: readonly PointDeReprise[];
  /** The scenario's checks, for a resumption to check only what it appends (`verifierAjout`). */
  readonly verifie: Verifie;
  /** The events' indexes by date (`ordreDesEvenements`), merged with the appended ones on resuming. */
  readonly ordre: readonly number[];
}

export interface RejeuAnnee {
  resultat: ResultatSimulation;
  reprises: Reprises;
}

/** A unit as the engine counts it: its dimension keys (with the plan's segment), their numbers, its cell. */
interface UniteMoteur {
  logement: Logement;
  /** `logement.id`, read here without reaching the unit. */
  id: string;
  cles: string[];
  /** The keys' numbers in the run's `RegistreCles` (empty without one). */
  ids: number[];
  cel: Cellule;
}

const SANS_IDS: number[] = [];

class Moteur {
  lignes: Ligne[];
  readonly bailleur: number;
  readonly parReservataire = new Map<string, number>();
  etat: EtatMoteur;
  readonly problemes: Probleme[] = [];
  /** Programme index of each unit of a programme. */
  readonly programmeDe = new Map<string, number>();
  /** What the law flags but does not forbid, found before the run (`avertirScenario`). */
  avertissements: Probleme[] = [];
  /** The mix's counters by key number, in place of the lines' maps (with a `registre`). */
  num: CompteursNumeriques | null;

  constructor(
    readonly scenario: Scenario,
    readonly logements: Map<string, Logement>,
    readonly options: OptionsMoteur = {},
    readonly cellules = new Map<string, Cellule>(),
    /** Each unit's dimension keys (`clesDuLogement`, and the plan's segment) and cell, kept across runs of the same options. */
    readonly uniteDe = new Map<Logement, UniteMoteur>(),
    /**
     * The keys' numbers (`preparerAnnees`): the mix is then counted in typed arrays (`num`) and the
     * lines' maps stay empty — no resumption point can be taken.
     */
    readonly registre: RegistreCles | null = null,
  ) {
    const reservataires = new Map(scenario.reservataires.map((r) => [r.id, r]));
    const defautHorsQpvEtat = valeurAu('partHorsQpvMinEtat', `${scenario.annee}-01-01`);
    const lignes: Ligne[] = [];
    let reports = 0;
    for (const c of scenario.conventions) {
      const r = reservataires.get(c.reservataire)!;
      const estEtat = r.type === 'etat';
      const fourchettes = new Map<string, [number, number]>();
      for (const [v, f] of Object.entries(c.contraintes?.typologie ?? {}))
        if (f) fourchettes.set(cleDimension(DIM_TYPOLOGIE, v), f);
      for (const [v, f] of Object.entries(c.contraintes?.financement ?? {}))
        if (f) fourchettes.set(cleDimension(DIM_FINANCEMENT, v), f);
      const report = toMicro(c.report)!;
      reports += report;
      this.parReservataire.set(r.id, lignes.length);
      lignes.push(
        nouvelleLigne(r.id, c, r, toMicro(c.taux)!, report, {
          uniformiteCommunale: c.contraintes?.uniformiteCommunale ?? estEtat,
          partHorsQpvMin: c.contraintes?.partHorsQpvMin ?? (estEtat ? defautHorsQpvEtat : 0),
          fourchettes,
        }),
      );
    }
    this.bailleur = lignes.length;
    lignes.push(
      nouvelleLigne(BAILLEUR, null, null, 0, -reports, {
        uniformiteCommunale: false,
        partHorsQpvMin: 0,
        fourchettes: new Map(),
      }),
    );
    this.lignes = lignes;
    this.num = registre ? compteursVides(registre, lignes) : null;
    this.etat = {
      lignes,
      flux: fluxVide(),
      orientations: [],
      locations: [],
      enCours: new Map(),
      fluxCommune: new Map(),
      droitsProgrammes: new Map(),
    };
    scenario.programmes?.forEach((p, i) => {
      for (const l of p.logements) this.programmeDe.set(l, i);
    });
  }

  /** Resumes from a month start: the state is a copy, the point stays as it was. */
  reprendreA(point: PointDeReprise): void {
    this.etat = copierEtat(point.etat);
    this.lignes = this.etat.lignes;
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

  /**
   * Applies the events from position `debut` of `ordre` (the events' indexes sorted by date),
   * adding a resumption point at each month start crossed, then checks and gives the year's results.
   */
  run(ordre: readonly number[], debut: number, points: PointDeReprise[]): ResultatSimulation {
    this.appliquerTout(this.scenario.evenements, ordre, debut, points);
    const s = this.scenario;
    return {
      flux: this.etat.flux,
      orientations: this.etat.orientations,
      bilan: bilanDesLignes(this.etat, this.bailleur),
      objectifs: objectifsDeLAnnee(this.etat, s),
      relogements: relogementsDeLAnnee(this.etat),
      avertissements: this.avertissements,
      ecarts: ecartsDesLignes(this.etat),
      ...(this.options.detail ? { detail: detailDesLocations(this.etat) } : {}),
    };
  }

  /**
   * Applies `evenements` from position `debut` of `ordre` (their indexes sorted by date), adding a
   * resumption point at each month start crossed unless `points` is null, then checks the year.
   */
  appliquerTout(
    evenements: readonly Evenement[],
    ordre: readonly number[],
    debut: number,
    points: PointDeReprise[] | null,
  ): void {
    const logements = this.logements;
    // A liberation is left for a person to orient when a forced or pooled orientation of the same
    // unit follows on the same date.
    const orientationManuelle = new Set<string>();
    for (const e of evenements) {
      // A confirmation pins the engine's own orientation: the liberation is oriented as usual first.
      if ((e.type === 'orientation_forcee' && !e.confirmee) || e.type === 'orientation_multiple')
        orientationManuelle.add(`${e.date}|${e.logement}`);
    }
    let mois = points ? points[points.length - 1]!.mois : '';
    for (let j = debut; j < ordre.length; j++) {
      const i = ordre[j]!;
      const e = evenements[i]!;
      if (points) {
        const m = e.date.slice(0, 7);
        if (m > mois) {
          points.push({ mois: m, etat: copierEtat(this.etat) });
          mois = m;
        }
      }
      const logement = logements.get(e.logement)!;
      const manuelle =
        e.type === 'liberation' && orientationManuelle.size > 0 && orientationManuelle.has(`${e.date}|${e.logement}`);
      try {
        this.appliquer(e, logement, manuelle);
      } catch (err) {
        this.signalerRefus(err, i);
      }
    }
    this.verifierFin();
  }

  /** An event the ledger refuses is a problem named by its index; anything else is a bug and goes up. */
  private signalerRefus(err: unknown, i: number): void {
    if (err instanceof TransitionImpossible || err instanceof EvenementRefuse)
      this.problemes.push({ chemin: `evenements[${i}]`, message: err.message });
    else throw err;
  }

  /** The year's end: a liberation left for a manual orientation that never came is an input error. */
  private verifierFin(): void {
    for (const loc of this.etat.locations) {
      if (loc.dansLeFlux && loc.etat === 'liberee') {
        this.problemes.push({
          chemin: 'evenements',
          message: `le logement ${loc.logement.id} libéré le ${loc.date} n’a jamais été orienté`,
        });
      }
    }
    if (this.problemes.length > 0) throw new DonneesInvalides(this.problemes);
  }

  /**
   * `appliquerTout` for a drawn year given as numbers (`AnneeCompacte`, ADR 0051): the same
   * transitions in the same order, no event object read; `unites` is each scenario unit prepared.
   */
  appliquerCompact(a: AnneeCompacte, unites: (UniteMoteur | undefined)[]): void {
    const { types, jours, ordre, dates } = a;
    for (let j = 0; j < a.n; j++) {
      const i = ordre[j]!;
      const k = a.unites[i]!;
      const u = unites[k] ?? (unites[k] = this.unite(a.logements[k]!));
      const date = dates[jours[i]!]!;
      const id = u.id;
      try {
        switch (types[i]) {
          case LIBERATION:
            this.liberer(date, u.logement, null, false, false, u);
            break;
          case LIBERATION_ANRU:
            this.liberer(date, u.logement, 'relogement_anru', false, false, u);
            break;
          case CANDIDATS: {
            const loc = this.transiterLocation(id, 'proposer_candidats');
            loc.propose = true;
            loc.dates.candidats ??= date;
            break;
          }
          case ATTRIBUTION: {
            const loc = this.transiterLocation(id, 'decider');
            loc.decision = 'attribution';
            loc.attribue = true;
            loc.dates.decision = date;
            break;
          }
          case BAIL_SIGNE:
            this.signerBail({ date, type: 'bail_signe', logement: id });
            break;
          case REFUS:
            this.echouer(this.transiterLocation(id, 'refuser'), date);
            break;
          case SANS_CANDIDAT:
            this.echouer(this.transiterLocation(id, 'constater_sans_candidat'), date);
            break;
        }
      } catch (err) {
        this.signalerRefus(err, i);
      }
    }
    this.verifierFin();
  }

  /** A unit's dimension keys (with the plan's segment when the engine follows a plan) and cell; computed once a unit. */
  unite(logement: Logement): UniteMoteur {
    let u = this.uniteDe.get(logement);
    if (!u) {
      const cles = this.options.plan
        ? [...clesDuLogement(logement), `${CLE_PLAN}${segmentDuLogement(logement)}`]
        : clesDuLogement(logement);
      const registre = this.registre;
      u = {
        logement,
        id: logement.id,
        cles,
        ids: registre ? cles.map((c) => registre.id(c)) : SANS_IDS,
        cel: this.cellule(logement),
      };
      this.uniteDe.set(logement, u);
      if (registre && this.num) agrandir(this.num, registre, this.lignes);
    }
    return u;
  }

  private location(e: Evenement, transition: Transition): Location {
    return this.transiterLocation(e.logement, transition);
  }

  private transiterLocation(logement: string, transition: Transition): Location {
    const loc = this.enCours(logement);
    loc.etat = transiter(loc.etat, transition, logement);
    return loc;
  }

  private enCours(logement: string): Location {
    const loc = this.etat.enCours.get(logement);
    if (!loc) throw new EvenementRefuse(`aucune location en cours pour le logement ${logement} (pas de libération)`);
    return loc;
  }

  /** The letting in progress of a unit, which must be in the flow to be oriented. */
  private enCoursDansLeFlux(logement: string): Location {
    const loc = this.enCours(logement);
    if (!loc.dansLeFlux)
      throw new EvenementRefuse(
        `le logement ${logement} est hors du flux (${LIBELLES_EXCLUSION[loc.exclusion!]}) : il n’est orienté vers aucun réservataire ; sa location se poursuit sans orientation`,
      );
    return loc;
  }

  private appliquer(e: Evenement, logement: Logement, manuelle: boolean): void {
    switch (e.type) {
      case 'liberation': {
        this.liberer(e.date, logement, e.exclusion ?? null, e.premiereMiseEnLocation ?? false, manuelle);
        const ouverte = this.etat.enCours.get(logement.id);
        if (e.depart !== undefined && ouverte?.date === e.date) ouverte.depart = e.depart;
        return;
      }
      case 'orientation_forcee': {
        const loc = this.enCoursDansLeFlux(e.logement);
        const cible = e.reservataire === BAILLEUR ? this.bailleur : this.parReservataire.get(e.reservataire)!;
        if (e.confirmee) return this.confirmer(loc, cible);
        return this.orienterParLeBailleur(loc, [cible], `Orientation décidée par le bailleur : ${e.motif}`);
      }
      case 'orientation_multiple': {
        const loc = this.enCoursDansLeFlux(e.logement);
        const membres = e.reservataires.map((id) => this.parReservataire.get(id)!);
        return this.orienterParLeBailleur(loc, membres, (provisoire) => {
          const ligne = this.lignes[provisoire]!.id;
          return `Orientation vers plusieurs réservataires (${e.reservataires.join(', ')}) : ${e.motif} ; compté provisoirement pour ${ligne}, dont le droit est le plus pressant, jusqu’au bail`;
        });
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
      case 'bail_signe':
        return this.signerBail(e);
      case 'refus':
        return this.echouer(this.location(e, 'refuser'), e.date);
      case 'sans_candidat':
        return this.echouer(this.location(e, 'constater_sans_candidat'), e.date);
    }
  }

  /**
   * An orientation decided by the bailleur instead of the engine's (ADR 0006 for a pool): one line
   * (`orientation_forcee`) or several (`orientation_multiple`, held until the lease by the most
   * urgent member). The engine's recommendation is kept beside it.
   */
  private orienterParLeBailleur(
    loc: Location,
    membres: number[],
    motif: string | ((detenteur: number) => string),
  ): void {
    const choix = this.choisirLigne(loc);
    loc.etat = transiter(loc.etat, loc.etat === 'orientee' ? 'reorienter' : 'orienter', loc.logement.id);
    if (loc.detenteur >= 0) this.retirer(loc.detenteur, loc);
    const pool = typeof motif === 'function';
    // Until a lease names the réservataire, a pooled unit is held by the most urgent member.
    const detenteur = pool ? this.plusUrgent(loc, membres) : membres[0]!;
    loc.forcee = true;
    loc.pool = pool ? membres : null;
    this.tenir(detenteur, loc);
    const id = this.lignes[detenteur]!.id;
    this.etat.orientations[loc.slot] = {
      logement: loc.logement.id,
      date: loc.date,
      reservataire: id,
      motif: pool ? motif(detenteur) : motif,
      forcee: true,
      ...(pool ? { pool: membres.map((li) => this.lignes[li]!.id) } : {}),
      recommandation: choix.recommande,
      explication: { candidats: choix.candidats.map((c) => decisionHumaine(c, id, choix.recommande)) },
    };
  }

  /**
   * The bailleur confirmed the engine's recommendation (`orientation_forcee` with `confirmee`, dated
   * on the liberation): the unit is held by that line from then on, whatever a later-recorded event
   * dated before it would now make the engine choose (ADR 0018). Normally the line already holds it.
   */
  private confirmer(loc: Location, cible: number): void {
    loc.etat = transiter(loc.etat, loc.etat === 'orientee' ? 'reorienter' : 'orienter', loc.logement.id);
    if (loc.detenteur === cible && !loc.pool) {
      const o = this.etat.orientations[loc.slot]!;
      this.etat.orientations[loc.slot] = { ...o, motif: `${o.motif} ; recommandation confirmée par le bailleur` };
      return;
    }
    const choix = this.choisirLigne(loc);
    if (loc.detenteur >= 0) this.retirer(loc.detenteur, loc);
    loc.pool = null;
    loc.forcee = false;
    this.tenir(cible, loc);
    const id = this.lignes[cible]!.id;
    this.etat.orientations[loc.slot] = {
      logement: loc.logement.id,
      date: loc.date,
      reservataire: id,
      motif: `Recommandation du moteur confirmée par le bailleur pour ${id} ; le moteur choisirait aujourd’hui ${choix.recommande ?? 'aucune ligne'}, après des événements enregistrés depuis`,
      forcee: false,
      recommandation: choix.recommande,
      explication: { candidats: choix.candidats.map((c) => decisionHumaine(c, id, choix.recommande)) },
    };
  }

  /** A lease: it must follow a positive CAL decision and, for a pool, name the member whose candidate signs. */
  private signerBail(e: Extract<Evenement, { type: 'bail_signe' }>): void {
    const loc = this.etat.enCours.get(e.logement);
    if (loc && loc.etat === 'decision_cal' && (loc.decision === null || !DECISIONS_POSITIVES.has(loc.decision))) {
      throw new EvenementRefuse(`bail signé sans décision d’attribution de la CAL pour le logement ${e.logement}`);
    }
    if (loc && !loc.dansLeFlux && e.reservataire !== undefined) {
      throw new EvenementRefuse(
        `le logement ${e.logement} est hors du flux (${LIBELLES_EXCLUSION[loc.exclusion!]}) : son bail ne compte pour aucun réservataire, retirez « reservataire »`,
      );
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
      const o = this.etat.orientations[l.slot]!;
      this.etat.orientations[l.slot] = {
        ...o,
        reservataire: e.reservataire,
        motif: `${o.motif} ; bail signé par un candidat de ${e.reservataire}`,
        explication: {
          ...o.explication,
          candidats: o.explication.candidats.map((c) => ({ ...c, retenu: c.reservataire === e.reservataire })),
        },
      };
    }
    l.bail = true;
    l.dates.fin = e.date;
    const epci = l.logement.epci;
    l.menage = resoudreMenage(
      e.menage,
      epci === undefined ? undefined : this.scenario.seuilsPremierQuartile?.[epci],
      e.date,
    );
    this.etat.enCours.delete(e.logement);
  }

  private liberer(
    date: string,
    logement: Logement,
    exclusion: Exclusion | null,
    premiere: boolean,
    manuelle: boolean,
    /** The unit as prepared (`appliquerCompact`); else found by `unite`. */
    u: UniteMoteur | null = null,
  ): void {
    const precedente = this.etat.enCours.get(logement.id);
    // A letting outside the flow that never got a candidate ends with the next notice (first-edition
    // files record only the exclusion of such lettings).
    if (precedente?.etat === 'exclue') {
      this.etat.enCours.delete(logement.id);
    } else if (precedente) {
      throw new EvenementRefuse(
        `le logement ${logement.id} est déjà en cours de location depuis le ${precedente.date} (état « ${precedente.etat} »)`,
      );
    }
    const { cles, ids, cel } = u ?? this.unite(logement);
    const horsFlux = logement.horsFlux;
    const motifExclu: MotifExclusion | null = horsFlux ?? exclusion;
    const dansLeFlux = ajouterAuFlux(this.etat.flux, {
      exclusion: horsFlux ? null : exclusion,
      horsFlux,
      premiereMiseEnLocation: premiere,
    });
    const loc: Location = {
      logement,
      // With a plan, the unit's segment is one more key: each line's units of it are counted as the others.
      cles,
      ids,
      cel,
      date,
      slot: this.etat.orientations.length,
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
    this.etat.locations.push(loc);
    if (!dansLeFlux) {
      loc.etat = transiter(loc.etat, 'exclure', logement.id);
      this.etat.orientations.push({
        logement: logement.id,
        date,
        reservataire: null,
        motif: horsFlux
          ? `Hors flux : ${LIBELLES_EXCLUSION[horsFlux]} (CCH R.441-5 I)`
          : `Exclu du flux : ${LIBELLES_EXCLUSION[motifExclu!]} (CCH R.441-5 I)`,
        forcee: false,
        explication: { candidats: [] },
      });
      // Outside the flow, the letting still lives: candidates, CAL, lease (ADR 0031).
      this.etat.enCours.set(logement.id, loc);
      return;
    }
    this.etat.enCours.set(logement.id, loc);
    this.compterDansLeFlux(loc);
    if (manuelle) {
      // The slot is filled by the orientation that follows on the same date.
      this.etat.orientations.push({
        logement: logement.id,
        date,
        reservataire: null,
        motif: '',
        forcee: true,
        explication: { candidats: [] },
      });
      return;
    }
    if (premiere && this.orienterParProgramme(loc)) return;
    this.orienter(loc);
  }

  /**
   * A new programme's first letting goes to the rights negotiated at its financing, in their order,
   * while some remain for a line that covers the unit (ADR 0035); false when none applies.
   */
  private orienterParProgramme(loc: Location): boolean {
    const pi = this.programmeDe.get(loc.logement.id);
    if (pi === undefined) return false;
    const programme = this.scenario.programmes![pi]!;
    for (let k = 0; k < programme.droits.length; k++) {
      const droit = programme.droits[k]!;
      const cle = `${pi}|${k}`;
      const donnes = this.etat.droitsProgrammes.get(cle) ?? 0;
      const li = this.parReservataire.get(droit.reservataire);
      if (donnes >= droit.logements || li === undefined || !loc.cel.lignes.includes(li)) continue;
      const choix = this.choisirLigne(loc);
      loc.etat = transiter(loc.etat, 'orienter', loc.logement.id);
      this.tenir(li, loc);
      this.etat.droitsProgrammes.set(cle, donnes + 1);
      const id = this.lignes[li]!.id;
      const [a, m, j] = programme.financement.date.split('-');
      this.etat.orientations.push({
        logement: loc.logement.id,
        date: loc.date,
        reservataire: id,
        motif: `Première mise en location du programme ${programme.nom ?? programme.id} : droits négociés à son financement (${programme.financement.decision} du ${j}/${m}/${a}) — ${id}, logement ${donnes + 1} sur ${droit.logements}`,
        forcee: false,
        recommandation: choix.recommande,
        explication: {
          candidats: choix.candidats.map((c) => ({
            ...c,
            retenu: c.reservataire === id,
            raison:
              c.reservataire === id
                ? 'retenu : droits négociés au financement du programme'
                : c.reservataire === choix.recommande
                  ? `recommandé par le moteur hors programme (${c.raison.replace(/^retenu : /, '')})`
                  : c.raison,
          })),
        },
      });
      return true;
    }
    return false;
  }

  /** Adds a flow unit to the entitlements and to the flow mix of every line covering it. */
  private compterDansLeFlux(loc: Location): void {
    const { cel, ids } = loc;
    const num = this.num;
    for (let k = 0; k < cel.lignes.length; k++) {
      const li = cel.lignes[k]!;
      const ligne = this.lignes[li]!;
      ligne.droit += cel.rhos[k]!;
      ligne.rhoCumule += cel.rhos[k]!;
      ligne.fluxTotal += 1;
      if (num) {
        const f = num.flux[li]!;
        for (let d = 0; d < ids.length; d++) f[ids[d]!]! += 1;
      } else for (const cle of loc.cles) incr(ligne.fluxParValeur, cle, 1);
    }
    if (num) num.fluxCommune[ids[DIM_COMMUNE]!]! += 1;
    else incr(this.etat.fluxCommune, loc.logement.commune, 1);
  }

  /** Adds `n` to line `li`'s held units of each of the unit's keys. */
  private compterRecus(li: number, loc: Location, n: number): void {
    const num = this.num;
    if (num) {
      const r = num.recus[li]!;
      const ids = loc.ids;
      for (let d = 0; d < ids.length; d++) r[ids[d]!]! += n;
    } else for (const cle of loc.cles) incr(this.lignes[li]!.recus, cle, n);
  }

  private tenir(li: number, loc: Location): void {
    const ligne = this.lignes[li]!;
    loc.detenteur = li;
    ligne.detenus += 1;
    this.compterRecus(li, loc, 1);
  }

  private retirer(li: number, loc: Location): void {
    const ligne = this.lignes[li]!;
    ligne.detenus -= 1;
    this.compterRecus(li, loc, -1);
  }

  private echouer(loc: Location, date: string): void {
    loc.echec = true;
    loc.dates.fin = date;
    this.etat.enCours.delete(loc.logement.id);
    const ligne = this.lignes[loc.detenteur];
    // A failure that does not consume the right: the bailleur lets the unit "pour un tour" and
    // the réservataire is owed the next suitable unit (its lag rises by one).
    if (ligne?.convention && !ligne.convention.echecDecompte) {
      loc.rendue = true;
      this.retirer(loc.detenteur, loc);
      const bailleur = this.lignes[this.bailleur]!;
      bailleur.detenus += 1;
      this.compterRecus(this.bailleur, loc, 1);
    }
  }

  // ─── the choice ───

  private quota(loc: Location): LigneQuota[] {
    const { cel } = loc;
    return cel.lignes.map((li, k) => {
      const ligne = this.lignes[li]!;
      return { index: li, retard: ligne.droit - ligne.detenus * MICRO, rho: cel.rhos[k]! };
    });
  }

  private plusUrgent(loc: Location, membres: number[]): number {
    const parmi = this.quota(loc).filter((q) => membres.includes(q.index));
    parmi.sort(compareUrgence);
    return parmi[0]?.index ?? membres[0]!;
  }

  /**
   * How much line `li` needs a unit like `l` to match the mix of its perimeter's flow, in units
   * (> 0: under-served in these characteristics), with the commitments of its convention (ADR 0003).
   */
  private besoin(li: number, loc: Location): number {
    if (this.num) return this.besoinNumerique(li, loc, this.num);
    const ligne = this.lignes[li]!;
    const l = loc.logement;
    const apres = ligne.detenus + 1;
    let score = 0;
    for (let d = DIM_TYPOLOGIE; d <= DIM_COMMUNE; d++) {
      const cle = loc.cles[d]!;
      const recus = ligne.recus.get(cle) ?? 0;
      if (d === DIM_COMMUNE && ligne.contraintes.uniformiteCommunale) {
        // The rate applies in each commune: the line is owed taux × the commune's flow there.
        const du = (ligne.tauxMicro * (this.etat.fluxCommune.get(l.commune) ?? 0)) / MICRO;
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
      const horsQpv = ligne.recus.get(CLE_HORS_QPV) ?? 0;
      if (l.qpv === null && horsQpv < min * apres) score += POIDS_ENGAGEMENT;
      if (l.qpv !== null && horsQpv < min * apres) score -= POIDS_ENGAGEMENT;
    }
    return score;
  }

  /** `besoin` read from the counters by key number: the same figures, in the same order. */
  private besoinNumerique(li: number, loc: Location, num: CompteursNumeriques): number {
    const ligne = this.lignes[li]!;
    const r = num.recus[li]!;
    const flux = num.flux[li]!;
    const fourchettes = num.fourchettes[li]!;
    const ids = loc.ids;
    const apres = ligne.detenus + 1;
    let score = 0;
    for (let d = DIM_TYPOLOGIE; d <= DIM_COMMUNE; d++) {
      const id = ids[d]!;
      const recus = r[id]!;
      if (d === DIM_COMMUNE && ligne.contraintes.uniformiteCommunale) {
        const du = (ligne.tauxMicro * num.fluxCommune[id]!) / MICRO;
        score += 2 * (du - recus);
        continue;
      }
      const part = ligne.fluxTotal > 0 ? flux[id]! / ligne.fluxTotal : 0;
      score += part * apres - recus;
      const f = fourchettes[id];
      if (f) {
        if (recus / Math.max(1, ligne.detenus) < f[0]) score += POIDS_ENGAGEMENT;
        if ((recus + 1) / apres > f[1]) score -= POIDS_ENGAGEMENT;
      }
    }
    const min = ligne.contraintes.partHorsQpvMin;
    if (min > 0) {
      const horsQpv = r[num.horsQpv]!;
      if (loc.logement.qpv === null && horsQpv < min * apres) score += POIDS_ENGAGEMENT;
      if (loc.logement.qpv !== null && horsQpv < min * apres) score -= POIDS_ENGAGEMENT;
    }
    return score;
  }

  /**
   * The orientation rule: the line a flow unit counts for. Among the lines covering the unit, the
   * one whose lag reaches one unit soonest (earliest deadline, ADR 0002), unless the qualitative
   * balance (ADR 0003) prefers another line in lag that needs this unit by at least one more unit of
   * mix and the quota stays reachable for every line. Explains the verdict on every candidate.
   */
  private choisirLigne(loc: Location): ChoixDeLigne {
    const lignes = this.quota(loc);
    const edf = (this.options.regleQuota ?? choisirEcheance)(lignes);
    // Without explanations a line's need is read only by the qualitative balance, for the lines in lag.
    const sansMots = this.options.explications === false;
    const besoins = sansMots ? new Array<number>(lignes.length) : lignes.map((q) => this.besoin(q.index, loc));
    let choix = edf;
    let qualitatif = false;
    let planifie: number | null = null;
    const plan = this.options.plan;
    if (edf >= 0 && plan) {
      // The plan's targets in the unit's segment, under the feasibility guard (`choisirSelonPlan`).
      const cle = loc.cles[loc.cles.length - 1]!;
      const segment = cle.slice(CLE_PLAN.length);
      const num = this.num;
      const id = loc.ids[loc.ids.length - 1]!;
      const reste = lignes.map((q) => {
        const ligne = this.lignes[q.index]!;
        const recus = num ? num.recus[q.index]![id]! : (ligne.recus.get(cle) ?? 0);
        return (plan[ligne.id]?.[segment] ?? 0) - recus;
      });
      choix = choisirSelonPlan(lignes, reste);
      if (lignes[choix]!.retard > 0 && reste[choix]! > 0) planifie = Math.round(reste[choix]! * 1000) / 1000;
    } else if (edf >= 0 && this.options.equilibreQualitatif !== false) {
      // The qualitative balance may serve another line below its entitlement, when it needs this
      // unit by at least one more unit of mix and the quota stays reachable for everyone.
      const ordre: number[] = [];
      if (sansMots) besoins[edf] = this.besoin(lignes[edf]!.index, loc);
      const seuil = besoins[edf]! + 1;
      for (let k = 0; k < lignes.length; k++) {
        if (k === edf || lignes[k]!.retard <= 0) continue;
        if (sansMots) besoins[k] = this.besoin(lignes[k]!.index, loc);
        if (besoins[k]! >= seuil) ordre.push(k);
      }
      if (ordre.length > 1) ordre.sort((a, b) => besoins[b]! - besoins[a]! || compareUrgence(lignes[a]!, lignes[b]!));
      for (const k of ordre) {
        const apres = lignes.map((q, j) => (j === k ? { ...q, retard: q.retard - MICRO } : q));
        if (faisable(apres)) {
          choix = k;
          qualitatif = true;
          break;
        }
      }
    }
    if (this.options.explications === false)
      return {
        recommande: choix >= 0 ? this.lignes[lignes[choix]!.index]!.id : null,
        choix: choix >= 0 ? lignes[choix]!.index : -1,
        candidats: [],
        qualitatif,
        planifie,
      };
    const candidats = lignes.map((q, k): CandidatExplication => {
      const ligne = this.lignes[q.index]!;
      let raison: string;
      if (k === choix)
        raison =
          planifie !== null
            ? 'retenu : plan d’attribution, ce segment lui reste à recevoir, le quota restant tenu'
            : qualitatif
              ? 'retenu : équilibre qualitatif, le quota restant tenu'
              : 'retenu : échéance la plus proche';
      else if (q.retard <= 0) raison = 'droit atteint : aucun retard sur son droit exact';
      else if (plan && k === edf)
        raison =
          'échéance la plus proche, mais le plan d’attribution donne ce segment à une autre ligne sans compromettre le quota';
      else if (plan) raison = 'en retard, mais le plan d’attribution ou l’échéance d’une autre ligne passe avant';
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
      planifie,
    };
  }

  /** The engine's own orientation of a flow unit: the rule's line (`choisirLigne`), with its motive. */
  private orienter(loc: Location): void {
    const { choix, candidats, qualitatif, planifie } = this.choisirLigne(loc);
    const li = choix >= 0 ? choix : this.bailleur;
    loc.etat = transiter(loc.etat, 'orienter', loc.logement.id);
    this.tenir(li, loc);
    const ligne = this.lignes[li]!;
    if (this.options.explications === false) {
      this.etat.orientations.push({
        logement: loc.logement.id,
        date: loc.date,
        reservataire: ligne.id,
        motif: '',
        forcee: false,
        explication: SANS_EXPLICATION,
      });
      return;
    }
    const c = candidats.find((x) => x.reservataire === ligne.id);
    const motif =
      planifie !== null
        ? `Plan d’attribution : ${ligne.id} est en retard sur son droit (${format(c?.droitExact ?? 0)} dû, ${c?.oriente ?? 0} orientés) et le plan lui donne encore ${format(planifie)} logement(s) de ce segment ; le quota de chacun reste tenu`
        : qualitatif
          ? `Équilibre qualitatif : ${ligne.id} est en retard sur son droit (${format(c?.droitExact ?? 0)} dû, ${c?.oriente ?? 0} orientés) et manque de logements de ce type ; le quota de chacun reste tenu`
          : `Droit le plus pressant : ${ligne.id} (${format(c?.droitExact ?? 0)} dû, ${c?.oriente ?? 0} orientés) atteindrait le plus tôt un logement de retard`;
    this.etat.orientations.push({
      logement: loc.logement.id,
      date: loc.date,
      reservataire: ligne.id,
      motif,
      forcee: false,
      explication: { candidats },
    });
  }
}

/** The explanation of an orientation run without explanations (`OptionsMoteur.explications` false): shared, never changed. */
const SANS_EXPLICATION: Orientation['explication'] = Object.freeze({ candidats: Object.freeze([]) as never[] });

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

/** A number the French way (decimal comma, up to 3 decimals); Intl is far too slow for a hot path. */
function format(x: number): string {
  return String(Math.round(x * 1000) / 1000).replace('.', ',');
}

/** The events' indexes by date, stable (each event keeps its index in the file for error paths). */
export function ordreDesEvenements(evenements: readonly Evenement[]): number[] {
  const ordre = evenements.map((_, i) => i);
  // Skipped when the file is already in order.
  if (evenements.some((e, i) => i > 0 && e.date < evenements[i - 1]!.date)) {
    ordre.sort((a, b) => {
      const da = evenements[a]!.date;
      const db = evenements[b]!.date;
      return da < db ? -1 : da > db ? 1 : a - b;
    });
  }
  return ordre;
}

function valider(scenario: Scenario): Map<string, Logement> {
  const logements = indexerLogements(scenario);
  const problemes = validerScenario(scenario, logements);
  if (problemes.length > 0) throw new DonneesInvalides(problemes);
  return logements;
}

function nouveauMoteur(
  scenario: Scenario,
  logements: Map<string, Logement>,
  options: OptionsMoteur,
  cellules?: Map<string, Cellule>,
  avertissements: Probleme[] = avertirScenario(scenario),
): Moteur {
  const moteur = new Moteur(scenario, logements, options, cellules);
  moteur.avertissements = avertissements;
  return moteur;
}

/**
 * Runs a scenario's year through the engine. Throws `DonneesInvalides` listing every problem
 * (meaning of the data, impossible transitions) with its field path.
 */
export function simuler(scenario: Scenario, options: OptionsMoteur = {}): ResultatSimulation {
  return simulerAvecReprises(scenario, options).resultat;
}

/** `simuler`, keeping the state at each month start so that a later change can be replayed from there (`reprendre`). */
export function simulerAvecReprises(scenario: Scenario, options: OptionsMoteur = {}): RejeuAnnee {
  const logements = valider(scenario);
  const moteur = nouveauMoteur(scenario, logements, options);
  const points: PointDeReprise[] = [{ mois: '', etat: copierEtat(moteur.etat) }];
  const ordre = ordreDesEvenements(scenario.evenements);
  const resultat = moteur.run(ordre, 0, points);
  const verifie: Verifie = { logements, avertissements: moteur.avertissements.slice(), lieux: null };
  return { resultat, reprises: { scenario, options, cellules: moteur.cellules, points, verifie, ordre } };
}

/**
 * The year of `scenario`, where `scenario` is `precedent`'s with events appended (the same event
 * and unit objects, more of them; new units may come between the old ones): replayed from the last
 * month start before the earliest new event, and checked only for what was appended (the parties
 * and conventions are the same; each event's checks are its own: `verifierAjout`). Exactly
 * `simulerAvecReprises(scenario, options)` — anything else (a convention, a unit or an earlier
 * event changed, other options, a problem in what was appended) is run in full.
 */
export function reprendre(precedent: Reprises, scenario: Scenario, options: OptionsMoteur = {}): RejeuAnnee {
  const avant = precedent.scenario;
  const n = avant.evenements.length;
  if (!prolonge(avant, scenario) || !memesOptions(precedent.options, options))
    return simulerAvecReprises(scenario, options);
  const verifie = verifierAjout(avant, precedent.verifie, scenario);
  if (!verifie) return simulerAvecReprises(scenario, options);
  let premier = '\uffff';
  for (let i = n; i < scenario.evenements.length; i++) {
    const d = scenario.evenements[i]!.date;
    if (d < premier) premier = d;
  }
  const mois = premier.slice(0, 7);
  let p = 0;
  while (p + 1 < precedent.points.length && precedent.points[p + 1]!.mois <= mois) p++;
  const point = precedent.points[p]!;
  const ordre = ordreProlonge(scenario.evenements, precedent.ordre, n);
  // Every event before the point's month is an old one, applied in the same order.
  let debut = 0;
  while (debut < ordre.length && scenario.evenements[ordre[debut]!]!.date.slice(0, 7) < point.mois) debut++;
  const moteur = nouveauMoteur(
    scenario,
    verifie.logements,
    options,
    precedent.cellules,
    verifie.avertissements.slice(),
  );
  moteur.reprendreA(point);
  const points = precedent.points.slice(0, p + 1);
  const resultat = moteur.run(ordre, debut, points);
  return { resultat, reprises: { scenario, options, cellules: moteur.cellules, points, verifie, ordre } };
}

/**
 * `ordreDesEvenements(evenements)` when `ancien` is that of the first `n` events: the appended
 * ones sorted by date then index, merged in (on a tie of dates the old event, of lower index, first).
 */
function ordreProlonge(evenements: readonly Evenement[], ancien: readonly number[], n: number): number[] {
  const nouveaux: number[] = [];
  for (let i = n; i < evenements.length; i++) nouveaux.push(i);
  nouveaux.sort((a, b) => {
    const da = evenements[a]!.date;
    const db = evenements[b]!.date;
    return da < db ? -1 : da > db ? 1 : a - b;
  });
  const ordre: number[] = new Array<number>(evenements.length);
  let a = 0;
  let b = 0;
  let k = 0;
  while (a < ancien.length && b < nouveaux.length)
    ordre[k++] = evenements[ancien[a]!]!.date <= evenements[nouveaux[b]!]!.date ? ancien[a++]! : nouveaux[b++]!;
  while (a < ancien.length) ordre[k++] = ancien[a++]!;
  while (b < nouveaux.length) ordre[k++] = nouveaux[b++]!;
  return ordre;
}

/** Whether `apres` is `avant` with events appended: same year, parties and conventions, same earlier events. */
function prolonge(avant: Scenario, apres: Scenario): boolean {
  if (apres.evenements.length < avant.evenements.length) return false;
  for (let i = 0; i < avant.evenements.length; i++) if (apres.evenements[i] !== avant.evenements[i]) return false;
  return cadreDe(avant) === cadreDe(apres);
}

/** A scenario's year, parties and conventions as text, once per scenario object (a resumption compares them). */
const cadres = new WeakMap<Scenario, string>();
function cadreDe(s: Scenario): string {
  let c = cadres.get(s);
  if (c === undefined) {
    c = JSON.stringify([
      s.annee,
      s.departement,
      s.bailleur,
      s.reservataires,
      s.conventions,
      s.seuilsPremierQuartile ?? null,
      s.objectifsEpci ?? null,
      s.programmes ?? null,
    ]);
    cadres.set(s, c);
  }
  return c;
}

function memesOptions(a: OptionsMoteur, b: OptionsMoteur): boolean {
  return (
    a.regleQuota === b.regleQuota &&
    a.equilibreQualitatif === b.equilibreQualitatif &&
    !!a.detail === !!b.detail &&
    (a.explications !== false) === (b.explications !== false)
  );
}

/** One year of `preparerAnnees`: the ledger, the year's flow, and which line got which unit when. */
export interface AnneeCourte {
  bilan: LigneBilan[];
  flux: FluxAnnuel;
  /** As `simuler` gives them, without motives or explanations (`OptionsMoteur.explications` false). */
  orientations: readonly Orientation[];
}

/**
 * Many years over one stock, one set of parties and conventions (the Monte Carlo year,
 * `planification.ts`): the scenario, its events aside, is checked once; the lines' cells and the
 * units' keys are kept from run to run; no month-start copy is made and no explanation written.
 * Each run gives the ledger, the flow and the orientations' lines and dates that
 * `simuler({ ...scenario, evenements }, options)` gives. The events are those `tirerAnnee` draws —
 * the scenario's units, within its year — and their references are not checked again; an
 * impossible transition still throws `DonneesInvalides`. `ordre`: the events' order by date when
 * the caller already has it (`ordreDesEvenements`), e.g. for the same year under several options.
 * The mix is counted by key number (`RegistreCles`, ADR 0051).
 */
export function preparerAnnees(scenario: Scenario, options: OptionsMoteur = {}): AnneesPreparees {
  const sansEvenements = { ...scenario, evenements: [] };
  const logements = valider(sansEvenements);
  const sansMots: OptionsMoteur = { ...options, explications: false, detail: false };
  const cellules = new Map<string, Cellule>();
  const uniteDe = new Map<Logement, UniteMoteur>();
  // Each unit's keys numbered and its cell found once, when first freed; the runs count in typed arrays.
  const registre = new RegistreCles();
  const parIndice: (UniteMoteur | undefined)[] = new Array<UniteMoteur | undefined>(scenario.logements.length);
  const resultat = (moteur: Moteur): AnneeCourte => ({
    bilan: bilanDesLignes(moteur.etat, moteur.bailleur),
    flux: moteur.etat.flux,
    orientations: moteur.etat.orientations,
  });
  const annee = (evenements: readonly Evenement[], ordre: readonly number[] = ordreDesEvenements(evenements)) => {
    const moteur = new Moteur(
      { ...scenario, evenements: evenements as Evenement[] },
      logements,
      sansMots,
      cellules,
      uniteDe,
      registre,
    );
    moteur.appliquerTout(evenements, ordre, 0, null);
    return resultat(moteur);
  };
  return Object.assign(annee, {
    compacte: (a: AnneeCompacte) => {
      const moteur = new Moteur(sansEvenements, logements, sansMots, cellules, uniteDe, registre);
      moteur.appliquerCompact(a, parIndice);
      return resultat(moteur);
    },
  });
}

/** `preparerAnnees`' runs: a year's events, or a drawn year given as numbers. */
export interface AnneesPreparees {
  (evenements: readonly Evenement[], ordre?: readonly number[]): AnneeCourte;
  /** The year `evenementsCompacts(a)` gives, run without building its events; its units are `scenario.logements`. */
  compacte(a: AnneeCompacte): AnneeCourte;
}
