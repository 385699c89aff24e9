/**
 * The flow forecast (flux prévisionnel) of a bailleur on a perimeter — a département, or a
 * convention's territory (rules.md §3, issue 5 item 2). The bilan uses the actual flow (`flow.ts`);
 * planning uses this forecast, sent to the réservataires before 28 February with the forecast of
 * excluded units by category (CCH R.441-5 I).
 *
 * How it is computed, every figure with its French explanation:
 * - re-lettings (remises en location = disponibles − premières mises en location) = their average
 *   over the `fenetre` complete years before `annee` (1 to 3), reduced in proportion to the stock
 *   leaving in the year: × (parc − démolitions − ventes) ÷ parc. Each unit leaving takes away its
 *   average share of the re-lettings, for the whole year (prudent: as if it left on 1 January);
 * - first lettings = the deliveries planned for the year (`livraisons`); past first lettings came
 *   from past programmes and are not carried forward;
 * - flux brut = re-lettings + first lettings;
 * - exclusions by category (the five legal ones and the identified hors-flux units): as entered,
 *   else the average of the window;
 * - a volume reserved for PRU/ANRU rehousing (`volumePru`) comes out of the flow on top of the
 *   exclusions (do not enter the same rehousing again as `relogement_anru`: a warning says so);
 * - flux net = flux brut − Σ exclusions − volume PRU (≥ 0): the base of the rights;
 * - each convention's droit = taux × flux net + report; the bailleur's line gets the rest, so
 *   Σ droits of all lines = flux net exactly (as the engine's `BAILLEUR` line, report −Σ reports).
 *
 * Exactness: quantities are integer millionths of a unit (`exact.ts`). A division (an average, the
 * stock ratio, taux × a fractional flow) rounds once to the nearest millionth, half up; sums and
 * differences are exact. With whole-unit inputs and a one-year window nothing is rounded.
 */
import { DonneesInvalides, type Probleme } from './errors.ts';
import { MICRO, fromMicro, toMicro } from './exact.ts';
import { LIBELLES_EXCLUSION, type MotifExclusion } from './flow.ts';
import { departementDeCommune } from './perimeter.ts';
import { BAILLEUR, EXCLUSIONS, HORS_FLUX, type Convention, type Perimetre } from './types.ts';

/** Every category of unit taken out of the flow: the legal exclusions, then identified stock. */
export const MOTIFS_EXCLUSION: readonly MotifExclusion[] = [...EXCLUSIONS, ...HORS_FLUX];

export const FENETRE_MIN = 1;
export const FENETRE_MAX = 3;

/** A quantity of units held exactly, with its display and how it was obtained. */
export interface Quantite {
  /** Integer millionths of a unit: the exact figure. */
  micro: number;
  /** The same as a number of units (6 decimals). */
  valeur: number;
  /** Rounded to the whole unit, for display only (never carried into another figure). */
  arrondi: number;
  /** How it was computed, in French. */
  explication: string;
}

/** One past year's actual flow on the perimeter, in the shape of `FluxAnnuel` (`flow.ts`). */
export interface FluxObserve {
  annee: number;
  /** Units made available in the year: re-lettings after departure + first lettings. */
  disponibles: number;
  /** Of which first lettings of new programmes. */
  premieresMisesEnLocation: number;
  /** Units taken out of the flow by category (hors-flux units included); a missing one is 0. */
  exclus: Partial<Record<MotifExclusion, number>>;
}

/** What the forecast needs of a convention; `report` is last year's carry-over, in units. */
export type ConventionPrevision = Pick<Convention, 'id' | 'reservataire' | 'taux' | 'perimetre' | 'report'> &
  Partial<Pick<Convention, 'tauxAgents'>>;

export interface EntreePrevision {
  /** The forecast year. */
  annee: number;
  /** The perimeter forecast: the département, or a convention's communes or EPCI. */
  perimetre: Perimetre;
  /** Number of complete past years averaged (1 to 3): annee − fenetre … annee − 1. */
  fenetre: number;
  /** Actual flows of past years; every year of the window must be there, others are ignored. */
  historique: readonly FluxObserve[];
  /** First lettings planned in the year (deliveries of new programmes). Default 0. */
  livraisons?: number;
  /** Units of the perimeter at 1 January; required when units are demolished or sold. */
  parc?: number;
  /** Units demolished in the year (they leave the stock). Default 0. */
  demolitions?: number;
  /** Units sold in the year (they leave the stock). Default 0. */
  ventes?: number;
  /** Forecast exclusions entered by category; a category not entered is the window's average. */
  exclusionsPrevues?: Partial<Record<MotifExclusion, number>>;
  /** Volume reserved for PRU/ANRU rehousing, taken out of the flow. Default 0. */
  volumePru?: number;
  conventions: readonly ConventionPrevision[];
}

export interface ExclusionPrevue extends Quantite {
  motif: MotifExclusion;
  source: 'saisie' | 'moyenne';
}

export interface DroitPrevisionnel {
  /** The convention's id; null for the bailleur's line. */
  convention: string | null;
  /** The réservataire's id, or `BAILLEUR`. */
  reservataire: string;
  /** Integer millionths; for the bailleur, 1 − Σ taux of the conventions computed here. */
  tauxMicro: number;
  taux: number;
  /**
   * Whether the convention's perimeter covers the forecast perimeter. When false (a commune's
   * convention in a département forecast) nothing is computed here: forecast its own perimeter.
   */
  applicable: boolean;
  /** taux × flux net. */
  droitFlux: Quantite;
  /** Last year's carry-over (for the bailleur: − Σ reports of the conventions). */
  report: Quantite;
  /** droitFlux + report: the forecast entitlement. */
  droit: Quantite;
  /** Of which for State agents (tauxAgents × flux net), on the State's convention only. */
  droitAgents?: Quantite;
}

export interface Prevision {
  annee: number;
  perimetre: Perimetre;
  fenetre: number;
  /** The past years averaged, oldest first. */
  anneesRetenues: number[];
  remisesEnLocation: Quantite;
  premieresMisesEnLocation: Quantite;
  fluxBrut: Quantite;
  /** One per category, in the order of `MOTIFS_EXCLUSION`. */
  exclusions: ExclusionPrevue[];
  totalExclusions: Quantite;
  volumePru: Quantite;
  /** fluxBrut − totalExclusions − volumePru: the base of the rights. */
  fluxNet: Quantite;
  /** One per convention, in input order. */
  droits: DroitPrevisionnel[];
  /** The bailleur's own, non-reserved share. */
  bailleur: DroitPrevisionnel;
  avertissements: string[];
}

// ───────────────────────────── arithmetic and wording ─────────────────────────────

/** round(a × b ÷ c) to the nearest integer, half away from zero, exactly (BigInt); c > 0. */
export function mulDivArrondi(a: number, b: number, c: number): number {
  const p = BigInt(a) * BigInt(b);
  const q = BigInt(c);
  const arrondiPositif = (x: bigint) => (2n * x + q) / (2n * q);
  return Number(p >= 0n ? arrondiPositif(p) : -arrondiPositif(-p));
}

/**
 * A quantity of units in millionths, or null beyond 6 decimals. Like `toMicro`, with a tolerance
 * that grows with the magnitude (a flow of 267 399,665 units carries ~3e-5 of float error once
 * scaled, which `toMicro`'s fixed 1e-6 would refuse).
 */
export function versMicro(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  const scaled = v * MICRO;
  const rounded = Math.round(scaled);
  return Math.abs(scaled - rounded) > Math.max(1e-6, Math.abs(scaled) * 4 * Number.EPSILON) ? null : rounded;
}

export function quantite(micro: number, explication: string): Quantite {
  return { micro, valeur: fromMicro(micro), arrondi: Math.round(micro / MICRO) + 0, explication };
}

const FORMAT_UNITES = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3 });
const FORMAT_POURCENT = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 4 });

/** A micro-unit quantity in French (« 815,9 »), up to 3 decimals. */
export function unites(micro: number): string {
  return FORMAT_UNITES.format(micro / MICRO);
}

/** A rate in millionths in French (« 5,3571 % »), up to 4 decimals of a percent. */
export function pourcent(micro: number): string {
  return `${FORMAT_POURCENT.format(micro / 10_000)} %`;
}

function annees(liste: readonly number[]): string {
  return liste.length === 1 ? `${liste[0]}` : `${liste[0]}–${liste[liste.length - 1]}`;
}

// ───────────────────────────── validation ─────────────────────────────

export function verifierEntier(v: unknown, chemin: string, problemes: Probleme[]): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    problemes.push({
      chemin,
      message: `un nombre entier de logements, positif ou nul, est attendu (reçu ${String(v)})`,
    });
    return false;
  }
  return true;
}

export function verifierQuantite(v: unknown, chemin: string, problemes: Probleme[]): v is number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    problemes.push({ chemin, message: `une quantité positive ou nulle est attendue (reçu ${String(v)})` });
    return false;
  }
  if (versMicro(v) === null) {
    problemes.push({ chemin, message: 'au plus 6 décimales' });
    return false;
  }
  return true;
}

export function verifierFenetre(fenetre: unknown, problemes: Probleme[], chemin = 'fenetre'): fenetre is number {
  if (typeof fenetre !== 'number' || !Number.isInteger(fenetre) || fenetre < FENETRE_MIN || fenetre > FENETRE_MAX) {
    problemes.push({
      chemin,
      message: `la fenêtre d’observation est de ${FENETRE_MIN} à ${FENETRE_MAX} années complètes (reçu ${String(fenetre)})`,
    });
    return false;
  }
  return true;
}

function estMotif(m: string): m is MotifExclusion {
  return (MOTIFS_EXCLUSION as readonly string[]).includes(m);
}

function verifierExclusions(
  exclus: Partial<Record<string, number>>,
  chemin: string,
  problemes: Probleme[],
  entier: boolean,
): number {
  let total = 0;
  for (const [motif, n] of Object.entries(exclus)) {
    if (!estMotif(motif)) {
      problemes.push({
        chemin: `${chemin}.${motif}`,
        message: `catégorie d’exclusion inconnue ; catégories admises : ${MOTIFS_EXCLUSION.join(', ')}`,
      });
      continue;
    }
    const ok = entier
      ? verifierEntier(n, `${chemin}.${motif}`, problemes)
      : verifierQuantite(n, `${chemin}.${motif}`, problemes);
    if (ok) total += n!;
  }
  return total;
}

/** Whether a convention's perimeter covers the whole forecast perimeter. */
export function couvre(convention: Perimetre, prevu: Perimetre): boolean {
  if ('departement' in convention) {
    if ('departement' in prevu) return prevu.departement === convention.departement;
    // A commune or EPCI forecast is a part of the bailleur's stock in the département.
    if ('communes' in prevu) return prevu.communes.every((c) => departementDeCommune(c) === convention.departement);
    return true;
  }
  if ('communes' in convention)
    return 'communes' in prevu && prevu.communes.every((c) => convention.communes.includes(c));
  return 'epci' in prevu && prevu.epci === convention.epci;
}

function validerEntree(e: EntreePrevision): { problemes: Probleme[]; fenetre: FluxObserve[] } {
  const problemes: Probleme[] = [];
  if (!Number.isInteger(e.annee)) problemes.push({ chemin: 'annee', message: 'une année entière est attendue' });
  const fenetreOk = verifierFenetre(e.fenetre, problemes);
  const parAnnee = new Map<number, FluxObserve>();
  e.historique.forEach((h, i) => {
    const chemin = `historique[${i}]`;
    if (!Number.isInteger(h.annee))
      problemes.push({ chemin: `${chemin}.annee`, message: 'une année entière est attendue' });
    else if (parAnnee.has(h.annee))
      problemes.push({ chemin: `${chemin}.annee`, message: `l’année ${h.annee} figure deux fois` });
    else parAnnee.set(h.annee, h);
    const disp = verifierEntier(h.disponibles, `${chemin}.disponibles`, problemes);
    const prem = verifierEntier(h.premieresMisesEnLocation, `${chemin}.premieresMisesEnLocation`, problemes);
    if (disp && prem && h.premieresMisesEnLocation > h.disponibles) {
      problemes.push({
        chemin: `${chemin}.premieresMisesEnLocation`,
        message: `${h.premieresMisesEnLocation} premières mises en location pour ${h.disponibles} logements disponibles`,
      });
    }
    const exclus = verifierExclusions(h.exclus, `${chemin}.exclus`, problemes, true);
    if (disp && exclus > h.disponibles) {
      problemes.push({
        chemin: `${chemin}.exclus`,
        message: `${exclus} logements exclus pour ${h.disponibles} disponibles`,
      });
    }
  });
  const fenetre: FluxObserve[] = [];
  if (fenetreOk && Number.isInteger(e.annee)) {
    const attendues = Array.from({ length: e.fenetre }, (_, k) => e.annee - e.fenetre + k);
    for (const a of attendues) {
      const h = parAnnee.get(a);
      if (h) fenetre.push(h);
      else {
        problemes.push({
          chemin: 'historique',
          message: `l’année ${a} manque : une fenêtre de ${e.fenetre} an${e.fenetre > 1 ? 's' : ''} avant ${e.annee} couvre ${annees(attendues)}`,
        });
      }
    }
  }
  for (const champ of ['livraisons', 'demolitions', 'ventes', 'parc'] as const) {
    if (e[champ] !== undefined) verifierEntier(e[champ], champ, problemes);
  }
  const sorties = (e.demolitions ?? 0) + (e.ventes ?? 0);
  if (sorties > 0) {
    if (e.parc === undefined || e.parc === 0) {
      problemes.push({
        chemin: 'parc',
        message: 'le parc au 1er janvier est nécessaire pour tenir compte des démolitions et des ventes',
      });
    } else if (sorties > e.parc) {
      problemes.push({ chemin: 'parc', message: `${sorties} logements démolis ou vendus pour un parc de ${e.parc}` });
    }
  }
  if (e.volumePru !== undefined) verifierQuantite(e.volumePru, 'volumePru', problemes);
  if (e.exclusionsPrevues) verifierExclusions(e.exclusionsPrevues, 'exclusionsPrevues', problemes, false);
  const ids = new Set<string>();
  e.conventions.forEach((c, i) => {
    const chemin = `conventions[${i}]`;
    if (ids.has(c.id)) problemes.push({ chemin: `${chemin}.id`, message: `identifiant « ${c.id} » en double` });
    ids.add(c.id);
    if (c.reservataire === BAILLEUR)
      problemes.push({
        chemin: `${chemin}.reservataire`,
        message: `« ${BAILLEUR} » est réservé à la ligne du bailleur`,
      });
    const t = toMicro(c.taux);
    if (t === null || t < 0 || t > MICRO)
      problemes.push({ chemin: `${chemin}.taux`, message: 'un taux entre 0 et 1, au plus 6 décimales' });
    if (c.tauxAgents !== undefined) {
      const a = toMicro(c.tauxAgents);
      if (a === null || a < 0 || (t !== null && a > t)) {
        problemes.push({
          chemin: `${chemin}.tauxAgents`,
          message: 'entre 0 et le taux de la convention, au plus 6 décimales',
        });
      }
    }
    if (!Number.isFinite(c.report) || toMicro(c.report) === null)
      problemes.push({ chemin: `${chemin}.report`, message: 'au plus 6 décimales' });
  });
  const somme = e.conventions
    .filter((c) => couvre(c.perimetre, e.perimetre))
    .reduce((s, c) => s + Math.max(0, toMicro(c.taux) ?? 0), 0);
  if (somme > MICRO) {
    problemes.push({
      chemin: 'conventions',
      message: `la somme des taux sur ce périmètre atteint ${pourcent(somme)} : elle ne peut dépasser 100 % du flux (CCH R.441-5 I)`,
    });
  }
  return { problemes, fenetre };
}

// ───────────────────────────── the forecast ─────────────────────────────

/** Average of whole counts over the window, in micro-units (one rounding to the millionth). */
function moyenne(valeurs: readonly number[]): number {
  const somme = valeurs.reduce((s, v) => s + v, 0);
  return mulDivArrondi(somme, MICRO, valeurs.length);
}

function detailMoyenne(valeurs: readonly number[], micro: number): string {
  if (valeurs.length === 1) return `${valeurs[0]}`;
  return `(${valeurs.join(' + ')}) ÷ ${valeurs.length} = ${unites(micro)}`;
}

/**
 * The flow forecast of `e.annee` on `e.perimetre`, and each convention's forecast droit.
 * Throws `DonneesInvalides` listing every problem of the input, each with its field path.
 */
export function prevoirFlux(e: EntreePrevision): Prevision {
  const { problemes, fenetre } = validerEntree(e);
  if (problemes.length > 0) throw new DonneesInvalides(problemes);

  const anneesRetenues = fenetre.map((h) => h.annee);
  const periode = annees(anneesRetenues);
  const avertissements: string[] = [];

  // Re-lettings: the window's average, reduced by the stock leaving in the year.
  const remisesPassees = fenetre.map((h) => h.disponibles - h.premieresMisesEnLocation);
  const moyenneRemises = moyenne(remisesPassees);
  const demolitions = e.demolitions ?? 0;
  const ventes = e.ventes ?? 0;
  let remisesMicro = moyenneRemises;
  let texteRemises = `remises en location (disponibles − premières mises en location), moyenne ${periode} : ${detailMoyenne(remisesPassees, moyenneRemises)}`;
  if (demolitions + ventes > 0) {
    const parc = e.parc!;
    const restant = parc - demolitions - ventes;
    remisesMicro = mulDivArrondi(moyenneRemises, restant, parc);
    texteRemises +=
      ` ; × (parc ${parc} − ${demolitions} démolition${demolitions > 1 ? 's' : ''} − ${ventes} vente${ventes > 1 ? 's' : ''}) ÷ ${parc}` +
      ` = ${unites(remisesMicro)} (chaque logement sorti du parc emporte sa part des remises en location, sur toute l’année)`;
  }
  const remisesEnLocation = quantite(remisesMicro, texteRemises);

  const livraisons = e.livraisons ?? 0;
  const premieresPassees = moyenne(fenetre.map((h) => h.premieresMisesEnLocation));
  const premieresMisesEnLocation = quantite(
    livraisons * MICRO,
    `premières mises en location prévues (livraisons de ${e.annee}) : ${livraisons}` +
      (premieresPassees > 0
        ? ` ; celles du passé (${unites(premieresPassees)} par an en moyenne ${periode}) ne sont pas reconduites`
        : ''),
  );
  const fluxBrut = quantite(
    remisesMicro + premieresMisesEnLocation.micro,
    `remises en location ${unites(remisesMicro)} + premières mises en location ${livraisons} = ${unites(remisesMicro + premieresMisesEnLocation.micro)}`,
  );

  // Exclusions by category: entered, else the window's average.
  const exclusions: ExclusionPrevue[] = MOTIFS_EXCLUSION.map((motif) => {
    const saisie = e.exclusionsPrevues?.[motif];
    if (saisie !== undefined) {
      const micro = versMicro(saisie)!;
      return {
        motif,
        source: 'saisie',
        ...quantite(micro, `${LIBELLES_EXCLUSION[motif]} : ${unites(micro)}, prévision saisie`),
      };
    }
    const passees = fenetre.map((h) => h.exclus[motif] ?? 0);
    const m = moyenne(passees);
    return {
      motif,
      source: 'moyenne',
      ...quantite(m, `${LIBELLES_EXCLUSION[motif]} : moyenne ${periode}, ${detailMoyenne(passees, m)}`),
    };
  });
  const exclusMicro = exclusions.reduce((s, x) => s + x.micro, 0);
  const nonNulles = exclusions.filter((x) => x.micro !== 0);
  const totalExclusions = quantite(
    exclusMicro,
    nonNulles.length === 0
      ? 'aucune exclusion prévue'
      : `${nonNulles.map((x) => `${unites(x.micro)} ${LIBELLES_EXCLUSION[x.motif]}`).join(' + ')} = ${unites(exclusMicro)} (CCH R.441-5 I)`,
  );
  const pruMicro = versMicro(e.volumePru ?? 0)!;
  const volumePru = quantite(
    pruMicro,
    pruMicro === 0
      ? 'aucun volume réservé aux relogements PRU/ANRU'
      : `volume réservé aux relogements PRU/ANRU, retiré du flux : ${unites(pruMicro)}`,
  );
  const anru = exclusions.find((x) => x.motif === 'relogement_anru')!;
  if (pruMicro > 0 && anru.micro > 0) {
    avertissements.push(
      `volume PRU (${unites(pruMicro)}) et exclusions « ${LIBELLES_EXCLUSION.relogement_anru} » (${unites(anru.micro)}, ${anru.source === 'saisie' ? 'saisies' : `moyenne ${periode}`}) sont tous deux retirés du flux : vérifiez qu’ils ne comptent pas deux fois les mêmes relogements`,
    );
  }

  const netMicro = fluxBrut.micro - exclusMicro - pruMicro;
  if (netMicro < 0) {
    throw new DonneesInvalides([
      {
        chemin: e.exclusionsPrevues ? 'exclusionsPrevues' : pruMicro > 0 ? 'volumePru' : 'historique',
        message: `les exclusions prévues (${unites(exclusMicro)}) et le volume PRU (${unites(pruMicro)}) dépassent le flux brut prévu (${unites(fluxBrut.micro)})`,
      },
    ]);
  }
  const fluxNet = quantite(
    netMicro,
    `flux brut ${unites(fluxBrut.micro)} − exclusions ${unites(exclusMicro)} − volume PRU ${unites(pruMicro)} = ${unites(netMicro)}, base des droits (CCH R.441-5 I)`,
  );

  // Rights: taux × flux net + report; the bailleur's line gets the rest.
  let sommeTaux = 0;
  let sommeDroitsFlux = 0;
  let sommeReports = 0;
  const droits: DroitPrevisionnel[] = e.conventions.map((c) => {
    const tauxMicro = toMicro(c.taux)!;
    const reportMicro = toMicro(c.report)!;
    const applicable = couvre(c.perimetre, e.perimetre);
    if (!applicable) {
      const texte =
        'le périmètre de la convention ne couvre pas celui de la prévision : prévoir le flux de son propre périmètre';
      avertissements.push(
        `convention ${c.id} (${c.reservataire}) : ${texte} ; sa part est comprise ici dans celle du bailleur`,
      );
      return {
        convention: c.id,
        reservataire: c.reservataire,
        tauxMicro,
        taux: fromMicro(tauxMicro),
        applicable,
        droitFlux: quantite(0, texte),
        report: quantite(0, texte),
        droit: quantite(0, texte),
      };
    }
    const fluxMicro = mulDivArrondi(tauxMicro, netMicro, MICRO);
    sommeTaux += tauxMicro;
    sommeDroitsFlux += fluxMicro;
    sommeReports += reportMicro;
    const droitFlux = quantite(
      fluxMicro,
      `${pourcent(tauxMicro)} × flux net ${unites(netMicro)} = ${unites(fluxMicro)}`,
    );
    const report = quantite(
      reportMicro,
      reportMicro === 0 ? 'pas de report de l’an dernier' : `report de l’an dernier : ${unites(reportMicro)}`,
    );
    const droit = quantite(
      fluxMicro + reportMicro,
      `${pourcent(tauxMicro)} × ${unites(netMicro)} = ${unites(fluxMicro)} ; + report ${reportMicro < 0 ? `(${unites(reportMicro)})` : unites(reportMicro)} = ${unites(fluxMicro + reportMicro)}`,
    );
    const ligne: DroitPrevisionnel = {
      convention: c.id,
      reservataire: c.reservataire,
      tauxMicro,
      taux: fromMicro(tauxMicro),
      applicable,
      droitFlux,
      report,
      droit,
    };
    if (c.tauxAgents !== undefined) {
      const agentsMicro = toMicro(c.tauxAgents)!;
      const a = mulDivArrondi(agentsMicro, netMicro, MICRO);
      ligne.droitAgents = quantite(
        a,
        `dont agents de l’État : ${pourcent(agentsMicro)} × ${unites(netMicro)} = ${unites(a)} ; publics prioritaires : ${unites(fluxMicro - a)} (CCH R.441-5-2 I)`,
      );
    }
    return ligne;
  });

  const tauxBailleur = MICRO - sommeTaux;
  const fluxBailleur = netMicro - sommeDroitsFlux;
  const bailleur: DroitPrevisionnel = {
    convention: null,
    reservataire: BAILLEUR,
    tauxMicro: tauxBailleur,
    taux: fromMicro(tauxBailleur),
    applicable: true,
    droitFlux: quantite(
      fluxBailleur,
      `part non réservée (1 − Σ taux = ${pourcent(tauxBailleur)}) : flux net ${unites(netMicro)} − droits des conventions ${unites(sommeDroitsFlux)} = ${unites(fluxBailleur)}`,
    ),
    report: quantite(
      -sommeReports,
      sommeReports === 0
        ? 'aucun report'
        : `− Σ reports des conventions (${unites(sommeReports)}) : le bailleur les fournit sur sa part`,
    ),
    droit: quantite(
      fluxBailleur - sommeReports,
      `${unites(fluxBailleur)} − reports des conventions (${unites(sommeReports)}) = ${unites(fluxBailleur - sommeReports)} ; Σ droits de toutes les lignes = flux net`,
    ),
  };
  if (fluxBailleur - sommeReports < 0) {
    avertissements.push(
      `les reports des conventions (${unites(sommeReports)}) dépassent la part du bailleur (${unites(fluxBailleur)}) : son droit prévisionnel est négatif`,
    );
  }

  return {
    annee: e.annee,
    perimetre: e.perimetre,
    fenetre: e.fenetre,
    anneesRetenues,
    remisesEnLocation,
    premieresMisesEnLocation,
    fluxBrut,
    exclusions,
    totalExclusions,
    volumePru,
    fluxNet,
    droits,
    bailleur,
    avertissements,
  };
}
