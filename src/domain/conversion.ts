/**
 * Converting stock reservations into flow rates (rules.md §4, regulation.md §2.7 and §3.3;
 * issue 5 item 3). A réservataire's identified units are worth, in flow, the availabilities they
 * would have produced: Σ reserved units × turnover (taux de rotation) of their segment; its taux is
 * that ÷ the bailleur's forecast flow [practice, arrêté du 10 mars 2011: « le taux de rotation
 * retenu »]. The turnover basis is a choice left to the parties, so every method is computed and
 * shown side by side:
 * - `programme`: the programme's own turnover;
 * - `segment`: the turnover of commune × typologie × financement × QPV;
 * - `bailleur`: the bailleur-wide turnover (the unweighted method: the State's units turn over
 *   less than Action Logement's, which this method hides).
 * A programme or segment without enough history (fewer than `effectifMinimal` unit-years in the
 * window) takes its commune's turnover, else the bailleur's; the line says which.
 *
 * Turnover over the window = Σ departures ÷ Σ units of the segment over the years observed
 * (each year weighted by its stock), held in millionths: the one rounding of the turnover. Then
 * availabilities = units × turnover are exact integers in micro-units, so the sum over the
 * réservataires is exactly the sum over the reserved units. A taux rounds once more, to the
 * millionth (a convention's taux has at most 6 decimals).
 *
 * One-shot rights (droits uniques) convert apart: a one-off count in the first year (to enter as
 * the first year's report), or spread over N years (a taux for those N years).
 */
import { DonneesInvalides, type Probleme } from './errors.ts';
import { MICRO, fromMicro, toMicro } from './exact.ts';
import { valeurAu } from './legal-parameters.ts';
import {
  mulDivArrondi,
  pourcent,
  quantite,
  unites,
  verifierEntier,
  versMicro,
  verifierFenetre,
  verifierQuantite,
  type Quantite,
} from './prevision.ts';
import {
  BAILLEUR,
  FINANCEMENTS,
  TYPOLOGIES,
  type Financement,
  type Reservataire,
  type TypeReservataire,
  type Typologie,
} from './types.ts';

export const METHODES_CONVERSION = ['programme', 'segment', 'bailleur'] as const;
export type MethodeConversion = (typeof METHODES_CONVERSION)[number];

export const LIBELLES_METHODE: Readonly<Record<MethodeConversion, string>> = {
  programme: 'rotation par programme',
  segment: 'rotation par segment (commune × typologie × financement × QPV)',
  bailleur: 'rotation moyenne du bailleur',
};

/** Where a unit sits, for its turnover. */
export interface CleSegment {
  programme: string;
  commune: string;
  typologie: Typologie;
  financement: Financement;
  qpv: boolean;
}

/** `nombre` identified units reserved to a réservataire, all in one segment. */
export interface LogementsReserves extends CleSegment {
  reservataire: string;
  nombre: number;
}

/** One year of one segment (finest grain: programme × typologie × financement × QPV). */
export interface ObservationRotation extends CleSegment {
  annee: number;
  /** Units of the segment that year. */
  logements: number;
  /** Departures followed by a re-letting that year (first lettings excluded). */
  departs: number;
}

export interface DroitsUniques {
  reservataire: string;
  /** One-shot rights: each is one letting, once. */
  nombre: number;
}

export type ModeDroitsUniques = { mode: 'ponctuel' } | { mode: 'etale'; annees: number };

export interface EntreeConversion {
  /** First year of the flow conventions; the window is annee − fenetre … annee − 1. */
  annee: number;
  /** Years of turnover observed (1 to 3). */
  fenetre: number;
  reservataires: readonly Pick<Reservataire, 'id' | 'type'>[];
  reservations: readonly LogementsReserves[];
  observations: readonly ObservationRotation[];
  /** The bailleur-wide turnover when known otherwise (a fraction); default: from `observations`. */
  rotationBailleur?: number;
  /** The bailleur's forecast net flow on the département (`Prevision.fluxNet.valeur`). */
  fluxPrevisionnel: number;
  /**
   * The forecast flow of a réservataire's own perimeter, when it is not the département (a
   * commune's or an EPCI's convention covers its territory only, CCH R.441-5-3).
   */
  fluxParReservataire?: Readonly<Record<string, number>>;
  droitsUniques?: readonly DroitsUniques[];
  /** Default: a one-off count in the first year. */
  modeDroitsUniques?: ModeDroitsUniques;
  /** Fewest unit-years for a programme or segment to use its own turnover. Default 1. */
  effectifMinimal?: number;
}

export type NiveauRotation = 'programme' | 'segment' | 'commune' | 'bailleur';

export interface Rotation {
  niveau: NiveauRotation;
  /** The programme id, the segment's label, the commune's code, or `BAILLEUR`. */
  cle: string;
  departs: number;
  /** Σ units over the years observed. */
  logementsAnnees: number;
  /** Turnover in millionths. */
  rotationMicro: number;
  rotation: number;
  explication: string;
}

export interface LigneConversion {
  /** The programme id or the segment's label (`bailleur` method: `BAILLEUR`). */
  cle: string;
  logements: number;
  /** The turnover applied, perhaps a wider one. */
  rotation: Rotation;
  /** True when the line's own segment had too little history. */
  repli: boolean;
  /** logements × rotation. */
  disponibilites: Quantite;
}

export interface ConversionReservataire {
  reservataire: string;
  type: TypeReservataire;
  logements: number;
  /** Σ logements × rotation: expected yearly availabilities of its stock. */
  disponibilites: Quantite;
  /** The forecast flow its taux is a share of. */
  flux: Quantite;
  /** True when that flow is its own perimeter's (`fluxParReservataire`), not the département's. */
  fluxPropre: boolean;
  /** disponibilites ÷ flux, in millionths. */
  tauxMicro: number;
  taux: number;
  /** « 5,36 % » (two decimals), for display. */
  pourcentage: string;
  lignes: LigneConversion[];
  explication: string;
}

export interface ConversionMethode {
  methode: MethodeConversion;
  reservataires: ConversionReservataire[];
  totalDisponibilites: Quantite;
}

export interface ConversionDroitsUniques {
  reservataire: string;
  nombre: number;
  mode: ModeDroitsUniques['mode'];
  annees: number;
  /** The one-off count of the first year (`ponctuel`), else 0. */
  ponctuel: Quantite;
  /** nombre ÷ annees each year (`etale`), else 0. */
  parAn: Quantite;
  /** parAn ÷ flux, in millionths, for the N years (`etale`), else 0. */
  tauxMicro: number;
  explication: string;
}

export interface TauxCompare {
  tauxMicro: number;
  taux: number;
  pourcentage: string;
}

export interface ResultatConversion {
  annee: number;
  fenetre: number;
  anneesRetenues: number[];
  fluxPrevisionnel: Quantite;
  rotations: {
    programme: Rotation[];
    segment: Rotation[];
    commune: Rotation[];
    bailleur: Rotation;
  };
  methodes: Record<MethodeConversion, ConversionMethode>;
  droitsUniques: ConversionDroitsUniques[];
  /** One row per réservataire, the taux of each method side by side. */
  comparaison: { reservataire: string; logements: number; taux: Record<MethodeConversion, TauxCompare> }[];
}

// ───────────────────────────── keys and wording ─────────────────────────────

export function libelleSegment(s: Omit<CleSegment, 'programme'>): string {
  return `${s.commune} · ${s.typologie} · ${s.financement} · ${s.qpv ? 'QPV' : 'hors QPV'}`;
}

const FORMAT_POURCENTAGE = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A rate in millionths as a percentage with two decimals (« 5,36 % »), for display. */
function pourcentage2(micro: number): string {
  return `${FORMAT_POURCENTAGE.format(Math.round(micro / 100) / 100)} %`;
}

function periodeTexte(anneesRetenues: readonly number[]): string {
  return anneesRetenues.length === 1
    ? `${anneesRetenues[0]}`
    : `${anneesRetenues[0]}–${anneesRetenues[anneesRetenues.length - 1]}`;
}

const NOMS_NIVEAU: Readonly<Record<NiveauRotation, string>> = {
  programme: 'programme',
  segment: 'segment',
  commune: 'commune',
  bailleur: 'bailleur',
};

// ───────────────────────────── validation ─────────────────────────────

function verifierCle(s: CleSegment, chemin: string, problemes: Probleme[]): void {
  if (typeof s.programme !== 'string' || s.programme === '')
    problemes.push({ chemin: `${chemin}.programme`, message: 'identifiant de programme attendu' });
  if (typeof s.commune !== 'string' || s.commune === '')
    problemes.push({ chemin: `${chemin}.commune`, message: 'code INSEE de commune attendu' });
  if (!(TYPOLOGIES as readonly string[]).includes(s.typologie)) {
    problemes.push({
      chemin: `${chemin}.typologie`,
      message: `typologie inconnue ; admises : ${TYPOLOGIES.join(', ')}`,
    });
  }
  if (!(FINANCEMENTS as readonly string[]).includes(s.financement)) {
    problemes.push({
      chemin: `${chemin}.financement`,
      message: `financement inconnu ; admis : ${FINANCEMENTS.join(', ')}`,
    });
  }
  if (typeof s.qpv !== 'boolean') problemes.push({ chemin: `${chemin}.qpv`, message: 'vrai ou faux attendu' });
}

function verifierFlux(v: unknown, chemin: string, problemes: Probleme[]): void {
  if (verifierQuantite(v, chemin, problemes) && v === 0) {
    problemes.push({ chemin, message: 'le flux prévisionnel doit être strictement positif pour en tirer un taux' });
  }
}

function valider(e: EntreeConversion): { problemes: Probleme[]; anneesRetenues: number[] } {
  const problemes: Probleme[] = [];
  if (!Number.isInteger(e.annee)) problemes.push({ chemin: 'annee', message: 'une année entière est attendue' });
  const anneesRetenues =
    verifierFenetre(e.fenetre, problemes) && Number.isInteger(e.annee)
      ? Array.from({ length: e.fenetre }, (_, k) => e.annee - e.fenetre + k)
      : [];
  const ids = new Set<string>();
  e.reservataires.forEach((r, i) => {
    if (ids.has(r.id) || r.id === BAILLEUR)
      problemes.push({ chemin: `reservataires[${i}].id`, message: `identifiant « ${r.id} » en double ou réservé` });
    ids.add(r.id);
  });
  e.reservations.forEach((l, i) => {
    const chemin = `reservations[${i}]`;
    if (!ids.has(l.reservataire))
      problemes.push({ chemin: `${chemin}.reservataire`, message: `réservataire « ${l.reservataire} » inconnu` });
    verifierEntier(l.nombre, `${chemin}.nombre`, problemes);
    verifierCle(l, chemin, problemes);
  });
  const vues = new Set<string>();
  const anneesVues = new Set<number>();
  e.observations.forEach((o, i) => {
    const chemin = `observations[${i}]`;
    verifierCle(o, chemin, problemes);
    if (!Number.isInteger(o.annee))
      problemes.push({ chemin: `${chemin}.annee`, message: 'une année entière est attendue' });
    anneesVues.add(o.annee);
    const cle = `${o.annee}|${o.programme}|${libelleSegment(o)}`;
    if (vues.has(cle))
      problemes.push({
        chemin,
        message: `segment observé deux fois la même année (${o.annee}, programme ${o.programme}, ${libelleSegment(o)})`,
      });
    vues.add(cle);
    const okL = verifierEntier(o.logements, `${chemin}.logements`, problemes);
    const okD = verifierEntier(o.departs, `${chemin}.departs`, problemes);
    if (okL && okD && o.logements === 0 && o.departs > 0) {
      problemes.push({ chemin: `${chemin}.departs`, message: `${o.departs} départs pour un segment sans logement` });
    }
  });
  const dansFenetre = e.observations.filter((o) => anneesRetenues.includes(o.annee));
  if (e.observations.length > 0) {
    for (const a of anneesRetenues) {
      if (!anneesVues.has(a)) {
        problemes.push({
          chemin: 'observations',
          message: `l’année ${a} manque : la fenêtre de ${e.fenetre} an${e.fenetre > 1 ? 's' : ''} couvre ${periodeTexte(anneesRetenues)}`,
        });
      }
    }
  }
  if (e.rotationBailleur !== undefined) {
    if (verifierQuantite(e.rotationBailleur, 'rotationBailleur', problemes) && e.rotationBailleur > 1) {
      problemes.push({ chemin: 'rotationBailleur', message: 'un taux de rotation est une fraction entre 0 et 1' });
    }
  } else if (
    anneesRetenues.length > 0 &&
    dansFenetre.reduce((s, o) => s + (Number.isInteger(o.logements) ? o.logements : 0), 0) === 0
  ) {
    problemes.push({
      chemin: 'observations',
      message: `aucun logement observé sur ${periodeTexte(anneesRetenues)} : indiquez les observations de rotation ou la rotation du bailleur (rotationBailleur)`,
    });
  }
  verifierFlux(e.fluxPrevisionnel, 'fluxPrevisionnel', problemes);
  for (const [id, f] of Object.entries(e.fluxParReservataire ?? {})) {
    if (!ids.has(id))
      problemes.push({ chemin: `fluxParReservataire.${id}`, message: `réservataire « ${id} » inconnu` });
    verifierFlux(f, `fluxParReservataire.${id}`, problemes);
  }
  (e.droitsUniques ?? []).forEach((d, i) => {
    if (!ids.has(d.reservataire))
      problemes.push({
        chemin: `droitsUniques[${i}].reservataire`,
        message: `réservataire « ${d.reservataire} » inconnu`,
      });
    verifierEntier(d.nombre, `droitsUniques[${i}].nombre`, problemes);
  });
  const mode = e.modeDroitsUniques;
  if (mode && mode.mode === 'etale' && (!Number.isInteger(mode.annees) || mode.annees < 1)) {
    problemes.push({ chemin: 'modeDroitsUniques.annees', message: 'un nombre entier d’années, au moins 1' });
  }
  if (e.effectifMinimal !== undefined && (!Number.isInteger(e.effectifMinimal) || e.effectifMinimal < 1)) {
    problemes.push({ chemin: 'effectifMinimal', message: 'un nombre entier de logements-années, au moins 1' });
  }
  return { problemes, anneesRetenues };
}

// ───────────────────────────── turnover ─────────────────────────────

interface Cumul {
  departs: number;
  logementsAnnees: number;
}

function cumuler(map: Map<string, Cumul>, cle: string, o: ObservationRotation): void {
  const c = map.get(cle) ?? { departs: 0, logementsAnnees: 0 };
  c.departs += o.departs;
  c.logementsAnnees += o.logements;
  map.set(cle, c);
}

function rotationDe(niveau: NiveauRotation, cle: string, c: Cumul, periode: string): Rotation {
  const rotationMicro = mulDivArrondi(c.departs, MICRO, c.logementsAnnees);
  const nom = niveau === 'bailleur' ? 'bailleur' : `${NOMS_NIVEAU[niveau]} ${cle}`;
  return {
    niveau,
    cle,
    departs: c.departs,
    logementsAnnees: c.logementsAnnees,
    rotationMicro,
    rotation: fromMicro(rotationMicro),
    explication: `${nom} : ${c.departs} départs ÷ ${c.logementsAnnees} logements-années (${periode}) = ${pourcent(rotationMicro)}`,
  };
}

interface Tables {
  programme: Map<string, Rotation>;
  segment: Map<string, Rotation>;
  commune: Map<string, Rotation>;
  /** Programmes and segments with too little history, with their unit-years. */
  insuffisants: Map<string, number>;
  bailleur: Rotation;
}

function tablesDeRotation(e: EntreeConversion, anneesRetenues: readonly number[]): Tables {
  const periode = periodeTexte(anneesRetenues);
  const minimum = e.effectifMinimal ?? 1;
  const parProgramme = new Map<string, Cumul>();
  const parSegment = new Map<string, Cumul>();
  const parCommune = new Map<string, Cumul>();
  const total: Cumul = { departs: 0, logementsAnnees: 0 };
  for (const o of e.observations) {
    if (!anneesRetenues.includes(o.annee)) continue;
    cumuler(parProgramme, o.programme, o);
    cumuler(parSegment, libelleSegment(o), o);
    cumuler(parCommune, o.commune, o);
    total.departs += o.departs;
    total.logementsAnnees += o.logements;
  }
  const insuffisants = new Map<string, number>();
  const table = (niveau: NiveauRotation, cumuls: Map<string, Cumul>) => {
    const t = new Map<string, Rotation>();
    for (const [cle, c] of [...cumuls].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (c.logementsAnnees >= minimum && c.logementsAnnees > 0) t.set(cle, rotationDe(niveau, cle, c, periode));
      else insuffisants.set(`${niveau}:${cle}`, c.logementsAnnees);
    }
    return t;
  };
  let bailleur: Rotation;
  if (e.rotationBailleur !== undefined) {
    const rotationMicro = toMicro(e.rotationBailleur)!;
    bailleur = {
      niveau: 'bailleur',
      cle: BAILLEUR,
      departs: total.departs,
      logementsAnnees: total.logementsAnnees,
      rotationMicro,
      rotation: fromMicro(rotationMicro),
      explication: `bailleur : ${pourcent(rotationMicro)}, taux de rotation saisi`,
    };
  } else {
    bailleur = rotationDe('bailleur', BAILLEUR, total, periode);
  }
  return {
    programme: table('programme', parProgramme),
    segment: table('segment', parSegment),
    commune: table('commune', parCommune),
    insuffisants,
    bailleur,
  };
}

/** The turnover of a reserved group under a method, falling back to wider segments. */
function rotationPour(
  methode: MethodeConversion,
  l: CleSegment,
  t: Tables,
  minimum: number,
): { cle: string; rotation: Rotation; repli: boolean; motif: string } {
  if (methode === 'bailleur') return { cle: BAILLEUR, rotation: t.bailleur, repli: false, motif: '' };
  const niveau: NiveauRotation = methode;
  const cle = methode === 'programme' ? l.programme : libelleSegment(l);
  const propre = t[niveau].get(cle);
  if (propre) return { cle, rotation: propre, repli: false, motif: '' };
  const effectif = t.insuffisants.get(`${niveau}:${cle}`) ?? 0;
  const manque = `${NOMS_NIVEAU[niveau]} ${cle} sans historique suffisant (${effectif} logement${effectif > 1 ? 's' : ''}-année${effectif > 1 ? 's' : ''}, minimum ${minimum})`;
  const commune = t.commune.get(l.commune);
  if (commune) return { cle, rotation: commune, repli: true, motif: `${manque} → taux de la commune ${l.commune}` };
  return { cle, rotation: t.bailleur, repli: true, motif: `${manque}, commune ${l.commune} aussi → taux du bailleur` };
}

// ───────────────────────────── conversion ─────────────────────────────

interface FluxDe {
  micro: number;
  texte: string;
  propre: boolean;
}

function convertir(
  methode: MethodeConversion,
  e: EntreeConversion,
  t: Tables,
  fluxDe: (id: string) => FluxDe,
): ConversionMethode {
  const minimum = e.effectifMinimal ?? 1;
  const reservataires = e.reservataires.map((r): ConversionReservataire => {
    // Group the réservataire's units by the key of the method, in first-seen order.
    const lignes = new Map<string, { logements: number; rotation: Rotation; repli: boolean; motif: string }>();
    for (const l of e.reservations) {
      if (l.reservataire !== r.id) continue;
      const choix = rotationPour(methode, l, t, minimum);
      const deja = lignes.get(choix.cle);
      if (deja) deja.logements += l.nombre;
      else
        lignes.set(choix.cle, {
          logements: l.nombre,
          rotation: choix.rotation,
          repli: choix.repli,
          motif: choix.motif,
        });
    }
    const detail: LigneConversion[] = [...lignes].map(([cle, g]) => {
      const micro = g.logements * g.rotation.rotationMicro;
      return {
        cle,
        logements: g.logements,
        rotation: g.rotation,
        repli: g.repli,
        disponibilites: quantite(
          micro,
          `${g.logements} × ${pourcent(g.rotation.rotationMicro)} = ${unites(micro)} (${g.repli ? g.motif : g.rotation.explication})`,
        ),
      };
    });
    const logements = detail.reduce((s, d) => s + d.logements, 0);
    const dispoMicro = detail.reduce((s, d) => s + d.disponibilites.micro, 0);
    const flux = fluxDe(r.id);
    const tauxMicro = mulDivArrondi(dispoMicro, MICRO, flux.micro);
    const somme =
      detail.length === 0
        ? 'aucun logement réservé : 0 disponibilité'
        : `${detail.map((d) => `${d.logements} × ${pourcent(d.rotation.rotationMicro)}${d.repli ? ` (${d.rotation.niveau === 'bailleur' ? 'bailleur' : `commune ${d.rotation.cle}`}, repli)` : ''}`).join(' + ')} = ${unites(dispoMicro)} disponibilités par an`;
    return {
      reservataire: r.id,
      type: r.type,
      logements,
      disponibilites: quantite(dispoMicro, `${LIBELLES_METHODE[methode]} : ${somme}`),
      flux: quantite(flux.micro, `${flux.texte} : ${unites(flux.micro)}`),
      fluxPropre: flux.propre,
      tauxMicro,
      taux: fromMicro(tauxMicro),
      pourcentage: pourcentage2(tauxMicro),
      lignes: detail,
      explication: `${LIBELLES_METHODE[methode]} : ${somme} ; ÷ ${flux.texte} ${unites(flux.micro)} = ${pourcent(tauxMicro)}`,
    };
  });
  const total = reservataires.reduce((s, r) => s + r.disponibilites.micro, 0);
  return {
    methode,
    reservataires,
    totalDisponibilites: quantite(
      total,
      `Σ des disponibilités attendues des logements réservés (${LIBELLES_METHODE[methode]}) : ${unites(total)}`,
    ),
  };
}

function convertirDroitsUniques(e: EntreeConversion, fluxDe: (id: string) => FluxDe): ConversionDroitsUniques[] {
  const mode = e.modeDroitsUniques ?? { mode: 'ponctuel' };
  const parReservataire = new Map<string, number>();
  for (const d of e.droitsUniques ?? [])
    parReservataire.set(d.reservataire, (parReservataire.get(d.reservataire) ?? 0) + d.nombre);
  return [...parReservataire].map(([reservataire, nombre]) => {
    if (mode.mode === 'ponctuel') {
      return {
        reservataire,
        nombre,
        mode: 'ponctuel',
        annees: 1,
        ponctuel: quantite(
          nombre * MICRO,
          `${nombre} droit${nombre > 1 ? 's' : ''} unique${nombre > 1 ? 's' : ''}, comptés une fois la première année`,
        ),
        parAn: quantite(0, 'droits uniques non étalés'),
        tauxMicro: 0,
        explication: `${nombre} droits uniques : un compteur ponctuel de ${nombre} logements la première année (à porter en report de départ de la convention), hors taux`,
      };
    }
    const flux = fluxDe(reservataire);
    const parAnMicro = mulDivArrondi(nombre, MICRO, mode.annees);
    const tauxMicro = mulDivArrondi(parAnMicro, MICRO, flux.micro);
    return {
      reservataire,
      nombre,
      mode: 'etale',
      annees: mode.annees,
      ponctuel: quantite(0, 'droits uniques étalés, pas de compteur ponctuel'),
      parAn: quantite(parAnMicro, `${nombre} ÷ ${mode.annees} ans = ${unites(parAnMicro)} par an`),
      tauxMicro,
      explication: `${nombre} droits uniques étalés sur ${mode.annees} ans : ${unites(parAnMicro)} par an ÷ ${flux.texte} ${unites(flux.micro)} = + ${pourcent(tauxMicro)} pendant ${mode.annees} ans`,
    };
  });
}

/**
 * The stock→flow conversion of every réservataire by every method, side by side, and the
 * one-shot rights apart. Throws `DonneesInvalides` listing every problem of the input.
 */
export function convertirStock(e: EntreeConversion): ResultatConversion {
  const { problemes, anneesRetenues } = valider(e);
  if (problemes.length > 0) throw new DonneesInvalides(problemes);
  const tables = tablesDeRotation(e, anneesRetenues);
  const fluxDepartement = versMicro(e.fluxPrevisionnel)!;
  const fluxDe = (id: string): FluxDe => {
    const propre = e.fluxParReservataire?.[id];
    return propre === undefined
      ? { micro: fluxDepartement, texte: 'flux prévisionnel du bailleur', propre: false }
      : { micro: versMicro(propre)!, texte: 'flux prévisionnel de son périmètre', propre: true };
  };
  const methodes = {
    programme: convertir('programme', e, tables, fluxDe),
    segment: convertir('segment', e, tables, fluxDe),
    bailleur: convertir('bailleur', e, tables, fluxDe),
  };
  const comparaison = e.reservataires.map((r, i) => {
    const taux = {} as Record<MethodeConversion, TauxCompare>;
    for (const m of METHODES_CONVERSION) {
      const c = methodes[m].reservataires[i]!;
      taux[m] = { tauxMicro: c.tauxMicro, taux: c.taux, pourcentage: c.pourcentage };
    }
    return { reservataire: r.id, logements: methodes.programme.reservataires[i]!.logements, taux };
  });
  return {
    annee: e.annee,
    fenetre: e.fenetre,
    anneesRetenues,
    fluxPrevisionnel: quantite(
      fluxDepartement,
      `flux prévisionnel net du bailleur sur le département : ${unites(fluxDepartement)}`,
    ),
    rotations: {
      programme: [...tables.programme.values()],
      segment: [...tables.segment.values()],
      commune: [...tables.commune.values()],
      bailleur: tables.bailleur,
    },
    methodes,
    droitsUniques: convertirDroitsUniques(e, fluxDe),
    comparaison,
  };
}

// ───────────────────────────── draft conventions ─────────────────────────────

export interface ProjetConvention {
  reservataire: string;
  type: TypeReservataire;
  /** Stock taux of the method + spread one-shot rights, in millionths. */
  tauxMicro: number;
  taux: number;
  pourcentage: string;
  /** One-off one-shot rights, to enter as the first year's `report` (units). */
  reportInitial: number;
  /** Whether its taux is a share of its own perimeter's flow (not the département's). */
  fluxPropre: boolean;
  explication: string;
}

export interface ProjetConventions {
  methode: MethodeConversion;
  projets: ProjetConvention[];
  /** 1 − Σ taux of the département-wide drafts: the bailleur's own share. */
  tauxBailleurMicro: number;
  /** Legal caps the drafts break: shown, never clipped. */
  avertissements: Probleme[];
}

const COLLECTIVITES: ReadonlySet<TypeReservataire> = new Set(['commune', 'epci', 'ept', 'departement', 'region']);
const TERRITORIAUX: ReadonlySet<TypeReservataire> = new Set(['commune', 'epci', 'ept']);

/**
 * Draft convention terms from one method's conversion, checked against the legal caps in force on
 * 1 January of the conversion's year (`legal-parameters.ts`): State ≤ 30 % (CCH R.441-5-2 I),
 * collectivities' guarantee rights ≤ 20 % (CCH R.441-5), Σ taux ≤ 100 % (CCH R.441-5 I). A
 * draft breaking one is kept as computed, with a warning: the parties decide.
 */
export function projeterConventions(r: ResultatConversion, methode: MethodeConversion): ProjetConventions {
  const date = `${r.annee}-01-01`;
  const plafondEtat = toMicro(valeurAu('plafondEtat', date))!;
  const plafondCollectivites = toMicro(valeurAu('plafondGarantiesCollectivites', date))!;
  const uniques = new Map(r.droitsUniques.map((d) => [d.reservataire, d]));
  const avertissements: Probleme[] = [];
  const projets = r.methodes[methode].reservataires.map((c, i): ProjetConvention => {
    const du = uniques.get(c.reservataire);
    const tauxMicro = c.tauxMicro + (du?.tauxMicro ?? 0);
    const reportInitial = du ? fromMicro(du.ponctuel.micro) : 0;
    const fluxPropre = c.fluxPropre;
    const chemin = `projets[${i}].taux`;
    if (c.type === 'etat' && tauxMicro > plafondEtat) {
      avertissements.push({
        chemin,
        message: `le contingent de l’État est de ${pourcent(plafondEtat)} au plus du flux annuel (CCH R.441-5-2 I) : la conversion donne ${pourcent(tauxMicro)} ; il faut une dérogation datée du préfet (un an au plus) ou un taux négocié`,
      });
    }
    if (TERRITORIAUX.has(c.type) && !fluxPropre) {
      avertissements.push({
        chemin,
        message: `la convention d’une ${c.type === 'commune' ? 'commune' : 'intercommunalité'} ne porte que sur son territoire (CCH R.441-5-3) : son taux devrait se rapporter au flux prévisionnel de son périmètre (fluxParReservataire), non à celui du département`,
      });
    }
    const parties = [`${c.pourcentage} (${LIBELLES_METHODE[methode]})`];
    if (du && du.tauxMicro > 0)
      parties.push(`+ ${pourcent(du.tauxMicro)} de droits uniques étalés sur ${du.annees} ans`);
    return {
      reservataire: c.reservataire,
      type: c.type,
      tauxMicro,
      taux: fromMicro(tauxMicro),
      pourcentage: pourcentage2(tauxMicro),
      reportInitial,
      fluxPropre,
      explication: `${parties.join(' ')}${reportInitial > 0 ? ` ; report initial de ${reportInitial} droits uniques la première année` : ''}`,
    };
  });
  // Département-wide drafts share the département's flow; a territorial one adds to them on its own.
  const departementaux = projets.filter((p) => !p.fluxPropre);
  const somme = departementaux.reduce((s, p) => s + p.tauxMicro, 0);
  const collectivites = departementaux.filter((p) => COLLECTIVITES.has(p.type)).reduce((s, p) => s + p.tauxMicro, 0);
  if (somme > MICRO) {
    avertissements.push({
      chemin: 'projets',
      message: `la somme des taux atteint ${pourcent(somme)} : elle ne peut dépasser 100 % du flux (CCH R.441-5 I)`,
    });
  }
  if (collectivites > plafondCollectivites) {
    avertissements.push({
      chemin: 'projets',
      message: `les droits des collectivités atteignent ${pourcent(collectivites)} : ${pourcent(plafondCollectivites)} au plus pour les droits en contrepartie de garanties d’emprunt (CCH R.441-5)`,
    });
  }
  projets.forEach((p, i) => {
    if (!p.fluxPropre) return;
    if (somme + p.tauxMicro > MICRO) {
      avertissements.push({
        chemin: `projets[${i}].taux`,
        message: `sur le territoire de « ${p.reservataire} », les taux atteignent ${pourcent(somme + p.tauxMicro)} avec ceux du département : 100 % au plus (CCH R.441-5 I)`,
      });
    }
    if (COLLECTIVITES.has(p.type) && collectivites + p.tauxMicro > plafondCollectivites) {
      avertissements.push({
        chemin: `projets[${i}].taux`,
        message: `sur le territoire de « ${p.reservataire} », les droits des collectivités atteignent ${pourcent(collectivites + p.tauxMicro)} : ${pourcent(plafondCollectivites)} au plus pour les garanties d’emprunt (CCH R.441-5)`,
      });
    }
  });
  return { methode, projets, tauxBailleurMicro: MICRO - somme, avertissements };
}
